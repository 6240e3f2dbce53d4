"""A batch's new messages routed in memory, then every row written in bulk.

The caller holds the routing lock for the whole batch. The batch's leads and their open
chats are read in two queries (the chats' rows locked on PostgreSQL, so a reply or a
manager changing one waits), the rules and the pre-sellers once; then each message, in
order, continues its lead's open chat or opens a new one by `route_new_chat`, and each
decision updates the chosen pre-seller in memory (`PreSeller.given_chat`), so the next
decision sees the counts the database would show after it: fairness stays exact. The rows
follow in a few statements (services.batch_writes); what the batch holds meanwhile is
services.batch_state.

The rules are those of `routing.route_inbound`, the one-message path: both apply the same
domain functions (`route_new_chat`, `is_continuation`, `record_message`).
"""
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..db import serializes_all_writes
from ..domain.codes import ChatStatus
from ..domain.limits import LEAD_NAME_LENGTH, PREVIEW_LENGTH
from ..domain.routing import PreSeller, Rules, is_continuation, route_new_chat
from ..extensions import db
from ..models import Chat, Lead
from ..whatsapp.records import InboundMessage
from .assignment import people_for_new_chats, routing_rules
from .batch_state import CHAT_STATE, Batch, BatchChat, BatchLead
from .batch_writes import write
from .routing import RoutingError, record_message


def route_and_store(messages: list[InboundMessage], now: datetime) -> None:
    """Route each message (new, not yet stored, in order) and store it, in bulk."""
    if not messages:
        return
    batch = _read(messages, now)
    _people(batch)  # before any message: the counts as committed, then kept in memory
    placed = [(_place(batch, message), message) for message in messages]
    write(batch, placed)


def _ids(message: InboundMessage) -> tuple[str | None, str | None]:
    """The message's lead ids; an empty id is no id (ids are unique)."""
    wa_id, user_id = message.wa_id or None, message.user_id or None
    if not wa_id and not user_id:
        raise RoutingError("An inbound message needs the lead's wa_id or user_id.")
    return wa_id, user_id


def _read(messages: list[InboundMessage], now: datetime) -> Batch:
    """The batch's known leads, with their open chats (rows locked on PostgreSQL)."""
    batch = Batch(now)
    wa_ids = {wa for wa, _ in map(_ids, messages) if wa}
    user_ids = {uid for _, uid in map(_ids, messages) if uid}
    rows = db.session.execute(select(Lead.id, Lead.wa_id, Lead.user_id, Lead.name,
                                     Lead.owner_id).where(or_(Lead.wa_id.in_(wa_ids),
                                                              Lead.user_id.in_(user_ids))))
    leads = {}
    for row in rows:
        lead = BatchLead(row.id, row.wa_id, row.user_id, row.name, row.owner_id,
                     stored=(row.wa_id, row.user_id, row.name, row.owner_id))
        leads[row.id] = lead
        _index(batch, lead)
    if leads:
        columns = [getattr(Chat, name) for name in ("id", "lead_id", "assignee_id", "group_id",
                                                    "opened_at", "first_reply_at",
                                                    *CHAT_STATE)]
        query = select(*columns).where(Chat.lead_id.in_(sorted(leads)),
                                       Chat.status == ChatStatus.OPEN)
        if not serializes_all_writes(db.session):
            query = query.with_for_update()
        for row in db.session.execute(query.order_by(Chat.id)):
            values = row._asdict()
            lead = leads[values.pop("lead_id")]
            lead.chat = BatchChat(lead=lead, **values)
            batch.chats.append(lead.chat)
    return batch


def _index(batch: Batch, lead: BatchLead) -> None:
    """Find the lead by its ids from now on."""
    if lead.wa_id:
        batch.by_wa_id.setdefault(lead.wa_id, lead)
    if lead.user_id:
        batch.by_user_id.setdefault(lead.user_id, lead)


