"""The next-chat preview: who would get a new lead's chat now, and why, by the real decision.

Read-only: it loads the people as routing does and asks the same domain decision, for the
saved settings or for a manager's unsaved ones, and writes nothing (no lock, no decision).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain.routing import Decision, GroupRef, Rules, route_new_chat
from ..domain.settings_rules import DistributionSettings, kept_choices, tunable_values
from ..extensions import db
from ..models import Group
from .assignment import new_lead_people, routing_rules
from .settings import stored_settings


@dataclass(frozen=True)
class NextChat:
    """Where a new lead's chat would go now, and whether that follows unsaved settings."""

    decision: Decision
    assignee_name: str | None
    unsaved: bool


def next_chat(now: datetime, wanted: DistributionSettings | None = None) -> NextChat:
    """The decision a new lead writing now would get, with `wanted` settings or the saved."""
    unsaved = wanted is not None and kept_choices(wanted) != kept_choices(stored_settings())
    rules = rules_for(wanted) if wanted is not None and unsaved else routing_rules()
    people = new_lead_people(now, rules)
    decision = route_new_chat(owner_id=None, people=people, rules=rules)
    name = next((person.name for person in people if person.id == decision.assignee_id), None)
    return NextChat(decision, name, unsaved)


def rules_for(wanted: DistributionSettings) -> Rules:
    """The rules routing would apply were these settings saved (groups in name order, as
    the saved settings list them; a group deleted meanwhile is left out)."""
    wanted = kept_choices(wanted)
    ids = wanted.group_ids | ({wanted.offline_transfer_group_id} - {None})
    groups = {group.id: GroupRef(group.id, group.name) for group in db.session.execute(
        select(Group.id, Group.name).where(Group.id.in_(ids))
        .order_by(Group.name, Group.id)).all()}
    return Rules(mode=wanted.mode,
                 groups=tuple(group for group in groups.values() if group.id in wanted.group_ids),
                 alternate_ids=wanted.alternate_ids,
                 offline_transfer=wanted.offline_transfer_enabled,
                 transfer_group=groups.get(wanted.offline_transfer_group_id),
                 **tunable_values(wanted))
