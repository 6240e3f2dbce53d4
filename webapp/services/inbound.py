"""Webhook deliveries: kept raw first, then turned into messages and delivery states.

The caller commits: once after `store_event` (so nothing is lost if processing fails), and
once after `process_event` (or, on failure, after a rollback and `record_failure`).

A message or status that is wrong is refused alone and named on the event; one whose
processing fails is undone alone (its own savepoint, when the delivery carries more than
one item) and keeps the event waiting for `reprocess-events`, while the delivery's other
items are stored and routed.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update

from ..db import lock_leads
from ..domain.codes import ChatStatus, Direction, MessageStatus
from ..domain.limits import PREVIEW_LENGTH
from ..domain.timestamps import ImplausibleTime, check_sent_at
from ..extensions import db
from ..logsafe import describe_error, safe_exc_info
from ..models import Chat, Message, WebhookEvent
from ..whatsapp.errors import meta_words, relay_failure
from ..whatsapp.payload import DeliveryError, InboundMessage, StatusUpdate, parse_delivery
from .media import note_media
from .routing import route_inbound

log = logging.getLogger(__name__)

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
    """What one delivery changed, what it refused and what failed (to be retried)."""

    messages: int
    duplicates: int
    statuses: int
    ignored: tuple[str, ...]
    refused: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def store_event(body: bytes, now: datetime) -> int:
    """Keep a signed delivery exactly as received, before anything else happens to it;
    returns its id."""
    event = WebhookEvent(body=body, received_at=now)
    db.session.add(event)
    db.session.flush()
    return event.id


def process_event(event_id: int, body: bytes, now: datetime) -> ProcessingResult:
    """Route the delivery's new messages and apply its statuses; marks the event processed,
    or, when an item failed, keeps it waiting for reprocessing with the failures named.

    Raises PayloadError for a body that is not a Cloud API delivery; any other exception
    means the caller must roll back and keep the error with `record_failure`.
    """
    delivery = parse_delivery(body)
    messages, too_odd = _believable(delivery.messages, now)
    refused = delivery.refused + too_odd
    isolated = len(messages) + len(delivery.statuses) > 1
    stored, duplicates, failed = _store_messages(messages, now, isolated)
    applied, failed_statuses = _apply_statuses(delivery.statuses, isolated)
    failed += failed_statuses
    db.session.execute(update(WebhookEvent).where(WebhookEvent.id == event_id).values(
        processed_at=None if failed else now, error=_lines(failed),
        refused=_lines(refused), attempts=WebhookEvent.attempts + 1))
    return ProcessingResult(stored, duplicates, applied, delivery.ignored, refused, failed)


def record_failure(event_id: int, reason: str, now: datetime) -> None:
    """Keep why processing failed on the (already stored) event, for reprocess-events."""
    event = db.session.get_one(WebhookEvent, event_id)
    event.error = reason[:ERROR_LENGTH]
    event.attempts += 1
    db.session.flush()


def unprocessed_event_ids(limit: int) -> list[int]:
    """Stored deliveries not yet processed (failed or interrupted), oldest first."""
    return list(db.session.scalars(
        select(WebhookEvent.id).where(WebhookEvent.processed_at.is_(None))
        .order_by(WebhookEvent.id).limit(limit)))


def _lines(items: tuple[str, ...]) -> str | None:
    """Items one per line, as an event keeps them; None for none."""
    return "\n".join(items)[:ERROR_LENGTH] if items else None


def _believable(messages: tuple[InboundMessage, ...],
                now: datetime) -> tuple[tuple[InboundMessage, ...], tuple[str, ...]]:
    """The messages whose own time can be true, and the others refused with the reason."""
    kept, refused = [], []
    for message in messages:
        try:
            check_sent_at(message.sent_at, now)
            kept.append(message)
        except ImplausibleTime as reason:
            refused.append(f"{message.where} (wamid {message.wamid}): {reason}")
    return tuple(kept), tuple(refused)


def _alone(label: str, isolated: bool, failed: list[str], work: Callable, *args) -> bool:
    """Do one item's work, work(*args); isolated, in its own savepoint, so that a failure
    undoes this item alone and is named in `failed`. Not isolated (the only item), a
    failure is the delivery's and propagates. True when the work was done."""
    if not isolated:
        work(*args)
        return True
    try:
        with db.session.begin_nested():
            work(*args)
        return True
    except Exception as error:  # noqa: BLE001 - whatever broke, the other items go on
        failed.append(f"{label}: {describe_error(error)}")
        log.error("webhook %s failed; kept for reprocess-events", label,
                  exc_info=safe_exc_info(error))
        return False


