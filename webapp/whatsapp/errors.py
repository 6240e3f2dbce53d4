"""WhatsApp's error codes as sentences a pre-seller can act on, in their language.

A failed reply keeps WhatsApp's code (`error_code`) and, as data, WhatsApp's own words or the
kind of failure Relay met (`error`, e.g. `relay:timeout`); pages word them with
`failure_text` when they show them.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .records import DeliveryError

WINDOW_CLOSED = 131047
# Codes a sales team meets in practice, from Meta's Cloud API error-code reference.
READABLE = {
    WINDOW_CLOSED: _l("The lead's 24-hour window closed before this reply was delivered."),
    131056: _l("Too many messages to this lead in a short time (WhatsApp's pair rate limit). "
               "Wait a minute before sending again."),
    130429: _l("WhatsApp's rate limit for this business number was reached. "
               "Try again in a minute."),
    131048: _l("WhatsApp limited this business number because of spam reports. "
               "Try again later."),
    80007: _l("This WhatsApp Business account reached its rate limit. Try again later."),
    190: _l("WhatsApp rejected the access token (invalid or expired): an administrator must "
            "renew WHATSAPP_ACCESS_TOKEN."),
    131026: _l("WhatsApp could not deliver this message: the number is not on WhatsApp, or "
               "its app is too old."),
    131049: _l("WhatsApp chose not to deliver this message to keep engagement healthy."),
    131050: _l("The lead has stopped marketing messages from this business."),
    131031: _l("This WhatsApp Business account is locked."),
    131042: _l("There is a payment problem on this WhatsApp Business account."),
    131062: _l("WhatsApp does not accept this message for a lead known only by a user id."),
    133010: _l("The business phone number is not registered with WhatsApp."),
    368: _l("This business number is temporarily blocked for policy violations."),
    100: _l("WhatsApp rejected the request as invalid (check WHATSAPP_PHONE_NUMBER_ID)."),
    # Templates.
    132000: _l("The number of values does not match the template's parameters as Meta "
               "approved it. Refresh the templates and try again."),
    132001: _l("This template does not exist in this language on the WhatsApp account (deleted, "
               "or not approved yet). Refresh the templates and pick another."),
    132005: _l("With these values the template's text is too long for WhatsApp."),
    132007: _l("WhatsApp refused the template's text under its formatting policy."),
    132012: _l("A value does not have the format the template expects."),
    132015: _l("Meta paused this template because of its quality. Choose another template."),
    132016: _l("Meta disabled this template. Choose another template."),
    132018: _l("WhatsApp refused a value: no line breaks, tabs or more than four spaces in a "
               "row."),
    131008: _l("The template needs a value that is missing."),
    131009: _l("WhatsApp refused one of the values for this template."),
}


# Failures Relay meets itself, by the kind stored in `error` ("relay:<kind>[:<detail>]").
RELAY_FAILURES = {
    "unreachable": _l("Could not reach WhatsApp (network problem); the reply was not sent. "
                      "Try again in a moment."),
    "timeout": _l("WhatsApp did not answer in time, so the reply may have reached the lead. "
                  "Check with them before writing it again."),
    "broken": _l("The connection to WhatsApp broke before it answered, so the reply may have "
                 "reached the lead. Check with them before writing it again."),
    "http": _l("WhatsApp answered with HTTP %(detail)s; the reply was not sent."),
    "no_id": _l("WhatsApp accepted the request but returned no message id."),
    "not_configured": _l("WHATSAPP_PHONE_NUMBER_ID is not configured, so replies cannot be "
                         "sent. Ask an administrator to set it."),
    "no_reason": _l("WhatsApp could not deliver this message and gave no reason."),
    "no_business_account": _l("WHATSAPP_BUSINESS_ACCOUNT_ID is not configured, so the "
                              "account's templates cannot be listed. Ask an administrator "
                              "to set it."),
    "no_media_url": _l("WhatsApp did not say where to download this file."),
    "untrusted_media_url": _l("WhatsApp named a download address outside Meta's servers; "
                              "the file was not fetched."),
}
RELAY = "relay:"


def relay_failure(kind: str, detail: object = "") -> str:
    """What a reply keeps for a failure Relay met itself: 'relay:<kind>[:<detail>]'."""
    return f"{RELAY}{kind}:{detail}" if detail != "" else RELAY + kind


def meta_words(error: DeliveryError) -> str:
    """WhatsApp's own words about an error ('title: details'), kept as data."""
    return ": ".join(part.strip().rstrip(".") for part in (error.title, error.details)
                     if part and part.strip())


def failure_text(code: int | None, error: str | None) -> str:
    """Why a reply failed, in the reader's language: ours for known codes and for the
    failures Relay met itself, WhatsApp's own words otherwise. A failure stored before codes
    were kept shows its sentence as it was."""
    error = error or ""
    if error.startswith(RELAY):
        kind, _sep, detail = error[len(RELAY):].partition(":")
        if kind in RELAY_FAILURES:
            return str(RELAY_FAILURES[kind] % {"detail": detail})
    if code in READABLE:
        return str(READABLE[code])
    if code is None:
        return error
    return _("WhatsApp could not deliver this message: %(reason)s (code %(code)s).",
             reason=error or _("no reason given"), code=code)


def readable_error(error: DeliveryError) -> str:
    """A sentence for a delivery error (logs and the CLI read it in English)."""
    return failure_text(error.code, meta_words(error))
