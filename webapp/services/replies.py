"""Answering a lead: inside the 24-hour window, through the Cloud API (or the sandbox)."""
from datetime import datetime

from flask import current_app

from ..domain.window import is_open
from ..extensions import db
from ..models import Chat, Message, User
from ..models.chats import CLOSED, OPEN, OUTBOUND
from ..whatsapp.client import WhatsAppError, client_for
from .conversations import CHAT_CLOSED

MAX_REPLY_LENGTH = 4096  # WhatsApp's limit for a text message body
PREVIEW_LENGTH = 200


class ReplyError(Exception):
    """The reply was refused or WhatsApp did not take it; str() says why."""


def send_reply(*, chat: Chat, author: User, text: str, now: datetime) -> Message:
    """Send `text` to the chat's lead and record it; raises ReplyError with the reason.

    When WhatsApp refuses or cannot be reached, the reply is still recorded, as failed and
    with the reason, so the conversation shows what happened.
    """
    text = (text or "").strip()
    _check_may_send(chat, author, text, now)
    reply = Message(chat_id=chat.id, direction=OUTBOUND, type="text", body=text, sent_at=now,
                    status="pending", sender_id=author.id)
    try:
        client = client_for(current_app.config)
        reply.wamid = client.send_text(wa_id=chat.lead.wa_id, user_id=chat.lead.user_id,
                                       text=text)
    except WhatsAppError as error:
        reply.status, reply.error = "failed", str(error)
        db.session.add(reply)
        db.session.flush()
        raise ReplyError(str(error)) from error
    reply.status = "sandbox" if client.sandbox else "sent"
    chat.awaiting_reply = False
    chat.last_message_at = now
    chat.last_message_preview = text[:PREVIEW_LENGTH]
    db.session.add(reply)
    db.session.flush()
    return reply


def _check_may_send(chat: Chat, author: User, text: str, now: datetime) -> None:
    """Refuse a reply WhatsApp would refuse, or one this author may not send."""
    if author.is_pre_seller and chat.assignee_id != author.id:
        # Views decide who may reply; this guards the rule if a view ever forgets.
        raise ReplyError("Only the chat's assignee or a manager can answer this chat.")
    if chat.status == CLOSED:
        raise ReplyError(CHAT_CLOSED)
    expires = chat.window_expires_at
    if chat.status != OPEN or not is_open(expires, now):
        closed = f" at {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
        raise ReplyError(f"The 24-hour response window closed{closed}; WhatsApp only allows "
                         "template messages now.")
    if not text:
        raise ReplyError("Write a reply before sending.")
    if len(text) > MAX_REPLY_LENGTH:
        raise ReplyError(f"A WhatsApp message holds at most {MAX_REPLY_LENGTH} characters; "
                         f"this reply has {len(text)}.")
