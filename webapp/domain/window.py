"""The WhatsApp customer-service window: free text only within 24 h of the lead's last message."""
from datetime import datetime, timedelta

RESPONSE_WINDOW = timedelta(hours=24)


def latest_inbound(previous: datetime | None, message_at: datetime) -> datetime:
    """The lead's latest message time after this one (a late, older message changes nothing)."""
    return message_at if previous is None or message_at > previous else previous


def window_end(last_inbound_at: datetime) -> datetime:
    """When the window that the lead's latest message opened closes."""
    return last_inbound_at + RESPONSE_WINDOW


def is_open(expires_at: datetime | None, now: datetime) -> bool:
    """True while free-text replies (and transfers) are still possible."""
    return expires_at is not None and now < expires_at


def time_left(expires_at: datetime | None, now: datetime) -> timedelta:
    """What remains of the window; zero once it has closed."""
    if expires_at is None or not is_open(expires_at, now):
        return timedelta(0)
    return expires_at - now
