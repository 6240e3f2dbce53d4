"""Reassign unanswered: a chat its pre-seller left unanswered too long moves to someone else.

The lead has waited N minutes since the chat was given to its current pre-seller (and since
the lead last started waiting), with no reply from them: the chat goes to another eligible
pre-seller with room by the tiebreaker, never back to anyone who let it lapse before. With
nobody else, it stays and is flagged overdue for the managers.
"""
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from .codes import RoutingReason
from .routing import (
    GROUPS_MODE,
    Decision,
    PreSeller,
    Rules,
    delivery_group,
    eligible,
    pick,
    pick_facts,
)


def unanswered_cutoff(now: datetime, minutes: int) -> datetime:
    """Given, and waiting, since before this instant = unanswered for too long at `now`."""
    return now - timedelta(minutes=minutes)


def is_unanswered(*, awaiting_reply: bool, assigned_at: datetime | None,
                  awaiting_since: datetime | None, replied_since_assigned: bool,
                  now: datetime, minutes: int) -> bool:
    """The lead has waited `minutes` for its current pre-seller, who has not replied."""
    cutoff = unanswered_cutoff(now, minutes)
    return bool(awaiting_reply and not replied_since_assigned
                and assigned_at is not None and assigned_at <= cutoff
                and awaiting_since is not None and awaiting_since <= cutoff)


def reassign_unanswered(*, assignee_id: int, assignee_name: str, lapsed_ids: Collection[int],
                        people: Sequence[PreSeller], rules: Rules) -> Decision:
    """Where the unanswered chat goes: someone else eligible, or it stays, flagged overdue.

    `lapsed_ids` are the pre-sellers who let this chat lapse before (they never get it back).
    """
    minutes = rules.reassign_unanswered_minutes
    left_out = {assignee_id, *lapsed_ids}
    pool = [p for p in eligible(people, rules) if p.id not in left_out]
    winner = pick(pool)
    why = {"assignee": assignee_name, "minutes": minutes, "lapsed": len(left_out)}
    if winner is None:
        return Decision(RoutingReason.OVERDUE, assignee_id, None, {"case": "overdue", **why})
    group = delivery_group(winner, rules) if rules.mode == GROUPS_MODE else None
    return Decision(RoutingReason.REASSIGNED, winner.id, group.id if group else None,
                    {"case": "reassigned", **why, "pick": pick_facts(winner, pool)})