def _find_or_add(batch: Batch, message: InboundMessage) -> BatchLead:
    """The lead by either id (the one known by user_id wins should they differ, and no id
    moves); fills in an id it lacked; a new lead when neither is known."""
    wa_id, user_id = _ids(message)
    by_user = batch.by_user_id.get(user_id) if user_id else None
    by_wa = batch.by_wa_id.get(wa_id) if wa_id else None
    if by_user is not None and by_wa is not None and by_user is not by_wa:
        return by_user
    lead = by_user or by_wa
    if lead is None:
        lead = BatchLead(None, wa_id, user_id, (message.name or "")[:LEAD_NAME_LENGTH], None)
        batch.new_leads.append(lead)
    else:
        lead.wa_id = lead.wa_id or wa_id
        lead.user_id = lead.user_id or user_id
    _index(batch, lead)
    return lead


def _place(batch: Batch, message: InboundMessage) -> BatchChat:
    """The chat this message joins: its lead's open chat, or a new one routed now."""
    lead = _find_or_add(batch, message)
    if message.name and lead.name != message.name[:LEAD_NAME_LENGTH]:
        lead.name = message.name[:LEAD_NAME_LENGTH]
    chat = lead.chat
    if chat is None or not is_continuation(True, chat.window_expires_at, batch.now):
        if chat is not None:
            _expire(batch, chat)
        chat = _open(batch, lead)
    _count_activity(batch, chat, message.sent_at)
    record_message(chat, message.sent_at, message.text[:PREVIEW_LENGTH],  # type: ignore[arg-type]
                   message.details)
    return chat


def _since(batch: Batch) -> datetime:
    """The start of the activity window the pre-sellers' counts were read with."""
    assert batch.rules is not None
    return batch.now - timedelta(minutes=batch.rules.activity_window_minutes)


def _count_activity(batch: Batch, chat: BatchChat, message_at: datetime) -> None:
    """A message that brings a chat into activity (a new chat, or a quiet one) counts for
    its assignee, as the next decision would read it from the database."""
    if chat.assignee_id not in batch.people:
        return
    since = _since(batch)
    if (chat.last_inbound_at is None or chat.last_inbound_at < since) and message_at >= since:
        person = batch.people[chat.assignee_id]
        batch.people[chat.assignee_id] = replace(
            person, chats_in_activity=person.chats_in_activity + 1)


def _people(batch: Batch) -> tuple[Rules, dict[int, PreSeller]]:
    """The rules and everyone a new chat of this batch may go to, read once."""
    if batch.rules is None:
        batch.rules = routing_rules()
        owners = {lead.owner_id for lead in batch.by_wa_id.values() if lead.owner_id}
        owners |= {lead.owner_id for lead in batch.by_user_id.values() if lead.owner_id}
        people = people_for_new_chats(batch.now, batch.rules, owners)
        batch.people = {person.id: person for person in people}
    return batch.rules, batch.people


def _expire(batch: Batch, chat: BatchChat) -> None:
    """The window passed and the expiry job has not run yet: expire the chat now, so the
    message opens a new chat (and window); its assignee has one open chat fewer."""
    chat.status, chat.version = ChatStatus.EXPIRED, chat.version + 1
    # The dashboard's facts of an expiry (services.chat_facts.record_expiry).
    chat.expired_unanswered = chat.first_reply_at is None
    chat.expired_holder_id = chat.assignee_id
    _, people = _people(batch)
    if chat.assignee_id in people:
        in_activity = chat.last_inbound_at is not None and chat.last_inbound_at >= _since(batch)
        people[chat.assignee_id] = people[chat.assignee_id].lost_chat(in_activity=in_activity)


def _open(batch: Batch, lead: BatchLead) -> BatchChat:
    """A new open chat for the lead, placed by the routing rules; the winner is given it in
    memory, so the next decision sees it (its activity is counted with its first message)."""
    rules, people = _people(batch)
    decision = route_new_chat(owner_id=lead.owner_id, people=list(people.values()), rules=rules)
    lead.owner_id = decision.assignee_id
    chat = BatchChat(lead=lead, assignee_id=decision.assignee_id, group_id=decision.group_id,
                 decision=decision)
    if decision.assignee_id is not None:
        winner = people[decision.assignee_id]
        people[winner.id] = winner.given_chat(batch.now, in_activity=False)
    lead.chat = chat
    batch.chats.append(chat)
    return chat
