"""Answering a lead: inside the 24-hour window, through the Cloud API (or the sandbox)."""
from datetime import datetime

from flask import current_app

from ..domain.codes import ChatAction, Direction, MessageStatus
from ..domain.limits import PREVIEW_LENGTH, REPLY_LENGTH
from ..domain.permissions import chat_refusal
from ..extensions import db
from ..models import Chat, Message, User
from ..whatsapp.client import WhatsAppError, client_for
from ..wording import refusal_text


class ReplyError(Exception):
    """The reply was refused or WhatsApp did not take it; str() says why."""


def send_reply(*, chat: Chat, author: User, text: str, now: datetime) -> Message:
    """Send `text` to the chat's lead and record it; raises ReplyError with the reason.

    When WhatsApp refuses or cannot be reached, the reply is still recorded, as failed and
    with the reason, so the conversation shows what happened.
    """
    text = (text or "").strip()
    _check_may_send(chat, author, text, now)
    reply = Message(chat_id=chat.id, direction=Direction.OUTBOUND, type="text", body=text,
                    sent_at=now, status=MessageStatus.PENDING, sender_id=author.id)
    try:
        client = client_for(current_app.config)
        reply.wamid = client.send_text(wa_id=chat.lead.wa_id, user_id=chat.lead.user_id,
                                       text=text)
    except WhatsAppError as error:
        reply.status, reply.error = MessageStatus.FAILED, str(error)
        db.session.add(reply)
        db.session.flush()
        raise ReplyError(str(error)) from error
    reply.status = MessageStatus.SANDBOX if client.sandbox else MessageStatus.SENT
    chat.awaiting_reply = False
    chat.last_message_at = now
    chat.last_message_preview = text[:PREVIEW_LENGTH]
    db.session.add(reply)
    db.session.flush()
    return reply


def _check_may_send(chat: Chat, author: User, text: str, now: datetime) -> None:
    """Refuse a reply WhatsApp would refuse, or one this author may not send."""
    refusal = chat_refusal(ChatAction.REPLY, chat, author, now)
    if refusal is not None:
        raise ReplyError(refusal_text(ChatAction.REPLY, refusal, chat, now))
    if not text:
        raise ReplyError("Write a reply before sending.")
    if len(text) > REPLY_LENGTH:
        raise ReplyError(f"A WhatsApp message holds at most {REPLY_LENGTH} characters; "
                         f"this reply has {len(text)}.")
