"""Delivery states of our replies, applied set-based: one UPDATE per state (and, for failures,
per WhatsApp error) however many statuses a batch of deliveries carries.

States only move forward: each reply takes the furthest state the batch names for it, and
the UPDATE's WHERE keeps only replies still behind it, so a late or duplicated status never
moves one back. WhatsApp's error code and words are kept as data beside a failure.
"""
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import exists, update

from ..domain.codes import ChatStatus, Direction, MessageStatus
from ..extensions import db
from ..models import Chat, Message
from ..whatsapp.errors import meta_words, relay_failure
from ..whatsapp.records import DeliveryError, StatusUpdate

# Delivery states only move forward. A reply that failed and is delivered after all (a late
# or out-of-order status) counts as delivered.
STATUS_RANK: dict[str, int] = {
    MessageStatus.PENDING: 0, MessageStatus.SANDBOX: 0, MessageStatus.SENT: 1,
    MessageStatus.FAILED: 2, MessageStatus.DELIVERED: 3, MessageStatus.READ: 4}
# A voice message that was played has been read.
STATUS_ALIASES: dict[str, str] = {"played": MessageStatus.READ}
ERROR_LENGTH = 2000


def apply_statuses(statuses: Iterable[tuple[int, StatusUpdate]]) -> dict[int, int]:
    """Move our replies' states forward; unknown wamids are ignored. `statuses` pairs each
    status with the delivery that carried it; returns how many replies moved per delivery."""
    furthest: dict[str, tuple[int, str, StatusUpdate]] = {}
    for event_id, status in sorted(statuses, key=lambda pair: pair[1].at):
        state = STATUS_ALIASES.get(status.status, status.status)
        if state not in STATUS_RANK:
            continue
        known = furthest.get(status.wamid)
        if known is None or STATUS_RANK[state] > STATUS_RANK[known[1]]:
            furthest[status.wamid] = (event_id, state, status)
    groups: dict[tuple[str, int | None, str | None], list[str]] = defaultdict(list)
    for wamid, (_, state, status) in furthest.items():
        groups[(state, *_failure(state, status))].append(wamid)
    moved: dict[int, int] = defaultdict(int)
    failed_chats: set[int] = set()
    for (state, code, words), wamids in groups.items():
        behind = [name for name, rank in STATUS_RANK.items() if rank < STATUS_RANK[state]]
        rows = db.session.execute(
            update(Message).where(Message.wamid.in_(wamids),
                                  Message.direction == Direction.OUTBOUND,
                                  Message.status.in_(behind))
            .values(status=state, error_code=code, error=words)
            .returning(Message.wamid, Message.chat_id)
            .execution_options(synchronize_session=False)).all()
        for wamid, chat_id in rows:
            moved[furthest[wamid][0]] += 1
            if state == MessageStatus.FAILED:
                failed_chats.add(chat_id)
    if failed_chats:
        _await_reply_again(failed_chats)
    return dict(moved)


def _failure(state: str, status: StatusUpdate) -> tuple[int | None, str | None]:
    """The code and WhatsApp's words a reply keeps in this state (none unless failed)."""
    if state != MessageStatus.FAILED:
        return None, None
    failure = status.errors[0] if status.errors else None
    return (failure.code if failure else None), _failure_data(failure)


def _failure_data(failure: DeliveryError | None) -> str:
    """What a failed delivery keeps beside its code: WhatsApp's own words, as data (pages say
    why in the reader's language, whatsapp.errors.failure_text)."""
    if failure is None:
        return relay_failure("no_reason")
    return meta_words(failure)[:ERROR_LENGTH]


def _await_reply_again(chat_ids: set[int]) -> None:
    """A failed reply is no answer: these open chats await one again, unless another reply
    sent since the lead's last message is still standing. One UPDATE."""
    answered = exists().where(
        Message.chat_id == Chat.id, Message.direction == Direction.OUTBOUND,
        Message.status != MessageStatus.FAILED, Message.sent_at >= Chat.last_inbound_at)
    db.session.execute(
        update(Chat).where(Chat.id.in_(sorted(chat_ids)), Chat.status == ChatStatus.OPEN,
                           Chat.awaiting_reply.is_(False), ~answered)
        .values(awaiting_reply=True).execution_options(synchronize_session=False))

