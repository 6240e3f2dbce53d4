"""One conversation: who may see it, its messages, its history, marking it read."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain import window
from ..extensions import db
from ..models import PRE_SELLER, Chat, Message, RoutingDecision, User
from ..models.chats import CLOSED, OPEN
from .chat_lists import digest

# A conversation shows its latest messages; older ones stay in the API.
MESSAGE_LIMIT = 300
WINDOW_CLOSED = ("The 24-hour response window has closed: WhatsApp accepts a free-text reply "
                 "again after the lead's next message.")
CHAT_CLOSED = "This chat is closed. The lead's next message opens a new chat."


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


def may_reply(chat: Chat, user: User) -> bool:
    """Managers answer any open chat; a pre-seller answers their own open chats."""
    return chat.status == OPEN and (user.is_manager or chat.assignee_id == user.id)


def reply_blocked_reason(chat: Chat, now: datetime) -> str:
    """Why nobody can answer this chat now, or '' when it can be answered."""
    if chat.status == CLOSED:
        return CHAT_CLOSED
    if chat.status != OPEN or not window.is_open(chat.window_expires_at, now):
        return WINDOW_CLOSED
    return ""


def may_close(chat: Chat, user: User) -> bool:
    """The assignee or a manager may close an open chat."""
    return chat.status == OPEN and (user.is_manager or chat.assignee_id == user.id)


def recent_messages(chat_id: int, limit: int = MESSAGE_LIMIT) -> tuple[list[Message], bool]:
    """The latest messages in the order they were sent, and whether older ones exist."""
    rows = list(db.session.scalars(
        select(Message).options(joinedload(Message.sender))
        .where(Message.chat_id == chat_id)
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return list(reversed(rows[:limit])), more


def conversation_fingerprint(chat: Chat) -> str:
    """Changes with the chat's state, a new message, or a delivery state (one small query)."""
    by_status = db.session.execute(
        select(Message.status, func.count(Message.id), func.max(Message.id))
        .where(Message.chat_id == chat.id).group_by(Message.status)
        .order_by(Message.status)).all()
    return digest("chat", chat.version, chat.status, chat.assignee_id, chat.window_expires_at,
                  chat.last_message_at, [tuple(row) for row in by_status])


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
