"""A routed batch's rows written in bulk (services.batch_routing decides them): leads,
chats, decisions, pre-sellers, report counts, messages and their files, each one INSERT
(executemany) or bulk UPDATE by primary key, whatever the batch's size."""
from datetime import datetime

from sqlalchemy import update

from ..bulk import insert_rows, update_rows
from ..domain.codes import ChatStatus, Direction, MediaState, MessageStatus
from ..domain.limits import LEAD_SEARCH_LENGTH
from ..domain.search import search_text
from ..extensions import db
from ..models import Chat, Lead, Message, MessageMedia, RoutingDecision, User
from ..whatsapp.records import InboundMessage
from .batch_state import CHAT_STATE, Batch, BatchChat, BatchLead
from .report_counts import count_expired_unanswered, count_openings


def write(batch: Batch, placed: list[tuple[BatchChat, InboundMessage]]) -> None:
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


def _write_decisions(opened: list[BatchChat], now: datetime) -> None:
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


def _count(batch: Batch, opened: list[BatchChat], now: datetime) -> None:
    """The report counts of the batch's openings and expiries, grouped: one upsert per
    (day, hour or quarter hour, person), whatever the batch's size."""
    count_openings((now, chat.assignee_id, chat.decision.reason)
                   for chat in opened if chat.decision is not None)
    count_expired_unanswered((chat.opened_at, chat.expired_holder_id, 1) for chat in batch.chats
                             if chat.expired_unanswered and chat.opened_at is not None
                             and chat.id is not None and chat.status == ChatStatus.EXPIRED)


def _lead_row(lead: BatchLead) -> dict:
    """A lead's columns, its search text following its name and number."""
    return {"wa_id": lead.wa_id, "user_id": lead.user_id, "name": lead.name,
            "owner_id": lead.owner_id,
            "search_text": search_text(lead.name, lead.wa_id)[:LEAD_SEARCH_LENGTH]}


def _chat_row(chat: BatchChat) -> dict:
    """A chat's state after the batch."""
    return {name: getattr(chat, name) for name in CHAT_STATE}


def _opening(chat: BatchChat, now: datetime) -> dict:
    """What a new chat has besides its state: its lead, owner and when it opened."""
    assert chat.lead.id is not None
    assert chat.decision is not None
    return {"lead_id": chat.lead.id, "assignee_id": chat.assignee_id,
            "group_id": chat.group_id, "opened_at": now,
            "assigned_at": now if chat.assignee_id is not None else None,
            # The dashboard's facts of an opening (services.chat_facts.record_opening).
            "opened_reason": chat.decision.reason,
            "opened_assignee_id": chat.decision.assignee_id}


def _media_row(chat: BatchChat, message: InboundMessage, message_id: int, now: datetime) -> dict:
    """The file of a stored media message, pending, due at once."""
    media = message.media
    assert media is not None
    return {"message_id": message_id, "chat_id": chat.id, "media_id": media.media_id,
            "kind": media.kind, "mime_type": media.mime_type, "file_name": media.file_name,
            "state": MediaState.PENDING, "attempts": 0, "next_attempt_at": now}


def _message_row(chat: BatchChat, message: InboundMessage, now: datetime) -> dict:
    """The stored inbound message."""
    return {"chat_id": chat.id, "direction": Direction.INBOUND, "wamid": message.wamid,
            "type": message.type, "body": message.text, "details": message.details,
            "sent_at": message.sent_at, "status": MessageStatus.RECEIVED, "created_at": now}
