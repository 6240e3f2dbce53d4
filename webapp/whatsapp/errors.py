"""WhatsApp's error codes as sentences a pre-seller can act on."""
from .payload import DeliveryError

WINDOW_CLOSED = 131047
# Codes a sales team meets in practice, from Meta's Cloud API error-code reference.
READABLE = {
    WINDOW_CLOSED: "The lead's 24-hour window closed before this reply was delivered.",
    131056: ("Too many messages to this lead in a short time (WhatsApp's pair rate limit). "
             "Wait a minute before sending again."),
    130429: ("WhatsApp's rate limit for this business number was reached. "
             "Try again in a minute."),
    131048: ("WhatsApp limited this business number because of spam reports. "
             "Try again later."),
    80007: "This WhatsApp Business account reached its rate limit. Try again later.",
    190: ("WhatsApp rejected the access token (invalid or expired): an administrator must "
          "renew WHATSAPP_ACCESS_TOKEN."),
    131026: ("WhatsApp could not deliver this message: the number is not on WhatsApp, or "
             "its app is too old."),
    131049: "WhatsApp chose not to deliver this message to keep engagement healthy.",
    131050: "The lead has stopped marketing messages from this business.",
    131031: "This WhatsApp Business account is locked.",
    131042: "There is a payment problem on this WhatsApp Business account.",
    131062: "WhatsApp does not accept this message for a lead known only by a user id.",
    133010: "The business phone number is not registered with WhatsApp.",
    368: "This business number is temporarily blocked for policy violations.",
    100: "WhatsApp rejected the request as invalid (check WHATSAPP_PHONE_NUMBER_ID).",
}


def readable_error(error: DeliveryError) -> str:
    """A sentence for the error: ours for known codes, WhatsApp's own words otherwise."""
    if error.code in READABLE:
        return READABLE[error.code]
    words = ": ".join(part.strip().rstrip(".") for part in (error.title, error.details)
                      if part and part.strip())
    code = f" (code {error.code})" if error.code is not None else ""
    return f"WhatsApp could not deliver this message: {words or 'no reason given'}{code}."
