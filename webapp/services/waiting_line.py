"""The waiting line: unassigned open chats go out the moment someone eligible has room.

`give_out_waiting` is the one way in, for every moment that may let a waiting chat go out:
a pre-seller signing in, switching to Available or coming back online; a chat closed,
transferred away, reassigned or expired; a settings change; the one-minute backstop job;
and any other service that makes room (the delivery consumer may call it too).

Set-based, under the routing lock: the waiting chats in one query, everyone who may take
them in one more, the decisions in memory one after another (domain.waiting_line), then
four statements to write them, whatever the number of chats.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, exists, func, insert, literal, select, update
from sqlalchemy.orm.util import identity_key

from ..db import UTCDateTime, lock_routing
from ..domain.codes import ChatStatus, RoutingReason
from ..domain.waiting_line import WaitingChat, give_out
from ..extensions import db
from ..models import Chat, Lead, RoutingDecision, User
from .assignment import new_lead_people, routing_rules
from .chat_facts import waited_seconds
from .report_counts import count_wait_ends
from .settings import current_settings


@dataclass(frozen=True)
class GivenChat:
    """A waiting chat that went out, and to whom."""

    chat_id: int
    assignee_id: int
    assignee_name: str


def is_waiting():
    """SQL: an open chat nobody has (it waits since it opened)."""
    return (Chat.status == ChatStatus.OPEN) & Chat.assignee_id.is_(None)


def waiting_to_give(now: datetime) -> bool:
    """The waiting line is on and a chat inside its window waits: one indexed probe."""
    if not current_settings().give_waiting_chats:
        return False
    return bool(db.session.scalar(select(exists().where(
        is_waiting(), Chat.window_expires_at > now))))


def give_out_waiting(now: datetime) -> list[GivenChat]:
    """Give the oldest waiting chats, one by one, to whom the tiebreaker picks among the
    eligible people with room (else the alternates with room); flushes, never commits.

    A chat another transaction is changing right now (a message arriving, its expiry) is
    skipped this time rather than waited for; the next moment or the job gives it out.
    """
    if not waiting_to_give(now):
        return []
    lock_routing(db.session)
    rules = routing_rules()
    rows = db.session.execute(
        select(Chat.id, Chat.lead_id, Chat.opened_at, Chat.last_inbound_at,
               Chat.window_expires_at, Chat.opened_reason, Chat.waiting_ended_at)
        .where(is_waiting(), Chat.window_expires_at > now).order_by(Chat.opened_at, Chat.id)
        .with_for_update(skip_locked=True, of=Chat)).all()
    waiting = [WaitingChat(row.id, row.opened_at, row.last_inbound_at, row.window_expires_at)
               for row in rows]
    people = new_lead_people(now, rules)
    given = give_out(waiting, people, rules, now)
    if not given:
        return []
    _write(given, {row.id: row for row in rows}, now)
    names = {person.id: person.name for person in people}
    return [GivenChat(chat.id, winner, names[winner])
            for chat, decision in given if (winner := decision.assignee_id) is not None]


def _write(given, read: dict, now: datetime) -> None:
    """The chats, their leads' owners, the decisions and the recipients: four statements;
    then the report counts of the waits that ended (one upsert per day and hour)."""
    # A mapped class's __table__ is typed as any FromClause; each of ours is a Table.
    chats, leads, users = (cast(Table, model.__table__) for model in (Chat, Lead, User))
    rows = [{"chat": chat.id, "lead": read[chat.id].lead_id, "to": decision.assignee_id,
             "group": decision.group_id,
             "waited": waited_seconds(read[chat.id].opened_at, now)}
            for chat, decision in given]
    db.session.flush()
    db.session.execute(
        update(chats).where(chats.c.id == bindparam("chat"))
        .values(assignee_id=bindparam("to"), group_id=bindparam("group"), assigned_at=now,
                overdue_since=None, version=chats.c.version + 1,
                waiting_ended_at=func.coalesce(chats.c.waiting_ended_at,
                                               literal(now, UTCDateTime())),
                waited_seconds=func.coalesce(chats.c.waited_seconds, bindparam("waited"))),
        rows)
    # (services.chat_facts.record_wait_end, in bulk.)
    count_wait_ends((read[row["chat"]].opened_at, row["waited"]) for row in rows
                    if read[row["chat"]].waiting_ended_at is None
                    and read[row["chat"]].opened_reason == RoutingReason.UNASSIGNED)
    db.session.execute(update(leads).where(leads.c.id == bindparam("lead"))
                       .values(owner_id=bindparam("to")), rows)
    db.session.execute(insert(cast(Table, RoutingDecision.__table__)), [
        {"chat_id": chat.id, "reason": decision.reason, "assignee_id": decision.assignee_id,
         "group_id": decision.group_id, "facts": decision.facts, "note": "",
         "created_at": now} for chat, decision in given])
    winners = sorted({decision.assignee_id for _, decision in given})
    db.session.execute(update(users).where(users.c.id.in_(winners))
                       .values(last_assigned_at=now))
    _forget(Chat, [row["chat"] for row in rows])
    _forget(Lead, [row["lead"] for row in rows])
    _forget(User, winners)


def _forget(model, ids) -> None:
    """Objects of these rows already in the session are read again when next used."""
    for row_id in ids:
        cached = db.session.identity_map.get(identity_key(model, row_id))
        if cached is not None:
            db.session.expire(cached)