def _store_messages(messages: tuple[InboundMessage, ...], now: datetime,
                    isolated: bool) -> tuple[int, int, tuple[str, ...]]:
    """Route and store each new message in its own time order; skip wamids already stored.
    Returns how many were stored, how many were duplicates and which failed.

    The leads' locks are taken before looking for known wamids, so two deliveries of the
    same message (Meta retries, duplicates) are checked one after the other and stored once,
    while messages of other leads go on in parallel (on PostgreSQL).
    """
    if not messages:
        return 0, 0, ()
    lock_leads(db.session, [identity for m in messages for identity in (m.wa_id, m.user_id)])
    known = set(db.session.scalars(
        select(Message.wamid).where(Message.wamid.in_({m.wamid for m in messages}))))
    stored = 0
    failed: list[str] = []
    for message in messages:
        if message.wamid in known:
            continue
        known.add(message.wamid)
        label = f"{message.where} (wamid {message.wamid})"
        if _alone(label, isolated, failed, _store_message, message, now):
            stored += 1
    return stored, len(messages) - stored - len(failed), tuple(failed)


def _store_message(message: InboundMessage, now: datetime) -> None:
    """Route one new message to its chat and store it."""
    chat = route_inbound(wa_id=message.wa_id, user_id=message.user_id, name=message.name,
                         message_at=message.sent_at, preview=message.text[:PREVIEW_LENGTH],
                         preview_details=message.details, now=now)
    stored = Message(chat_id=chat.id, direction=Direction.INBOUND, wamid=message.wamid,
                     type=message.type, body=message.text, details=message.details,
                     sent_at=message.sent_at, status=MessageStatus.RECEIVED)
    db.session.add(stored)
    db.session.flush()
    note_media(stored, message.media, now)  # its file is downloaded in the background


def _apply_statuses(statuses: tuple[StatusUpdate, ...],
                    isolated: bool) -> tuple[int, tuple[str, ...]]:
    """Move our outbound messages' delivery states forward; unknown wamids are ignored.
    Returns how many moved and which failed."""
    if not statuses:
        return 0, ()
    replies = {m.wamid: m for m in db.session.scalars(
        select(Message).where(Message.wamid.in_({s.wamid for s in statuses}),
                              Message.direction == Direction.OUTBOUND))}
    applied = 0
    failed: list[str] = []
    for status in sorted(statuses, key=lambda s: s.at):
        reply = replies.get(status.wamid)
        state = STATUS_ALIASES.get(status.status, status.status)
        if reply is None or state not in STATUS_RANK \
                or STATUS_RANK[state] <= STATUS_RANK.get(reply.status, 0):
            continue
        if _alone(f"status of {status.wamid}", isolated, failed, _apply_status, reply, status,
                  state):
            applied += 1
    return applied, tuple(failed)


def _apply_status(reply: Message, status: StatusUpdate, state: str) -> None:
    """Give one reply its new delivery state."""
    reply.status = state
    failure = status.errors[0] if state == MessageStatus.FAILED and status.errors else None
    reply.error_code = failure.code if failure else None
    reply.error = _failure_data(failure) if state == MessageStatus.FAILED else None
    if state == MessageStatus.FAILED:
        _await_reply_again(reply.chat_id)
    db.session.flush()


def _failure_data(failure: DeliveryError | None) -> str:
    """What a failed delivery keeps beside its code: WhatsApp's own words, as data (pages say
    why in the reader's language, whatsapp.errors.failure_text)."""
    if failure is None:
        return relay_failure("no_reason")
    return meta_words(failure)[:ERROR_LENGTH]


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
