"""When a stored webhook delivery whose processing failed is tried again (pure).

A delivery that failed is retried alone after a growing delay, so a passing fault (a lock
timeout, a restart) heals by itself while a delivery that can never succeed stops costing
work: after the last delay it is *dead*, kept with its reason for a manager to retry.
"""
from datetime import datetime, timedelta

from .codes import DeliveryFailure

# The delay before each retry: after the 1st failed attempt 5 s, after the 2nd 30 s, ...
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2),
                timedelta(minutes=10), timedelta(hours=1))


def next_attempt_at(attempts: int, failure: str, now: datetime) -> datetime | None:
    """When to try a delivery again after its `attempts`-th attempt failed at `now`; None
    when it is dead (no retry left, or a body that retrying cannot make readable)."""
    if failure == DeliveryFailure.BAD_PAYLOAD or attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def backlog_age(oldest_received_at: datetime | None, now: datetime) -> float:
    """Seconds the oldest delivery still waiting has waited (0 with none waiting)."""
    if oldest_received_at is None:
        return 0.0
    return max((now - oldest_received_at).total_seconds(), 0.0)
