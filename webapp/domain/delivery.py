"""What an outbound reply's delivery state means, and whether it may be sent again (pure)."""
from datetime import datetime, timedelta

from .codes import MessageStatus

# Sending takes at most the Cloud API's timeouts (3 s to connect, 10 s to answer by default).
# A reply still pending well after that was cut off between sending and recording.
SEND_GRACE = timedelta(minutes=1)


def outcome_unknown(status: str, error: str | None, saved_at: datetime, now: datetime) -> bool:
    """Nobody can tell whether WhatsApp got this reply: it stayed pending after WhatsApp
    stopped answering (`error` says so), or longer than any send takes (a crash)."""
    return status == MessageStatus.PENDING and (bool(error) or now - saved_at > SEND_GRACE)


def may_retry(status: str, wamid: str | None) -> bool:
    """Only a reply WhatsApp refused may be sent again; one that got a wamid never is."""
    return status == MessageStatus.FAILED and wamid is None
