"""Who is online: the one rule, used by pages, routing and jobs alike.

Pages ask `is_online` (or `presence` for the three states they show); queries ask the same
rule in SQL (models.users), built from the cutoffs below, so both sides compare the same
instants. A pre-seller who switched to Away is signed in but not online: every routing rule
treats them as offline, while they keep working their open chats.
"""
from datetime import datetime, timedelta

from .codes import Presence

# Signed-in requests refresh last-seen at most this often, to keep writes rare.
LAST_SEEN_WRITE_INTERVAL = timedelta(seconds=15)
# A user whose last tab closed stays online this long: going to another page of Relay closes
# the page too, and the next one is seen within it.
LEAVING_GRACE = timedelta(seconds=10)


def online_cutoff(now: datetime, timeout: timedelta) -> datetime:
    """Seen at or after this instant counts as online at `now`."""
    return now - timeout


def is_connected(signed_in: bool, last_seen_at: datetime | None, now: datetime,
                 timeout: timedelta, *, active: bool = True) -> bool:
    """An active user, signed in and seen within the presence timeout (Available or Away)."""
    return bool(active and signed_in and last_seen_at is not None
                and last_seen_at >= online_cutoff(now, timeout))


def is_online(signed_in: bool, last_seen_at: datetime | None, now: datetime,
              timeout: timedelta, *, active: bool = True,
              away_since: datetime | None = None) -> bool:
    """Online = connected and not Away: the state in which routing may give them chats."""
    return away_since is None and is_connected(signed_in, last_seen_at, now, timeout,
                                               active=active)


def presence(signed_in: bool, last_seen_at: datetime | None, now: datetime,
             timeout: timedelta, *, active: bool = True,
             away_since: datetime | None = None) -> Presence:
    """Available, Away or offline, as every page shows a person."""
    if not is_connected(signed_in, last_seen_at, now, timeout, active=active):
        return Presence.OFFLINE
    return Presence.AVAILABLE if away_since is None else Presence.AWAY


def offline_cutoffs(now: datetime, grace: timedelta,
                    timeout: timedelta) -> tuple[datetime, datetime]:
    """Last seen before these instants = offline for longer than `grace` at `now`.

    (signed out, still signed in): a user who signed out went offline when last seen; one
    still signed in, when the presence timeout ran out after that, i.e. they were no longer
    online `grace` ago. Someone never seen, or deactivated, has been offline all along; one
    who went Away before the first instant too (Away counts as offline from that moment).
    """
    since = now - grace
    return since, online_cutoff(since, timeout)


def needs_last_seen_write(last_seen_at: datetime | None, now: datetime) -> bool:
    """True when last-seen is stale enough to be worth a write."""
    return last_seen_at is None or now - last_seen_at >= LAST_SEEN_WRITE_INTERVAL


def last_seen_on_leaving(last_seen_at: datetime | None, now: datetime,
                         timeout: timedelta) -> datetime:
    """The last-seen that makes a user whose last tab closed offline LEAVING_GRACE from now,
    unless they are seen again; never later than it was."""
    leaving = now - timeout + LEAVING_GRACE
    return leaving if last_seen_at is None else min(last_seen_at, leaving)
