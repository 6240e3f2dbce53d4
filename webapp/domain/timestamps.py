"""Which message times can be believed: none before WhatsApp, none from the future."""
from datetime import UTC, datetime, timedelta

# WhatsApp appeared in 2009: an earlier time is a broken or forged timestamp.
WHATSAPP_EPOCH = datetime(2009, 1, 1, tzinfo=UTC)
# How far ahead of our clock a message's time may be (clocks of two hosts never agree
# exactly). Beyond it a message would open a response window that never closes.
CLOCK_SKEW = timedelta(minutes=5)


class ImplausibleTime(ValueError):
    """A message's own time that cannot be true; says why."""


def check_sent_at(sent_at: datetime, now: datetime) -> None:
    """Raise ImplausibleTime unless the message could have been sent at `sent_at`."""
    if sent_at < WHATSAPP_EPOCH:
        raise ImplausibleTime(f"its time ({sent_at:%Y-%m-%d %H:%M} UTC) is before WhatsApp "
                              f"existed.")
    if sent_at > now + CLOCK_SKEW:
        minutes = int(CLOCK_SKEW.total_seconds() // 60)
        raise ImplausibleTime(f"its time ({sent_at:%Y-%m-%d %H:%M} UTC) is more than "
                              f"{minutes} minutes in the future.")
