"""The team now: each pre-seller's presence, open chats of their limit, chats in activity and
chats awaiting a reply; and the groups a chat may be transferred to. Two queries, whatever
the team's size (the same grouped count routing uses)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain.capacity import effective_limit, has_room
from ..domain.codes import Presence
from ..domain.presence import presence
from ..extensions import db
from ..models import PRE_SELLER, Group, User, group_members
from .accounts import presence_timeout
from .assignment import chat_counts
from .settings import current_settings


@dataclass(frozen=True)
class TeamMember:
    """A pre-seller as the team overview shows them."""

    id: int
    name: str
    email: str
    active: bool
    state: Presence
    open_chats: int
    limit: int | None
    chats_in_activity: int
    awaiting_reply: int
    last_seen_at: datetime | None = None
    # Since when their oldest open chat awaiting a reply has waited (None: none waits).
    oldest_wait_since: datetime | None = None

    @property
    def has_room(self) -> bool:
        """Below their limit of open chats (always, without one)."""
        return has_room(self.open_chats, self.limit)


@dataclass(frozen=True)
class GroupChoice:
    """A group a chat may be transferred to, and how many of its members can take it now."""

    id: int
    name: str
    members: int
    ready: int  # available, with room


def team_overview(now: datetime, *, active_only: bool = False) -> list[TeamMember]:
    """Every pre-seller (or only the active ones) by name, with their figures now."""
    settings = current_settings()
    counts = chat_counts(now, settings.activity_window_minutes)
    query = (select(User, counts.c.open_chats, counts.c.in_activity, counts.c.awaiting,
                    counts.c.oldest_wait)
             .outerjoin(counts, counts.c.assignee_id == User.id)
             .where(User.role == PRE_SELLER).order_by(User.name, User.id))
    if active_only:
        query = query.where(User.active.is_(True))
    timeout = presence_timeout()
    return [TeamMember(
        id=user.id, name=user.name, email=user.email, active=user.active,
        state=presence(user.signed_in, user.last_seen_at, now, timeout, active=user.active,
                       away_since=user.away_since),
        open_chats=int(open_chats or 0),
        limit=effective_limit(user.max_open_chats, settings.max_open_chats),
        chats_in_activity=int(in_activity or 0), awaiting_reply=int(awaiting or 0),
        last_seen_at=user.last_seen_at, oldest_wait_since=oldest_wait)
        for user, open_chats, in_activity, awaiting, oldest_wait in db.session.execute(query)]


def group_choices(team: list[TeamMember]) -> list[GroupChoice]:
    """Every group by name, counting its members and those who can take a chat now."""
    ready = {member.id for member in team
             if member.active and member.state == Presence.AVAILABLE and member.has_room}
    members: dict[int, list[int]] = {}
    for group_id, user_id in db.session.execute(
            select(group_members.c.group_id, group_members.c.user_id)):
        members.setdefault(group_id, []).append(user_id)
    return [GroupChoice(group.id, group.name, len(members.get(group.id, [])),
                        sum(1 for user_id in members.get(group.id, []) if user_id in ready))
            for group in db.session.scalars(select(Group).order_by(Group.name))]
