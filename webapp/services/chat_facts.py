"""The facts the dashboard reports on, recorded on the chat the moment they happen.

One small function per fact, each called from the code where the fact happens (routing,
replies, the waiting line, reassigning), so reports count indexed columns instead of
scanning messages, and whoever moves that code takes one line with it.
"""
from datetime import datetime

from ..domain.routing import Decision
from ..models import Chat, Message


def record_opening(chat: Chat, decision: Decision) -> None:
    """Why and to whom the new chat went when it opened (fairness counts these)."""
    chat.opened_reason, chat.opened_assignee_id = decision.reason, decision.assignee_id


def record_first_inbound(chat: Chat, message_at: datetime) -> None:
    """The lead's first message in the chat (a late, older message moves it back)."""
    if chat.first_inbound_at is None or message_at < chat.first_inbound_at:
        chat.first_inbound_at = message_at


def record_first_reply(chat: Chat, reply: Message) -> None:
    """The chat's first reply that went out: when, by whom, how long after the lead's first
    message (whole seconds, never negative)."""
    if chat.first_reply_at is not None:
        return
    chat.first_reply_at, chat.first_reply_by_id = reply.sent_at, reply.sender_id
    if chat.first_inbound_at is not None:
        waited = (reply.sent_at - chat.first_inbound_at).total_seconds()
        chat.first_response_seconds = max(round(waited), 0)


def record_wait_end(chat: Chat, now: datetime) -> None:
    """A chat nobody had is given to someone: its time in the waiting line ends now."""
    if chat.assignee_id is None and chat.waiting_ended_at is None:
        chat.waiting_ended_at = now
