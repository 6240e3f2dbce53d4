"""A batch's new messages routed in memory, then every row written in bulk.

The caller holds the routing lock for the whole batch. The batch's leads and their open
chats are read in two queries (the chats' rows locked on PostgreSQL, so a reply or a
manager changing one waits), the rules and the pre-sellers once; then each message, in
order, continues its lead's open chat or opens a new one by `route_new_chat`, and each
decision updates the chosen pre-seller in memory (`PreSeller.given_chat`), so the next
decision sees the counts the database would show after it: fairness stays exact. The rows
follow in a few statements: leads, chats, decisions, pre-sellers, messages, each one
INSERT (executemany) or bulk UPDATE by primary key, whatever the batch's size.

The rules are those of `routing.route_inbound`, the one-message path: both apply the same
domain functions (`route_new_chat`, `is_continuation`, `record_message`).
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from ..bulk import insert_rows, update_rows
from ..db import serializes_all_writes
from ..domain.codes import ChatStatus, Direction, MediaState, MessageStatus
from ..domain.limits import LEAD_NAME_LENGTH, LEAD_SEARCH_LENGTH, PREVIEW_LENGTH
from ..domain.routing import Decision, PreSeller, Rules, is_continuation, route_new_chat
from ..domain.search import search_text
from ..extensions import db
from ..models import Chat, Lead, Message, MessageMedia, RoutingDecision, User
from ..whatsapp.records import InboundMessage
from .assignment import people_for_new_chats, routing_rules
from .report_counts import count_expired_unanswered, count_openings
from .routing import RoutingError, record_message

# The chat columns a message (or an expiry) may change, written back by primary key.
_CHAT_STATE = ("status", "version", "last_inbound_at", "window_expires_at", "last_message_at",
               "last_message_preview", "last_message_details", "awaiting_reply",
               "awaiting_since", "unread_count", "first_inbound_at", "expired_unanswered",
               "expired_holder_id")


@dataclass(eq=False)
class _Lead:
    """A lead as the batch sees it; id None until inserted."""

    id: int | None
    wa_id: str | None
    user_id: str | None
    name: str
    owner_id: int | None
    chat: "_Chat | None" = None
    stored: tuple | None = None  # (wa_id, user_id, name, owner_id) as read; None if new

    def changed(self) -> bool:
        """Whether its row must be written."""
        return self.stored != (self.wa_id, self.user_id, self.name, self.owner_id)


@dataclass(eq=False)
class _Chat:
    """An open chat as the batch sees it (attribute names as on the model)."""

    lead: _Lead
    id: int | None = None
    status: str = ChatStatus.OPEN
    version: int = 1
    assignee_id: int | None = None
    group_id: int | None = None
    last_inbound_at: datetime | None = None
    window_expires_at: datetime | None = None
    last_message_at: datetime | None = None
    last_message_preview: str = ""
    last_message_details: dict | None = None
    awaiting_reply: bool = True
    awaiting_since: datetime | None = None
    unread_count: int = 0
    first_inbound_at: datetime | None = None  # a dashboard fact (services.chat_facts)
    expired_unanswered: bool = False  # dashboard facts of an expiry (record_expiry)
    expired_holder_id: int | None = None
    opened_at: datetime | None = None  # read, to count an expiry (report counts)
    first_reply_at: datetime | None = None
    decision: Decision | None = None


@dataclass
class _Batch:
    """What the batch read, and what it decided."""

    now: datetime
    by_wa_id: dict[str, _Lead] = field(default_factory=dict)
    by_user_id: dict[str, _Lead] = field(default_factory=dict)
    new_leads: list[_Lead] = field(default_factory=list)
    chats: list[_Chat] = field(default_factory=list)  # read, then opened, in order
    rules: Rules | None = None
    people: dict[int, PreSeller] = field(default_factory=dict)


def route_and_store(messages: list[InboundMessage], now: datetime) -> None:
    """Route each message (new, not yet stored, in order) and store it, in bulk."""
    if not messages:
        return
    batch = _read(messages, now)
    _people(batch)  # before any message: the counts as committed, then kept in memory
    placed = [(_place(batch, message), message) for message in messages]
    _write(batch, placed)


def _ids(message: InboundMessage) -> tuple[str | None, str | None]:
    """The message's lead ids; an empty id is no id (ids are unique)."""
    wa_id, user_id = message.wa_id or None, message.user_id or None
    if not wa_id and not user_id:
        raise RoutingError("An inbound message needs the lead's wa_id or user_id.")
    return wa_id, user_id


