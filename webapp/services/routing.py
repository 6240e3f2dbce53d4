"""Routing inbound messages to chats, and moving chats away from offline owners.

Every decision runs under the routing lock (`db.lock_routing`), so two messages arriving
at once never see the same counts; the messages of one lead are serialized by its own lock
(`db.lock_leads`), so a lead never gets two open chats. Services flush;
the caller commits. Manual transfers and closing live in `transfers`.
"""
from datetime import datetime

from sqlalchemy import and_, or_, select

from ..db import lock_leads, lock_routing, serializes_all_writes
from ..domain.codes import ChatStatus
from ..domain.limits import LEAD_NAME_LENGTH, PREVIEW_LENGTH
from ..domain.routing import Decision, Rules, is_continuation, offline_transfer, route_new_chat
from ..domain.window import is_open, latest_inbound, window_end
from ..extensions import db
from ..models import Chat, Lead, RoutingDecision, User, group_members
from .assignment import (
    active_pre_seller,
    load_people,
    locked_chat,
    mark_assigned,
    new_lead_people,
    online_now,
    reassign,
    routing_rules,
)
from .chat_facts import record_expiry, record_first_inbound, record_opening
from .report_counts import count_openings


class RoutingError(ValueError):
    """A message that cannot be routed (it names no lead)."""


def route_inbound(*, wa_id: str | None, user_id: str | None, name: str, message_at: datetime,
                  preview: str, now: datetime, preview_details: dict | None = None) -> Chat:
    """The open chat this inbound message belongs to, routed if it is a new one.

    Finds (or creates) the lead by wa_id or user_id, continues its open chat, or opens a new
    chat by the routing rules and records the decision. Then updates the chat for the
    message: latest inbound time, response window, preview, awaiting reply, unread count.
    A continuation is not recorded as a decision: the chat's history stays the story of
    where it went, not a line per message.

    Messages of one lead are serialized by the lead's lock; only a new chat takes the
    routing lock, so continuations of different leads never wait for each other.
    """
    wa_id, user_id = wa_id or None, user_id or None  # an empty id is no id (ids are unique)
    if not wa_id and not user_id:
        raise RoutingError("An inbound message needs the lead's wa_id or user_id.")
    lock_leads(db.session, (wa_id, user_id))
    lead, chat = _find_lead(wa_id, user_id)
    if lead is not None and chat is not None and _keeps_open_chat(chat, now):
        _rename(lead, name)
        record_message(chat, message_at, preview, preview_details)
        db.session.flush()
        return chat
    # A new chat: read the rules first, then hold the routing lock only for the decision.
    # A known lead is read again under it, as committed now; an unknown one cannot appear
    # meanwhile, as its lock is held.
    with db.session.no_autoflush:  # write nothing before the routing lock
        rules = routing_rules()
    lock_routing(db.session)
    if lead is not None:
        lead, chat = _find_lead(wa_id, user_id)
    if lead is None:
        lead = Lead(wa_id=wa_id, user_id=user_id, name=(name or "")[:LEAD_NAME_LENGTH],
                    created_at=now)
        db.session.add(lead)
    _rename(lead, name)
    if chat is not None and not is_continuation(True, chat.window_expires_at, now):
        # The window passed and the expiry job has not run yet: expire it now, so the
        # message opens a new chat (and a new window) as the lead would expect.
        chat.status, chat.version = ChatStatus.EXPIRED, chat.version + 1
        record_expiry(chat)
        db.session.flush()
        chat = None
    decision = None
    if chat is None:
        chat, decision = _open_chat(lead, rules, now)
    record_message(chat, message_at, preview, preview_details)
    db.session.flush()
    if decision is not None:
        _record_decision(chat, decision, now)
    return chat


def move_offline_chat(chat: Chat, now: datetime) -> RoutingDecision | None:
    """Offline parent chat transfer of an open chat whose owner went offline.

    Moves it to an online member of the transfer group chosen by the tiebreaker, who becomes
    the lead's owner. None (and nothing changed) when the option is off, nobody there is
    online, or the chat changed since the caller loaded it (a later sweep looks again).
    """
    rules = routing_rules()
    if not rules.offline_transfer or rules.transfer_group is None:
        return None
    seen_version = chat.version
    lock_routing(db.session)
    current = locked_chat(chat.id)
    if (current is None or current.version != seen_version
            or current.status != ChatStatus.OPEN
            or not is_open(current.window_expires_at, now)):
        return None
    chat = current
    members = select(group_members.c.user_id).where(
        group_members.c.group_id == rules.transfer_group.id)
    people = load_people(now, rules, and_(active_pre_seller(), online_now(now),
                                          User.id.in_(members)))
    owner = chat.assignee.name if chat.assignee else None
    decision = offline_transfer(owner_id=chat.assignee_id, people=people, rules=rules,
                                trigger={"trigger": "owner_went_offline", "owner": owner})
    if decision is None:
        return None
    return reassign(chat, db.session.get_one(User, decision.assignee_id), reason=decision.reason,
                    facts=decision.facts, group_id=decision.group_id, now=now)


