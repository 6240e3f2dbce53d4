"""What a conversation shows about its lead beyond this chat: the lead panel (number, first
contact, owner, how many chats) and the lead's earlier chats with their messages.

Whoever may see the chat sees its lead's earlier chats too: a returning lead's history is the
context a pre-seller needs, whoever answered it before. Three queries, however many chats.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Chat, Message

# The earlier chats shown (the latest ones) and the messages shown of each (its latest).
EARLIER_CHATS_SHOWN = 10
EARLIER_MESSAGES_SHOWN = 50


@dataclass
class EarlierChat:
    """A previous chat of the lead, with its latest messages in the order they were sent."""

    chat: Chat
    messages: list[Message] = field(default_factory=list)
    older_hidden: bool = False


@dataclass
class LeadContext:
    """The lead panel's facts and the lead's earlier chats, oldest first."""

    chat_count: int
    earlier: list[EarlierChat]


def lead_context(chat: Chat) -> LeadContext:
    """The lead of `chat`: how many chats it has had, and its earlier chats with messages."""
    lead_id = chat.lead_id
    count = db.session.scalar(select(func.count(Chat.id)).where(Chat.lead_id == lead_id)) or 0
    previous = list(db.session.scalars(
        select(Chat).options(joinedload(Chat.assignee), joinedload(Chat.group))
        .where(Chat.lead_id == lead_id, Chat.id != chat.id, Chat.opened_at <= chat.opened_at)
        .order_by(Chat.opened_at.desc(), Chat.id.desc()).limit(EARLIER_CHATS_SHOWN)))
    earlier = [EarlierChat(item) for item in reversed(previous)]
    if earlier:
        _attach_messages(earlier)
    return LeadContext(count, earlier)


def _attach_messages(earlier: list[EarlierChat]) -> None:
    """Each earlier chat's latest messages, all read in one windowed query."""
    by_id = {item.chat.id: item for item in earlier}
    rank = func.row_number().over(partition_by=Message.chat_id,
                                  order_by=(Message.sent_at.desc(), Message.id.desc()))
    ranked = (select(Message.id, rank.label("rank"))
              .where(Message.chat_id.in_(by_id)).subquery())
    rows = db.session.execute(
        select(Message, ranked.c.rank).join(ranked, ranked.c.id == Message.id)
        .options(joinedload(Message.sender))
        .where(ranked.c.rank <= EARLIER_MESSAGES_SHOWN + 1)
        .order_by(Message.chat_id, Message.sent_at, Message.id)).all()
    for message, position in rows:
        item = by_id[message.chat_id]
        if position > EARLIER_MESSAGES_SHOWN:
            item.older_hidden = True
        else:
            item.messages.append(message)
