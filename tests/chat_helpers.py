"""Factories for leads, chats, messages and routing decisions, for the chat screens' tests."""
from datetime import timedelta

from sqlalchemy import insert

from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import Chat, Lead, Message, RoutingDecision

_serial = {"n": 0}


def _next() -> int:
    _serial["n"] += 1
    return _serial["n"]


def make_chat(assignee=None, *, name=None, wa_id=None, status=ChatStatus.OPEN, group=None,
              last_message_at=None, window_left=timedelta(hours=20), awaiting_reply=True,
              unread_count=0, preview="Hello", **fields) -> Chat:
    """A committed chat with its lead; the window closes `window_left` from now."""
    n = _next()
    now = utcnow()
    at = last_message_at or now - timedelta(minutes=n % 50)
    lead = Lead(name=name if name is not None else f"Lead {n}",
                wa_id=wa_id or f"55119{n:07d}", owner_id=assignee.id if assignee else None)
    chat = Chat(lead=lead, assignee_id=assignee.id if assignee else None,
                group_id=group.id if group else None, status=status, opened_at=at,
                last_inbound_at=at, last_message_at=at, last_message_preview=preview,
                window_expires_at=now + window_left, awaiting_reply=awaiting_reply,
                unread_count=unread_count, **fields)
    db.session.add(chat)
    db.session.commit()
    return chat


def add_message(chat, body="Hi", *, direction=Direction.INBOUND, sent_at=None, type="text",
                status=None, error=None, sender=None, details=None) -> Message:
    """A committed message in the chat."""
    message = Message(chat_id=chat.id, direction=direction, body=body, type=type,
                      sent_at=sent_at or utcnow(), wamid=f"wamid.test{_next()}",
                      status=status or ("received" if direction == Direction.INBOUND else "sent"),
                      error=error, sender_id=sender.id if sender else None, details=details)
    db.session.add(message)
    db.session.commit()
    return message


def add_decision(chat, reason, *, assignee=None, from_assignee=None, actor=None, note="",
                 facts=None, legacy_detail=None, group=None, at=None) -> RoutingDecision:
    """A committed routing decision about the chat."""
    decision = RoutingDecision(chat_id=chat.id, reason=reason, note=note, facts=facts,
                               legacy_detail=legacy_detail,
                               assignee_id=assignee.id if assignee else None,
                               from_assignee_id=from_assignee.id if from_assignee else None,
                               actor_id=actor.id if actor else None,
                               group_id=group.id if group else None,
                               created_at=at or utcnow())
    db.session.add(decision)
    db.session.commit()
    return decision


def bulk_chats(count: int, assignees=(), *, status=ChatStatus.OPEN, group=None) -> None:
    """Insert `count` leads and chats with two statements, spread over the assignees."""
    n = _next() * 100_000
    now = utcnow()
    lead_ids = db.session.scalars(insert(Lead).returning(Lead.id, sort_by_parameter_order=True), [
        {"name": f"Bulk lead {n + i}", "wa_id": f"4420{n + i:09d}", "created_at": now}
        for i in range(count)]).all()
    people = list(assignees) or [None]
    db.session.execute(insert(Chat), [
        {"lead_id": lead_id, "status": status, "opened_at": now - timedelta(seconds=i),
         "assignee_id": people[i % len(people)].id if people[i % len(people)] else None,
         "group_id": group.id if group else None,
         "last_inbound_at": now - timedelta(seconds=i), "last_message_at": now - timedelta(seconds=i),
         "last_message_preview": "Bulk hello", "window_expires_at": now + timedelta(hours=20),
         "awaiting_reply": i % 2 == 0, "unread_count": i % 3, "version": 1}
        for i, lead_id in enumerate(lead_ids)])
    db.session.commit()
