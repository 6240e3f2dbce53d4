"""Answering a lead inside the 24-hour window: saved first, then sent, then recorded.

A reply is saved as pending and committed (by the view) before WhatsApp hears of it, so the
lead never has a message Relay has no record of. Sending touches no database: on SQLite an
open transaction holds the single write lock for as long as the Cloud API takes. The outcome
is recorded in a transaction of its own. Services flush; the view commits.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, update

from ..domain import templates as template_rules
from ..domain.codes import ChatAction, Direction, MessageKind, MessageStatus
from ..domain.limits import PREVIEW_LENGTH, REPLY_LENGTH
from ..domain.permissions import chat_refusal
from ..extensions import db
from ..models import Chat, Message, MessageTemplate, User
from ..whatsapp.client import TemplateCall, WhatsAppError, client_for
from ..wording import refusal_text
from .chat_facts import record_first_reply

NOT_RETRYABLE = _l("This reply is no longer waiting to be sent again: it is being sent or was "
                   "sent already.")


class ReplyError(Exception):
    """The reply was refused before anything was saved or sent; str() says why."""


@dataclass(frozen=True)
class Outgoing:
    """A saved pending reply and all that sending it needs, read before the commit."""

    message_id: int
    wa_id: str | None
    user_id: str | None
    text: str
    template: TemplateCall | None = None  # sent as this template instead of free text


@dataclass(frozen=True)
class SendOutcome:
    """What the Cloud API (or the sandbox) said: a wamid, or the error."""

    wamid: str | None = None
    sandbox: bool = False
    error: WhatsAppError | None = None


def save_pending_reply(*, chat: Chat, author: User, text: str, now: datetime) -> Outgoing:
    """Check the reply may be sent and save it as pending; raises ReplyError with the reason."""
    text = (text or "").strip()
    _check_may_send(chat, author, text, now)
    reply = Message(chat_id=chat.id, direction=Direction.OUTBOUND, type="text", body=text,
                    sent_at=now, status=MessageStatus.PENDING, sender_id=author.id)
    db.session.add(reply)
    db.session.flush()
    return Outgoing(reply.id, chat.lead.wa_id, chat.lead.user_id, text)


def claim_retry(*, chat: Chat, message_id: int, author: User, now: datetime) -> Outgoing:
    """Take a failed reply back to pending for one more send; raises ReplyError otherwise.

    The claim is one conditional UPDATE (failed, no wamid → pending): of two retries at once
    exactly one matches the row, so a reply is never sent twice.
    """
    reply = db.session.get(Message, message_id)
    if reply is None or reply.chat_id != chat.id or reply.direction != Direction.OUTBOUND:
        raise ReplyError(_("This reply does not exist in this chat."))
    template = template_call(reply)
    if template is None:
        _check_may_send(chat, author, reply.body, now)
    else:
        _check_may_send_template(chat, author, now)
    # An UPDATE's result is a CursorResult (it has a rowcount); execute() is typed for any.
    claimed = cast(CursorResult[Any], db.session.execute(
        update(Message).where(Message.id == reply.id, Message.status == MessageStatus.FAILED,
                              Message.wamid.is_(None))
        .values(status=MessageStatus.PENDING, error=None, error_code=None, sent_at=now)
        .execution_options(synchronize_session=False))).rowcount
    if claimed != 1:
        raise ReplyError(str(NOT_RETRYABLE))
    return Outgoing(reply.id, chat.lead.wa_id, chat.lead.user_id, reply.body, template)


def save_pending_template(*, chat: Chat, author: User, template: MessageTemplate,
                          parameters: list[str], now: datetime) -> Outgoing:
    """Check a template may be sent from this chat (any chat, even expired, for someone who
    may act on it) and save it as pending; the chat keeps its name and values as facts and
    the text the lead reads as the body."""
    _check_may_send_template(chat, author, now)
    if len(parameters) != template.parameter_count or any(
            template_rules.parameter_problem(value) for value in parameters):
        raise ReplyError(_("Fill in every value of the template before sending."))
    call = TemplateCall(template.name, template.language, tuple(parameters))
    reply = Message(chat_id=chat.id, direction=Direction.OUTBOUND, type=MessageKind.TEMPLATE,
                    body=template_rules.render(template.body, parameters), sent_at=now,
                    status=MessageStatus.PENDING, sender_id=author.id,
                    details={"label": "template", "args": {"name": template.name},
                             "template": {"name": call.name, "language": call.language,
                                          "parameters": list(call.parameters)}})
    db.session.add(reply)
    db.session.flush()
    return Outgoing(reply.id, chat.lead.wa_id, chat.lead.user_id, reply.body, call)


def template_call(message: Message) -> TemplateCall | None:
    """The template a stored template message was sent as (None for free text)."""
    facts = (message.details or {}).get("template") if message.type == MessageKind.TEMPLATE \
        else None
    if not isinstance(facts, dict):
        return None
    return TemplateCall(str(facts.get("name", "")), str(facts.get("language", "")),
                        tuple(str(value) for value in facts.get("parameters", ())))


def send(outgoing: Outgoing, config: Mapping) -> SendOutcome:
    """Hand the reply to WhatsApp (or the sandbox). Reads no database: call it with no
    transaction open."""
    try:
        client = client_for(config)
        if outgoing.template is not None:
            wamid = client.send_template(wa_id=outgoing.wa_id, user_id=outgoing.user_id,
                                         template=outgoing.template)
        else:
            wamid = client.send_text(wa_id=outgoing.wa_id, user_id=outgoing.user_id,
                                     text=outgoing.text)
    except WhatsAppError as error:
        return SendOutcome(error=error)
    return SendOutcome(wamid=wamid, sandbox=client.sandbox)


def record_outcome(outgoing: Outgoing, outcome: SendOutcome) -> Message:
    """Store what happened: sent with its wamid, failed with WhatsApp's code and reason, or
    still pending with the reason when WhatsApp may have got it (never sent again)."""
    reply = db.session.get_one(Message, outgoing.message_id, populate_existing=True)
    error = outcome.error
    if error is None:  # sent: WhatsApp gave its wamid
        reply.wamid = outcome.wamid
        reply.status = MessageStatus.SANDBOX if outcome.sandbox else MessageStatus.SENT
        _answered(db.session.get_one(Chat, reply.chat_id), reply)
    elif error.outcome_unknown:
        reply.error = error.data
    else:
        reply.status, reply.error, reply.error_code = MessageStatus.FAILED, error.data, error.code
    db.session.flush()
    return reply


def _answered(chat: Chat, reply: Message) -> None:
    """The chat's list state after a reply went out, unless the lead wrote again since."""
    if chat.last_message_at is None or chat.last_message_at <= reply.sent_at:
        chat.last_message_at = reply.sent_at
        chat.last_message_preview = reply.body[:PREVIEW_LENGTH]
        chat.last_message_details = reply.details
    if chat.last_inbound_at is None or chat.last_inbound_at <= reply.sent_at:
        chat.awaiting_reply = False
    record_first_reply(chat, reply)


def _check_may_send_template(chat: Chat, author: User, now: datetime) -> None:
    """Refuse a template this author may not send from this chat."""
    refusal = chat_refusal(ChatAction.TEMPLATE, chat, author, now)
    if refusal is not None:
        raise ReplyError(refusal_text(ChatAction.TEMPLATE, refusal, chat, now))


def _check_may_send(chat: Chat, author: User, text: str, now: datetime) -> None:
    """Refuse a reply WhatsApp would refuse, or one this author may not send."""
    refusal = chat_refusal(ChatAction.REPLY, chat, author, now)
    if refusal is not None:
        raise ReplyError(refusal_text(ChatAction.REPLY, refusal, chat, now))
    if not text:
        raise ReplyError(_("Write a reply before sending."))
    if len(text) > REPLY_LENGTH:
        raise ReplyError(_("A WhatsApp message holds at most %(max)d characters; this reply "
                           "has %(length)d.", max=REPLY_LENGTH, length=len(text)))
