"""A manager transfers a chat to a group: the tiebreaker picks among its members."""
from collections.abc import Sequence

from .codes import RoutingReason
from .routing import Decision, GroupRef, PreSeller, members_with_room, pick, pick_facts


def transfer_to_group(*, group: GroupRef, people: Sequence[PreSeller], assignee_id: int | None,
                      actor_name: str, source_name: str | None) -> Decision | None:
    """The group's available member with room the tiebreaker picks, other than the assignee.

    None when nobody there can take the chat now (the transfer is refused).
    """
    pool = members_with_room(people, group, exclude_id=assignee_id)
    winner = pick(pool)
    if winner is None:
        return None
    return Decision(RoutingReason.MANUAL_TRANSFER, winner.id, group.id,
                    {"case": "group_transfer", "actor": actor_name, "from": source_name,
                     "group": group.name, "pick": pick_facts(winner, pool)})