def _read(messages: list[InboundMessage], now: datetime) -> _Batch:
    """The batch's known leads, with their open chats (rows locked on PostgreSQL)."""
    batch = _Batch(now)
    wa_ids = {wa for wa, _ in map(_ids, messages) if wa}
    user_ids = {uid for _, uid in map(_ids, messages) if uid}
    rows = db.session.execute(select(Lead.id, Lead.wa_id, Lead.user_id, Lead.name,
                                     Lead.owner_id).where(or_(Lead.wa_id.in_(wa_ids),
                                                              Lead.user_id.in_(user_ids))))
    leads = {}
    for row in rows:
        lead = _Lead(row.id, row.wa_id, row.user_id, row.name, row.owner_id,
                     stored=(row.wa_id, row.user_id, row.name, row.owner_id))
        leads[row.id] = lead
        _index(batch, lead)
    if leads:
        columns = [getattr(Chat, name) for name in ("id", "lead_id", "assignee_id", "group_id",
                                                    "opened_at", "first_reply_at",
                                                    *_CHAT_STATE)]
        query = select(*columns).where(Chat.lead_id.in_(sorted(leads)),
                                       Chat.status == ChatStatus.OPEN)
        if not serializes_all_writes(db.session):
            query = query.with_for_update()
        for row in db.session.execute(query.order_by(Chat.id)):
            values = row._asdict()
            lead = leads[values.pop("lead_id")]
            lead.chat = _Chat(lead=lead, **values)
            batch.chats.append(lead.chat)
    return batch


def _index(batch: _Batch, lead: _Lead) -> None:
    """Find the lead by its ids from now on."""
    if lead.wa_id:
        batch.by_wa_id.setdefault(lead.wa_id, lead)
    if lead.user_id:
        batch.by_user_id.setdefault(lead.user_id, lead)


def _find_or_add(batch: _Batch, message: InboundMessage) -> _Lead:
    """The lead by either id (the one known by user_id wins should they differ, and no id
    moves); fills in an id it lacked; a new lead when neither is known."""
    wa_id, user_id = _ids(message)
    by_user = batch.by_user_id.get(user_id) if user_id else None
    by_wa = batch.by_wa_id.get(wa_id) if wa_id else None
    if by_user is not None and by_wa is not None and by_user is not by_wa:
        return by_user
    lead = by_user or by_wa
    if lead is None:
        lead = _Lead(None, wa_id, user_id, (message.name or "")[:LEAD_NAME_LENGTH], None)
        batch.new_leads.append(lead)
    else:
        lead.wa_id = lead.wa_id or wa_id
        lead.user_id = lead.user_id or user_id
    _index(batch, lead)
    return lead


def _place(batch: _Batch, message: InboundMessage) -> _Chat:
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


def _since(batch: _Batch) -> datetime:
    """The start of the activity window the pre-sellers' counts were read with."""
    assert batch.rules is not None
    return batch.now - timedelta(minutes=batch.rules.activity_window_minutes)


def _count_activity(batch: _Batch, chat: _Chat, message_at: datetime) -> None:
    """A message that brings a chat into activity (a new chat, or a quiet one) counts for
    its assignee, as the next decision would read it from the database."""
    if chat.assignee_id not in batch.people:
        return
    since = _since(batch)
    if (chat.last_inbound_at is None or chat.last_inbound_at < since) and message_at >= since:
        person = batch.people[chat.assignee_id]
        batch.people[chat.assignee_id] = replace(
            person, chats_in_activity=person.chats_in_activity + 1)


def _people(batch: _Batch) -> tuple[Rules, dict[int, PreSeller]]:
    """The rules and everyone a new chat of this batch may go to, read once."""
    if batch.rules is None:
        batch.rules = routing_rules()
        owners = {lead.owner_id for lead in batch.by_wa_id.values() if lead.owner_id}
        owners |= {lead.owner_id for lead in batch.by_user_id.values() if lead.owner_id}
        people = people_for_new_chats(batch.now, batch.rules, owners)
        batch.people = {person.id: person for person in people}
    return batch.rules, batch.people


def _expire(batch: _Batch, chat: _Chat) -> None:
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


def _open(batch: _Batch, lead: _Lead) -> _Chat:
    """A new open chat for the lead, placed by the routing rules; the winner is given it in
    memory, so the next decision sees it (its activity is counted with its first message)."""
    rules, people = _people(batch)
    decision = route_new_chat(owner_id=lead.owner_id, people=list(people.values()), rules=rules)
    lead.owner_id = decision.assignee_id
    chat = _Chat(lead=lead, assignee_id=decision.assignee_id, group_id=decision.group_id,
                 decision=decision)
    if decision.assignee_id is not None:
        winner = people[decision.assignee_id]
        people[winner.id] = winner.given_chat(batch.now, in_activity=False)
    lead.chat = chat
    batch.chats.append(chat)
    return chat


