"""One conversation: who may see it, its messages, its history, marking it read.

Who may reply to, close or transfer it is domain.permissions' one rule.
"""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain import delivery
from ..extensions import db
from ..models import PRE_SELLER, Chat, Message, MessageMedia, RoutingDecision, User
from .chat_lists import digest

# A conversation shows its latest messages; older ones stay in the API.
MESSAGE_LIMIT = 300


def visible_chat(chat_id: int, user: User) -> Chat | None:
    """The chat if this user may see it: managers see all, pre-sellers only their own.

    Anything else is None, so the caller answers 404 and never reveals that it exists.
    """
    stmt = (select(Chat).options(joinedload(Chat.lead), joinedload(Chat.assignee),
                                 joinedload(Chat.group))
            .where(Chat.id == chat_id))
    if not user.is_manager:
        stmt = stmt.where(Chat.assignee_id == user.id)
    return db.session.scalar(stmt)


def recent_messages(chat_id: int, limit: int = MESSAGE_LIMIT) -> tuple[list[Message], bool]:
    """The latest messages in the order they were sent, and whether older ones exist."""
    rows = list(db.session.scalars(
        select(Message).options(joinedload(Message.sender), joinedload(Message.media))
        .where(Message.chat_id == chat_id)
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def conversation_fingerprint(chat: Chat, now: datetime) -> str:
    """Changes with the chat's state, a new message, a delivery state, or a pending reply
    becoming unconfirmed (one small query)."""
    by_status = db.session.execute(
        select(Message.status, func.count(Message.id), func.max(Message.id),
               func.min(Message.sent_at))
        .where(Message.chat_id == chat.id).group_by(Message.status)
        .order_by(Message.status)).all()
    states = [(status, count, last, delivery.outcome_unknown(status, None, oldest, now))
              for status, count, last, oldest in by_status]
    files = db.session.execute(  # a photo downloaded or given up on shows at the next poll
        select(MessageMedia.state, func.count(MessageMedia.id))
        .where(MessageMedia.chat_id == chat.id).group_by(MessageMedia.state)
        .order_by(MessageMedia.state)).all()
    return digest("chat", chat.version, chat.status, chat.assignee_id, chat.window_expires_at,
                  chat.last_message_at, states, [tuple(row) for row in files])


def mark_read(chat: Chat, user: User) -> bool:
    """The assignee has seen the chat: clear its unread count. True when it changed."""
    if chat.assignee_id != user.id or not chat.unread_count:
        return False
    chat.unread_count = 0
    db.session.flush()
    return True


def routing_history(chat_id: int) -> list[RoutingDecision]:
    """Every routing decision about the chat, oldest first, with the people involved."""
    return list(db.session.scalars(
        select(RoutingDecision)
        .options(joinedload(RoutingDecision.from_assignee), joinedload(RoutingDecision.assignee),
                 joinedload(RoutingDecision.actor), joinedload(RoutingDecision.group))
        .where(RoutingDecision.chat_id == chat_id)
        .order_by(RoutingDecision.created_at, RoutingDecision.id)))


def transfer_candidates() -> list[User]:
    """Active pre-sellers a chat may be transferred to, by name."""
    return list(db.session.scalars(
        select(User).where(User.role == PRE_SELLER, User.active.is_(True))
        .order_by(User.name, User.id)))
