"""Team now and the nobody-can-take-chats banner, from the figures routing itself uses.

`team_now` adds, to the team overview /api/team serves, when each pre-seller was last seen
and how long their oldest unanswered lead has waited. `nobody_can_take` asks the next-chat
preview (the real routing decision, read-only) and says where a new lead would go when no
pre-seller can receive it: an alternate recipient, the waiting line, or nobody.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, type_coerce

from ..db import UTCDateTime
from ..domain.codes import ChatStatus, RoutingReason
from ..extensions import db
from ..models import PRE_SELLER, Chat, User
from .preview import NextChat, next_chat
from .settings import current_settings
from .team import TeamMember, team_overview


@dataclass(frozen=True)
class TeamRow:
    """A pre-seller on the dashboard: the overview's figures, last seen, the oldest wait."""

    member: TeamMember
    last_seen_at: datetime | None
    oldest_wait_since: datetime | None


def team_now(now: datetime) -> list[TeamRow]:
    """Every active pre-seller by name, with their figures now: three queries in all."""
    team = team_overview(now, active_only=True)
    seen = dict(db.session.execute(select(User.id, User.last_seen_at).where(
        User.role == PRE_SELLER, User.active.is_(True))).tuples().all())
    waits = dict(db.session.execute(
        select(Chat.assignee_id,
               type_coerce(func.min(func.coalesce(Chat.awaiting_since, Chat.last_inbound_at)),
                           UTCDateTime()))
        .where(Chat.status == ChatStatus.OPEN, Chat.assignee_id.is_not(None),
               Chat.awaiting_reply.is_(True))
        .group_by(Chat.assignee_id)).tuples().all())
    return [TeamRow(member, seen.get(member.id), waits.get(member.id))
            for member in team]


@dataclass(frozen=True)
class NobodyNow:
    """Nobody can receive a new chat now; where the next lead would go instead."""

    preview: NextChat
    waiting_line: bool  # unassigned, and given out as soon as someone can take it

    @property
    def alternate(self) -> bool:
        """An alternate new chat recipient would get it."""
        return self.preview.decision.reason == RoutingReason.ALTERNATE

    @property
    def alternate_online(self) -> bool:
        """That alternate is online now."""
        return bool(self.preview.decision.facts.get("alternates", {}).get("winner_online"))


def nobody_can_take(now: datetime) -> NobodyNow | None:
    """None while distribution would give a new lead to someone; else where it would go."""
    preview = next_chat(now)
    if preview.decision.reason not in (RoutingReason.ALTERNATE, RoutingReason.UNASSIGNED):
        return None
    return NobodyNow(preview, waiting_line=preview.decision.reason == RoutingReason.UNASSIGNED
                     and current_settings().give_waiting_chats)
