"""Who is online: the one rule, used by pages, routing and jobs alike."""
from datetime import datetime, timedelta

DEFAULT_PRESENCE_TIMEOUT = timedelta(seconds=90)
# Signed-in requests refresh last-seen at most this often, to keep writes rare.
LAST_SEEN_WRITE_INTERVAL = timedelta(seconds=15)


def online_cutoff(now: datetime, timeout: timedelta) -> datetime:
    """Seen at or after this instant counts as online (SQL queries use it too)."""
    return now - timeout


def is_online(signed_in: bool, last_seen_at: datetime | None, now: datetime,
              timeout: timedelta = DEFAULT_PRESENCE_TIMEOUT) -> bool:
    """Online = signed in and seen within the presence timeout."""
    return bool(signed_in and last_seen_at is not None
                and last_seen_at >= online_cutoff(now, timeout))


def needs_last_seen_write(last_seen_at: datetime | None, now: datetime) -> bool:
    """True when last-seen is stale enough to be worth a write."""
    return last_seen_at is None or now - last_seen_at >= LAST_SEEN_WRITE_INTERVAL


def offline_since(signed_in: bool, last_seen_at: datetime | None,
                  timeout: timedelta) -> datetime | None:
    """When a user stopped being online: signed out → last seen; else last seen + timeout."""
    if last_seen_at is None:
        return None
    return last_seen_at if not signed_in else last_seen_at + timeout
