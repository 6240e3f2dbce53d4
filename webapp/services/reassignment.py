"""Reassign unanswered chats: the minute job moves the chats their pre-seller left unanswered.

The candidates are selected in one query (the domain's rule in SQL); each then moves under
the routing lock, its row re-read and checked against the version the query saw, with the
team loaded once and counted in memory as chats move. Flushes, never commits.
"""
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, exists, or_, select, update
from sqlalchemy.orm import joinedload

from ..db import lock_routing
from ..domain.capacity import in_activity
from ..domain.codes import ChatStatus, Direction, MessageStatus, RoutingReason
from ..domain.reassignment import reassign_unanswered, unanswered_cutoff
from ..domain.routing import Decision, PreSeller, Rules
from ..extensions import db
from ..models import Chat, Message, RoutingDecision, User
from .assignment import (
    active_pre_seller,
    load_people,
    locked_chat,
    online_now,
    reassign,
    routing_rules,
)
from .waiting_line import give_out_waiting


def replied_since_assigned():
    """SQL: the chat's assignee has replied since it was given to them (a failed send is no
    reply)."""
    return exists().where(Message.chat_id == Chat.id, Message.direction == Direction.OUTBOUND,
                          Message.sender_id == Chat.assignee_id,
                          Message.sent_at >= Chat.assigned_at,
                          Message.status != MessageStatus.FAILED)


def unanswered_chats(now: datetime, minutes: int) -> list[Chat]:
    """One query: open chats whose lead has waited `minutes` on an assignee who has not
    replied since being given the chat (domain.reassignment.is_unanswered), longest first."""
    cutoff = unanswered_cutoff(now, minutes)
    return list(db.session.scalars(
        select(Chat).options(joinedload(Chat.assignee), joinedload(Chat.lead))
        .where(Chat.status == ChatStatus.OPEN, Chat.assignee_id.is_not(None),
               Chat.awaiting_reply.is_(True), Chat.assigned_at <= cutoff,
               Chat.awaiting_since <= cutoff, Chat.window_expires_at > now,
               ~replied_since_assigned())
        .order_by(Chat.awaiting_since, Chat.id)))


def clear_answered_overdue(minutes: int | None) -> int:
    """Overdue flags of chats answered since (or of every chat, with the rule off) go."""
    stale: ColumnElement[bool] = Chat.overdue_since.is_not(None)
    if minutes is not None:
        stale = and_(stale, or_(Chat.awaiting_reply.is_(False), replied_since_assigned()))
    # An UPDATE's result is a CursorResult (it has a rowcount); execute() is typed for any.
    return cast(CursorResult[Any], db.session.execute(
        update(Chat).where(stale).values(overdue_since=None)
        .execution_options(synchronize_session=False))).rowcount


def reassign_unanswered_chats(now: datetime) -> list[RoutingDecision]:
    """Move every chat left unanswered too long, or flag it overdue when nobody else can take
    it (once). Then the waiting line, as the people who lost a chat have room again."""
    rules = routing_rules()
    clear_answered_overdue(rules.reassign_unanswered_minutes)
    if rules.reassign_unanswered_minutes is None:
        return []
    candidates = unanswered_chats(now, rules.reassign_unanswered_minutes)
    if not candidates:
        return []
    lock_routing(db.session)
    lapsed = _lapsed([chat.id for chat in candidates])
    team = {person.id: person for person in load_people(
        now, rules, and_(active_pre_seller(), online_now(now)))}
    decisions = [decision for chat in candidates
                 if (decision := _move(chat, lapsed.get(chat.id, set()), team, rules, now))]
    if any(decision.reason == RoutingReason.REASSIGNED for decision in decisions):
        give_out_waiting(now)
    return decisions


def _move(chat: Chat, lapsed: set[int], team: dict[int, PreSeller], rules: Rules,
          now: datetime) -> RoutingDecision | None:
    """Reassign one candidate, or flag it overdue; None when it changed meanwhile or was
    already flagged."""
    seen_version = chat.version
    current = locked_chat(chat.id)
    # Unchanged since it was found: still open, still with the pre-seller who left it.
    if current is None or current.version != seen_version or current.status != ChatStatus.OPEN \
            or current.assignee is None:
        return None
    chat, owner = current, current.assignee
    decision = reassign_unanswered(assignee_id=owner.id,
                                   assignee_name=owner.name, lapsed_ids=lapsed,
                                   people=list(team.values()), rules=rules)
    if decision.reason == RoutingReason.OVERDUE:
        return _flag_overdue(chat, decision, now)
    active = in_activity(chat.last_inbound_at, now, rules.activity_window_minutes)
    winner = db.session.get_one(User, decision.assignee_id)
    team[winner.id] = team[winner.id].given_chat(now, in_activity=active)
    if owner.id in team:
        team[owner.id] = team[owner.id].lost_chat(in_activity=active)
    return reassign(chat, winner, reason=decision.reason,
                    facts=decision.facts, group_id=decision.group_id, now=now)


def _flag_overdue(chat: Chat, decision: Decision, now: datetime) -> RoutingDecision | None:
    """The chat stays where it is, flagged for the managers; recorded the first time only."""
    if chat.overdue_since is not None:
        return None
    chat.overdue_since = now
    record = RoutingDecision(chat_id=chat.id, reason=decision.reason,
                             from_assignee_id=chat.assignee_id, assignee_id=chat.assignee_id,
                             facts=decision.facts, created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def _lapsed(chat_ids: list[int]) -> dict[int, set[int]]:
    """Per chat, who let it lapse before (moved away from them by this rule): one query."""
    lapsed: dict[int, set[int]] = {}
    for chat_id, user_id in db.session.execute(
            select(RoutingDecision.chat_id, RoutingDecision.from_assignee_id)
            .where(RoutingDecision.reason == RoutingReason.REASSIGNED,
                   RoutingDecision.chat_id.in_(chat_ids))):
        lapsed.setdefault(chat_id, set()).add(user_id)
    return lapsed
