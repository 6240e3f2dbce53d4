"""Managers transferring chats, and the assignee or a manager closing one.

Both run under the routing lock with the chat's row re-read (and locked on PostgreSQL)
inside it, so of two managers racing on one chat exactly one wins, and the other is told
who got it. Services flush; the caller commits.
"""
from datetime import datetime

from sqlalchemy import select

from ..db import lock_routing
from ..domain.codes import ChatAction, ChatStatus, RoutingReason
from ..domain.permissions import chat_refusal
from ..extensions import db
from ..models import Chat, RoutingDecision, User
from ..wording import moment, refusal_text
from .assignment import locked_chat, reassign


class TransferError(Exception):
    """A transfer or a close was refused; str() says why, for the person who tried."""


def transfer_chat(*, chat_id: int, to_user_id: int, actor: User, expected_version: int | None,
                  note: str, now: datetime) -> Chat:
    """A manager gives an open chat to an active pre-seller, who becomes the lead's owner.

    `expected_version` is the chat's version when the dialog opened: if the chat changed
    since (transferred, expired, closed) the transfer is refused with what happened.
    None skips that check (the chat must still be open).
    """
    lock_routing(db.session)
    chat = locked_chat(chat_id)
    if chat is None:
        raise TransferError("This chat no longer exists.")
    _check_allowed(ChatAction.TRANSFER, chat, actor, now)
    if expected_version is not None and chat.version != expected_version:
        raise TransferError(_changed_since(chat, now))
    target = db.session.get(User, to_user_id)
    if target is None or not target.is_pre_seller or not target.active:
        raise TransferError("Pick an active pre-seller to transfer the chat to.")
    if target.id == chat.assignee_id:
        raise TransferError(f"This chat is already with {target.name}.")
    source = chat.assignee.name if chat.assignee else "the unassigned chats"
    reassign(chat, target, reason=RoutingReason.MANUAL_TRANSFER, actor=actor,
             note=(note or "").strip(),
             detail=f"{actor.name} transferred the chat from {source} to {target.name}.",
             now=now)
    return chat


def close_chat(chat: Chat, actor: User, now: datetime) -> Chat:
    """The assignee or a manager closes an open chat; the lead's next message opens a new one."""
    lock_routing(db.session)
    chat = locked_chat(chat.id)
    if chat is None:
        raise TransferError("This chat no longer exists.")
    _check_allowed(ChatAction.CLOSE, chat, actor, now)
    chat.status, chat.closed_at = ChatStatus.CLOSED, now
    chat.awaiting_reply = False
    chat.version += 1
    db.session.flush()
    return chat


def latest_decision(chat_id: int) -> RoutingDecision | None:
    """The chat's most recent routing decision."""
    return db.session.scalar(
        select(RoutingDecision).where(RoutingDecision.chat_id == chat_id)
        .order_by(RoutingDecision.created_at.desc(), RoutingDecision.id.desc()).limit(1))


def _check_allowed(action: ChatAction, chat: Chat, actor: User, now: datetime) -> None:
    """Refuse what the actor may not do to the chat as it is now, saying why."""
    refusal = chat_refusal(action, chat, actor, now)
    if refusal is not None:
        raise TransferError(refusal_text(action, refusal, chat, now))


def _changed_since(chat: Chat, now: datetime) -> str:
    """What happened to the chat while the manager's dialog was open: who has it now."""
    last = latest_decision(chat.id)
    holder = chat.assignee.name if chat.assignee else "nobody"
    moved = last is not None and last.assignee_id == chat.assignee_id
    if moved and last.reason == RoutingReason.MANUAL_TRANSFER:
        who = last.actor.name if last.actor else "Someone"
        return (f"{who} transferred this chat to {holder} at {moment(last.created_at, now)} "
                "while your dialog was open.")
    if moved and last.reason == RoutingReason.OFFLINE_TRANSFER:
        return (f"This chat was moved to {holder} at {moment(last.created_at, now)} because "
                "its owner went offline, while your dialog was open.")
    return (f"This chat changed while your dialog was open; it is now with {holder}. "
            "Check and try again.")
