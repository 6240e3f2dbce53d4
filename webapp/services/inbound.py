"""Webhook deliveries: kept raw first, then turned into messages and delivery states.

The caller commits: once after `store_event` (so nothing is lost if processing fails), and
once after `process_event` (or, on failure, after a rollback and `record_failure`).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update

from ..db import lock_leads
from ..domain.codes import ChatStatus, Direction, MessageStatus
from ..domain.limits import PREVIEW_LENGTH
from ..extensions import db
from ..models import Chat, Message, WebhookEvent
from ..whatsapp.errors import readable_error
from ..whatsapp.payload import InboundMessage, StatusUpdate, parse_delivery
from .routing import route_inbound

# Delivery states only move forward. A reply that failed and is delivered after all (a late
# or out-of-order status) counts as delivered.
STATUS_RANK: dict[str, int] = {
    MessageStatus.PENDING: 0, MessageStatus.SANDBOX: 0, MessageStatus.SENT: 1,
    MessageStatus.FAILED: 2, MessageStatus.DELIVERED: 3, MessageStatus.READ: 4}
# A voice message that was played has been read.
STATUS_ALIASES: dict[str, str] = {"played": MessageStatus.READ}
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class ProcessingResult:
    """What one delivery changed."""

    messages: int
    duplicates: int
    statuses: int
    ignored: tuple[str, ...]


def store_event(body: bytes, now: datetime) -> int:
    """Keep a signed delivery exactly as received, before anything else happens to it;
    returns its id."""
    event = WebhookEvent(body=body, received_at=now)
    db.session.add(event)
    db.session.flush()
    return event.id


def process_event(event_id: int, body: bytes, now: datetime) -> ProcessingResult:
    """Route the delivery's new messages and apply its statuses; marks the event processed.

    Raises PayloadError for a body that is not a Cloud API delivery; any other exception
    means the caller must roll back and keep the error with `record_failure`.
    """
    delivery = parse_delivery(body)
    stored, duplicates = _store_messages(delivery.messages, now)
    applied = _apply_statuses(delivery.statuses)
    db.session.execute(update(WebhookEvent).where(WebhookEvent.id == event_id).values(
        processed_at=now, error=None, attempts=WebhookEvent.attempts + 1))
    return ProcessingResult(stored, duplicates, applied, delivery.ignored)


def record_failure(event_id: int, reason: str, now: datetime) -> None:
    """Keep why processing failed on the (already stored) event, for reprocess-events."""
    event = db.session.get(WebhookEvent, event_id)
    event.error = reason[:ERROR_LENGTH]
    event.attempts += 1
    db.session.flush()


def unprocessed_event_ids(limit: int) -> list[int]:
    """Stored deliveries not yet processed (failed or interrupted), oldest first."""
    return list(db.session.scalars(
        select(WebhookEvent.id).where(WebhookEvent.processed_at.is_(None))
        .order_by(WebhookEvent.id).limit(limit)))


def _store_messages(messages: tuple[InboundMessage, ...], now: datetime) -> tuple[int, int]:
    """Route and store each new message in its own time order; skip wamids already stored.

    The leads' locks are taken before looking for known wamids, so two deliveries of the
    same message (Meta retries, duplicates) are checked one after the other and stored once,
    while messages of other leads go on in parallel (on PostgreSQL).
    """
    if not messages:
        return 0, 0
    lock_leads(db.session, [identity for m in messages for identity in (m.wa_id, m.user_id)])
    known = set(db.session.scalars(
        select(Message.wamid).where(Message.wamid.in_({m.wamid for m in messages}))))
    stored = 0
    for message in messages:
        if message.wamid in known:
            continue
        known.add(message.wamid)
        chat = route_inbound(wa_id=message.wa_id, user_id=message.user_id, name=message.name,
                             message_at=message.sent_at, preview=message.text[:PREVIEW_LENGTH],
                             now=now)
        db.session.add(Message(chat_id=chat.id, direction=Direction.INBOUND, wamid=message.wamid,
                               type=message.type, body=message.text, sent_at=message.sent_at,
                               status=MessageStatus.RECEIVED))
        db.session.flush()
        stored += 1
    return stored, len(messages) - stored


def _apply_statuses(statuses: tuple[StatusUpdate, ...]) -> int:
    """Move our outbound messages' delivery states forward; unknown wamids are ignored."""
    if not statuses:
        return 0
    replies = {m.wamid: m for m in db.session.scalars(
        select(Message).where(Message.wamid.in_({s.wamid for s in statuses}),
                              Message.direction == Direction.OUTBOUND))}
    applied = 0
    for update in sorted(statuses, key=lambda s: s.at):
        reply = replies.get(update.wamid)
        state = STATUS_ALIASES.get(update.status, update.status)
        if reply is None or state not in STATUS_RANK \
                or STATUS_RANK[state] <= STATUS_RANK.get(reply.status, 0):
            continue
        reply.status = state
        reply.error = _failure_reason(update) if state == MessageStatus.FAILED else None
        if state == MessageStatus.FAILED:
            _await_reply_again(reply.chat_id)
        applied += 1
    db.session.flush()
    return applied


def _failure_reason(update: StatusUpdate) -> str:
    """The first error WhatsApp gave, as a sentence."""
    if not update.errors:
        return "WhatsApp could not deliver this message and gave no reason."
    return readable_error(update.errors[0])[:ERROR_LENGTH]


def _await_reply_again(chat_id: int) -> None:
    """A failed reply is no answer: the open chat awaits one again, unless another reply
    sent since the lead's last message is still standing."""
    chat = db.session.get(Chat, chat_id)
    if chat is None or chat.status != ChatStatus.OPEN or chat.awaiting_reply:
        return
    answered = db.session.scalar(select(exists().where(
        Message.chat_id == chat.id, Message.direction == Direction.OUTBOUND,
        Message.status != MessageStatus.FAILED,
        Message.sent_at >= chat.last_inbound_at)))
    if not answered:
        chat.awaiting_reply = True
