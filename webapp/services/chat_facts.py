"""The facts the dashboard reports on, recorded on the chat the moment they happen.

One small function per fact, each called from the code where the fact happens (routing,
replies, the waiting line, reassigning, expiry), so reports never scan messages, and
whoever moves that code takes one line with it. Facts that are counted events also add
to the report counts (services.report_counts) in the same transaction; the set-based
paths (batch routing, the expiry sweep, the waiting line) do both in bulk themselves.
"""
from datetime import datetime

from ..domain.codes import RoutingReason
from ..domain.routing import Decision
from ..models import Chat, Message
from .report_counts import count_expired_unanswered, count_first_reply, count_wait_ends


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
        count_first_reply(chat.opened_at, chat.first_reply_by_id, chat.first_response_seconds)


def record_wait_end(chat: Chat, now: datetime) -> None:
    """A chat nobody had is given to someone: its time in the waiting line ends now."""
    if chat.assignee_id is None and chat.waiting_ended_at is None:
        chat.waiting_ended_at = now
        chat.waited_seconds = waited_seconds(chat.opened_at, now)
        if chat.opened_reason == RoutingReason.UNASSIGNED:
            count_wait_ends([(chat.opened_at, chat.waited_seconds)])


def waited_seconds(opened_at: datetime, ended_at: datetime) -> int:
    """A chat's time in the waiting line, whole seconds, never negative."""
    return max(round((ended_at - opened_at).total_seconds()), 0)


def record_expiry(chat: Chat) -> None:
    """The chat expires now: whether nobody had replied, and who had it (a reply sent
    later, reviving it, leaves it counted as expired unanswered)."""
    chat.expired_unanswered = chat.first_reply_at is None
    chat.expired_holder_id = chat.assignee_id
    if chat.expired_unanswered:
        count_expired_unanswered([(chat.opened_at, chat.assignee_id, 1)])