def _write(batch: _Batch, placed: list[tuple[_Chat, InboundMessage]]) -> None:
    """Every row the batch changed, a statement per kind."""
    now, session = batch.now, db.session
    ids = insert_rows(session, Lead, [_lead_row(lead) | {"created_at": now}
                                                for lead in batch.new_leads], with_ids=True)
    for lead, lead_id in zip(batch.new_leads, ids, strict=True):
        lead.id = lead_id
    known = {id(lead): lead for lead in (*batch.by_wa_id.values(), *batch.by_user_id.values())}
    update_rows(session, Lead, [_lead_row(lead) | {"id": lead.id}
                                          for lead in known.values()
                                          if lead.stored is not None and lead.changed()])
    # Expiries first: a lead's new open chat must not meet its old one.
    update_rows(session, Chat, [_chat_row(chat) | {"id": chat.id}
                                          for chat in batch.chats if chat.id is not None])
    opened = [chat for chat in batch.chats if chat.id is None]
    ids = insert_rows(session, Chat,
                      [_chat_row(chat) | _opening(chat, now) for chat in opened], with_ids=True)
    for chat, chat_id in zip(opened, ids, strict=True):
        chat.id = chat_id
    _write_decisions(opened, now)
    _count(batch, opened, now)
    with_media = any(message.media is not None for _, message in placed)
    ids = insert_rows(session, Message, [_message_row(chat, message, now)
                                         for chat, message in placed], with_ids=with_media)
    if with_media:  # their files are downloaded in the background (services.media)
        insert_rows(session, MessageMedia, [
            _media_row(chat, message, message_id, now)
            for (chat, message), message_id in zip(placed, ids, strict=True)
            if message.media is not None])


def _write_decisions(opened: list[_Chat], now: datetime) -> None:
    """Why each new chat went where it did; its pre-seller was just given a chat."""
    decisions = [(chat, chat.decision) for chat in opened if chat.decision is not None]
    insert_rows(db.session, RoutingDecision, [
        {"chat_id": chat.id, "reason": decision.reason, "assignee_id": decision.assignee_id,
         "group_id": decision.group_id, "facts": decision.facts, "created_at": now,
         "note": ""} for chat, decision in decisions])
    winners = sorted({d.assignee_id for _, d in decisions if d.assignee_id is not None})
    if winners:
        db.session.execute(update(User).where(User.id.in_(winners))
                           .values(last_assigned_at=now)
                           .execution_options(synchronize_session=False))


def _count(batch: _Batch, opened: list[_Chat], now: datetime) -> None:
    """The report counts of the batch's openings and expiries, grouped: one upsert per
    (day, hour or quarter hour, person), whatever the batch's size."""
    count_openings((now, chat.assignee_id, chat.decision.reason)
                   for chat in opened if chat.decision is not None)
    count_expired_unanswered((chat.opened_at, chat.expired_holder_id, 1) for chat in batch.chats
                             if chat.expired_unanswered and chat.opened_at is not None
                             and chat.id is not None and chat.status == ChatStatus.EXPIRED)


def _lead_row(lead: _Lead) -> dict:
    """A lead's columns, its search text following its name and number."""
    return {"wa_id": lead.wa_id, "user_id": lead.user_id, "name": lead.name,
            "owner_id": lead.owner_id,
            "search_text": search_text(lead.name, lead.wa_id)[:LEAD_SEARCH_LENGTH]}


def _chat_row(chat: _Chat) -> dict:
    """A chat's state after the batch."""
    return {name: getattr(chat, name) for name in _CHAT_STATE}


def _opening(chat: _Chat, now: datetime) -> dict:
    """What a new chat has besides its state: its lead, owner and when it opened."""
    assert chat.lead.id is not None
    assert chat.decision is not None
    return {"lead_id": chat.lead.id, "assignee_id": chat.assignee_id,
            "group_id": chat.group_id, "opened_at": now,
            "assigned_at": now if chat.assignee_id is not None else None,
            # The dashboard's facts of an opening (services.chat_facts.record_opening).
            "opened_reason": chat.decision.reason,
            "opened_assignee_id": chat.decision.assignee_id}


def _media_row(chat: _Chat, message: InboundMessage, message_id: int, now: datetime) -> dict:
    """The file of a stored media message, pending, due at once."""
    media = message.media
    assert media is not None
    return {"message_id": message_id, "chat_id": chat.id, "media_id": media.media_id,
            "kind": media.kind, "mime_type": media.mime_type, "file_name": media.file_name,
            "state": MediaState.PENDING, "attempts": 0, "next_attempt_at": now}


def _message_row(chat: _Chat, message: InboundMessage, now: datetime) -> dict:
    """The stored inbound message."""
    return {"chat_id": chat.id, "direction": Direction.INBOUND, "wamid": message.wamid,
            "type": message.type, "body": message.text, "details": message.details,
            "sent_at": message.sent_at, "status": MessageStatus.RECEIVED, "created_at": now}
