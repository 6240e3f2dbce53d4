"""The waiting line: unassigned open chats go out, oldest first, as soon as someone has room.

A waiting chat goes where a new lead's chat would go at that moment (the eligible
pre-sellers with room, else the alternate recipients with room), one chat after another:
each decision counts the chats given before it. The first chat nobody can take ends the
round, as every later one would find the same people.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .capacity import in_activity
from .codes import RoutingReason
from .routing import Decision, PreSeller, Rules, route_new_chat
from .window import is_open


@dataclass(frozen=True)
class WaitingChat:
    """An unassigned open chat, as the waiting line sees it."""

    id: int
    waiting_since: datetime
    last_inbound_at: datetime | None
    window_expires_at: datetime | None


def line_order(chat: WaitingChat) -> tuple:
    """Longest waiting first; the older chat first between two that started at once."""
    return chat.waiting_since, chat.id


def give_out(waiting: Sequence[WaitingChat], people: Sequence[PreSeller], rules: Rules,
             now: datetime) -> list[tuple[WaitingChat, Decision]]:
    """Each waiting chat still inside its response window that someone can take, and to whom.

    Nothing goes out while the waiting line is switched off. `people` are everyone a new
    lead's chat may go to now (the online pre-sellers and the alternate recipients).
    """
    if not rules.give_waiting_chats:
        return []
    team = {person.id: person for person in people}
    given = []
    for chat in sorted(waiting, key=line_order):
        if not is_open(chat.window_expires_at, now):
            continue
        found = route_new_chat(owner_id=None, people=list(team.values()), rules=rules)
        if found.assignee_id is None:
            break
        winner = team[found.assignee_id]
        team[winner.id] = winner.given_chat(now, in_activity=in_activity(
            chat.last_inbound_at, now, rules.activity_window_minutes))
        waited = max(int((now - chat.waiting_since).total_seconds()), 0)
        given.append((chat, Decision(RoutingReason.WAITING_LINE, winner.id, found.group_id,
                                     {"case": "waiting_line", "waited_seconds": waited,
                                      "then": found.facts})))
    return given
