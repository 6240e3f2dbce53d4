"""What routing needs from the database, and the one way a chat changes hands.

`load_people` is a single set-based query however many pre-sellers there are: presence is
computed in SQL with the one online rule (`User.online_clause`, in which Away is offline),
and each person's open chats and chats in activity by one grouped count over the open chats.
`reassign` is shared by every rule that moves a chat that someone has.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    case,
    func,
    or_,
    select,
    type_coerce,
    update,
)

from ..db import UTCDateTime
from ..domain.capacity import effective_limit
from ..domain.codes import ChatStatus, RoutingReason
from ..domain.routing import GroupRef, PreSeller, Rules
from ..domain.settings_rules import tunable_values
from ..extensions import db
from ..models import PRE_SELLER, Chat, RoutingDecision, User, group_members
from .accounts import presence_timeout
from .chat_facts import record_wait_end
from .report_counts import count_transfer
from .settings import current_settings


def routing_rules() -> Rules:
    """The distribution settings as the routing rules see them, every tunable included."""
    settings = current_settings()
    transfer = settings.offline_transfer_group
    return Rules(
        mode=settings.distribution_mode,
        groups=tuple(GroupRef(group.id, group.name) for group in settings.distribution_groups),
        alternate_ids=frozenset(user.id for user in settings.alternate_recipients),
        offline_transfer=settings.offline_transfer_enabled,
        transfer_group=GroupRef(transfer.id, transfer.name) if transfer else None,
        **tunable_values(settings),
    )


def online_now(now: datetime):
    """SQL: the user is online at `now` (the one presence rule, with the configured timeout)."""
    return User.online_clause(now, presence_timeout())


def chat_counts(now: datetime, window_minutes: int) -> Subquery:
    """Per assignee: open chats, those in activity (the lead wrote within the window), those
    awaiting a reply and since when the oldest of them waits. One pass over the open chats,
    whatever the history holds: an index-only scan of ix_chats_open_assignee."""
    since = now - timedelta(minutes=window_minutes)
    waiting = Chat.awaiting_reply.is_(True)
    return (select(Chat.assignee_id, func.count().label("open_chats"),
                   func.sum(case((Chat.last_inbound_at >= since, 1), else_=0))
                   .label("in_activity"),
                   func.sum(case((waiting, 1), else_=0)).label("awaiting"),
                   type_coerce(func.min(case((waiting, func.coalesce(
                       Chat.awaiting_since, Chat.last_inbound_at)))), UTCDateTime())
                   .label("oldest_wait"))
            .where(Chat.status == ChatStatus.OPEN, Chat.assignee_id.is_not(None))
            .group_by(Chat.assignee_id).subquery())


def load_people(now: datetime, rules: Rules, where: ColumnElement[bool],
                groups: Iterable[int] = ()) -> list[PreSeller]:
    """The users matching `where`, as routing sees them, in one query: presence, open chats
    and their limit, chats in activity, and membership of the rules' groups and of `groups`.
    """
    counts = chat_counts(now, rules.activity_window_minutes)
    group_ids = [group.id for group in rules.groups] + list(groups)
    if rules.transfer_group is not None:
        group_ids.append(rules.transfer_group.id)
    # One row per relevant membership (or one with no group), folded back per person below.
    rows = db.session.execute(
        select(User.id, User.name, User.role, User.active, User.last_assigned_at,
               User.max_open_chats, case((online_now(now), True), else_=False).label("online"),
               counts.c.open_chats, counts.c.in_activity, group_members.c.group_id)
        .outerjoin(counts, counts.c.assignee_id == User.id)
        .outerjoin(group_members, and_(group_members.c.user_id == User.id,
                                       group_members.c.group_id.in_(group_ids)))
        .where(where)).all()
    memberships: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.group_id is not None:
            memberships[row.id].add(row.group_id)
    people = {row.id: PreSeller(
        id=row.id, name=row.name, online=bool(row.online),
        chats_in_activity=int(row.in_activity or 0), last_assigned_at=row.last_assigned_at,
        active=bool(row.active) and row.role == PRE_SELLER,
        group_ids=frozenset(memberships[row.id]), open_chats=int(row.open_chats or 0),
        limit=effective_limit(row.max_open_chats, rules.max_open_chats)) for row in rows}
    return list(people.values())


def new_lead_people(now: datetime, rules: Rules, owner_id: int | None = None) -> list[PreSeller]:
    """Everyone a new chat may go to, in one query: the active pre-sellers who are online or
    alternate recipients, and the lead's owner whatever their state."""
    return people_for_new_chats(now, rules, () if owner_id is None else (owner_id,))


def people_for_new_chats(now: datetime, rules: Rules,
                         owner_ids: Iterable[int]) -> list[PreSeller]:
    """Everyone the new chats of several leads may go to, in one query: the active
    pre-sellers who are online or alternate recipients, and the leads' owners whatever
    their state (the domain's pools never pick an owner for another lead's chat)."""
    wanted = and_(active_pre_seller(),
                  or_(online_now(now), User.id.in_(sorted(rules.alternate_ids))))
    owners = sorted(set(owner_ids))
    if owners:
        wanted = or_(User.id.in_(owners), wanted)
    return load_people(now, rules, wanted)


def active_pre_seller():
    """SQL: an active pre-seller, the only kind of user who receives chats."""
    return and_(User.role == PRE_SELLER, User.active.is_(True))


def mark_assigned(user_id: int, now: datetime) -> None:
    """Remember when the pre-seller was last given a chat (the tiebreaker's second step)."""
    db.session.execute(update(User).where(User.id == user_id).values(last_assigned_at=now))


def locked_chat(chat_id: int) -> Chat | None:
    """The chat as committed now, its row locked until the transaction ends (PostgreSQL).

    Callers hold the routing lock too; on SQLite the transaction's write lock serializes.
    Objects already in the session are refreshed, so no stale version is ever compared.
    """
    return db.session.scalar(select(Chat).where(Chat.id == chat_id).with_for_update()
                             .execution_options(populate_existing=True))


def reassign(chat: Chat, to: User, *, reason: RoutingReason, facts: dict, now: datetime,
             group_id: int | None = None, actor: User | None = None,
             note: str = "") -> RoutingDecision:
    """Give an open chat to another pre-seller, who becomes the lead's owner; record it.

    The version moves on, so any transfer dialog opened before this refuses itself.
    """
    decision = RoutingDecision(chat_id=chat.id, reason=reason, from_assignee_id=chat.assignee_id,
                               assignee_id=to.id, group_id=group_id,
                               actor_id=actor.id if actor else None, facts=facts,
                               note=note, created_at=now)
    record_wait_end(chat, now)
    count_transfer(now, reason, chat.assignee_id, to.id)
    chat.assignee, chat.assigned_at, chat.overdue_since = to, now, None
    if group_id is not None:
        chat.group_id = group_id
        db.session.expire(chat, ["group"])
    chat.version += 1
    chat.lead.owner = to
    mark_assigned(to.id, now)
    db.session.add(decision)
    db.session.flush()
    return decision
