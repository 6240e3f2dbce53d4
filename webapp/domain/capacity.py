"""Capacity: how many open chats a pre-seller may hold, and which chats count as in activity."""
from datetime import datetime, timedelta


def effective_limit(own: int | None, team: int | None) -> int | None:
    """A pre-seller's own maximum of open chats wins over the team's; None = no limit."""
    return own if own is not None else team


def has_room(open_chats: int, limit: int | None) -> bool:
    """Below the limit, so one more chat may be given (always, without a limit)."""
    return limit is None or open_chats < limit


def in_activity(last_inbound_at: datetime | None, now: datetime, window_minutes: int) -> bool:
    """The lead wrote within the activity window: the chat counts for the tiebreaker."""
    return (last_inbound_at is not None
            and last_inbound_at >= now - timedelta(minutes=window_minutes))