def _find_lead(wa_id: str | None, user_id: str | None) -> tuple[Lead | None, Chat | None]:
    """The lead (with its open chat) known by either id; fills in an id it lacked.

    Should the two ids name two different leads, the one known by user_id wins (WhatsApp's
    stable id for the person) and neither id moves, so no two leads ever share one.
    """
    known = []
    if wa_id:
        known.append(Lead.wa_id == wa_id)
    if user_id:
        known.append(Lead.user_id == user_id)
    rows = db.session.execute(
        select(Lead, Chat)
        .outerjoin(Chat, and_(Chat.lead_id == Lead.id, Chat.status == ChatStatus.OPEN))
        .where(or_(*known)).execution_options(populate_existing=True)).all()
    if not rows:
        return None, None
    if len(rows) > 1:
        lead, chat = next(row for row in rows if row[0].user_id == user_id)
        return lead, chat
    lead, chat = rows[0]
    if wa_id and lead.wa_id is None:
        lead.wa_id = wa_id
    if user_id and lead.user_id is None:
        lead.user_id = user_id
    return lead, chat


def _keeps_open_chat(chat: Chat, now: datetime) -> bool:
    """Whether the message continues this open chat, its row locked for the update.

    On PostgreSQL a manager or a sweep may have changed the chat since it was read: its row
    is locked and read again. Should it no longer be open, the lock is given back (a
    savepoint) so that the routing lock can be taken before any chat's row, in the order
    transfers take them. On SQLite the transaction's write lock made the read current.
    """
    if serializes_all_writes(db.session):
        return is_continuation(True, chat.window_expires_at, now)
    savepoint = db.session.begin_nested()
    current = locked_chat(chat.id)
    if current is not None and current.status == ChatStatus.OPEN \
            and is_continuation(True, current.window_expires_at, now):
        savepoint.commit()  # releasing the savepoint keeps the row lock
        return True
    savepoint.rollback()
    return False


def _rename(lead: Lead, name: str) -> None:
    """Keep the lead's latest profile name; a message without one keeps the old."""
    if name and lead.name != name[:LEAD_NAME_LENGTH]:
        lead.name = name[:LEAD_NAME_LENGTH]


def _open_chat(lead: Lead, rules: Rules, now: datetime) -> tuple[Chat, Decision]:
    """A new open chat for the lead, placed by the routing rules (added, not yet flushed)."""
    # The lead may be new: keep it (and its chat) unwritten until the decision is known,
    # so each row is inserted once, complete.
    with db.session.no_autoflush:
        people = new_lead_people(now, rules, lead.owner_id)
    decision = route_new_chat(owner_id=lead.owner_id, people=people, rules=rules)
    lead.owner_id = decision.assignee_id
    chat = Chat(lead=lead, status=ChatStatus.OPEN, opened_at=now,
                assignee_id=decision.assignee_id, group_id=decision.group_id,
                assigned_at=now if decision.assignee_id is not None else None,
                awaiting_reply=True, unread_count=0, version=1)
    record_opening(chat, decision)
    db.session.add(chat)
    return chat, decision


def _record_decision(chat: Chat, decision: Decision, now: datetime) -> None:
    """Keep why the new chat went where it did; the chosen pre-seller was just given one."""
    db.session.expire(chat.lead, ["owner"])
    if decision.assignee_id is not None:
        mark_assigned(decision.assignee_id, now)
    db.session.add(RoutingDecision(chat_id=chat.id, reason=decision.reason,
                                   assignee_id=decision.assignee_id, group_id=decision.group_id,
                                   facts=decision.facts, created_at=now))
    db.session.flush()
    count_openings([(chat.opened_at, decision.assignee_id, decision.reason)])


def record_message(chat: Chat, message_at: datetime, preview: str,
                   preview_details: dict | None) -> None:
    """The chat after this inbound message; a late, older message never moves times back."""
    chat.last_inbound_at = latest_inbound(chat.last_inbound_at, message_at)
    record_first_inbound(chat, message_at)
    chat.window_expires_at = window_end(chat.last_inbound_at)
    if chat.last_message_at is None or message_at >= chat.last_message_at:
        chat.last_message_at = message_at
        chat.last_message_preview = (preview or "")[:PREVIEW_LENGTH]
        chat.last_message_details = preview_details
        # Only a message newer than everything in the chat means the lead spoke last; the
        # lead awaits a reply since the first message nobody answered.
        if not chat.awaiting_reply or chat.awaiting_since is None:
            chat.awaiting_since = message_at
        chat.awaiting_reply = True
    chat.unread_count += 1
