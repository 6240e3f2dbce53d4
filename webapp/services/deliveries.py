"""The delivery queue: webhook deliveries stored raw, claimed in batches, retried, dead.

A delivery waits (processed_at and dead_at NULL) until a consumer claims it, oldest first,
once its next attempt is due. On PostgreSQL the claim locks the rows FOR UPDATE SKIP
LOCKED, so several consumers on several hosts take disjoint batches; on SQLite the
transaction's single write lock already makes one consumer claim at a time. Storing a
delivery notifies the consumers (PostgreSQL NOTIFY, sent when the webhook commits).
Services flush; the caller commits.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import (
    Connection,
    Insert,
    Select,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from ..bulk import update_rows
from ..db import AnySession
from ..domain.codes import DeliveryFailure
from ..domain.deliveries import backlog_age, next_attempt_at
from ..extensions import db
from ..models import WebhookEvent

# PostgreSQL LISTEN/NOTIFY channel on which a committed delivery wakes the consumers.
CHANNEL = "relay_deliveries"
ERROR_LENGTH = 2000
_EVENTS = cast(Table, WebhookEvent.__table__)


def _insert(bound: tuple[str, ...], **fixed) -> Insert:
    """INSERT a delivery with these columns bound by name and `fixed` written in the SQL,
    RETURNING its id."""
    return insert(_EVENTS).values(
        {name: bindparam(name, type_=_EVENTS.c[name].type) for name in bound} | fixed
    ).returning(_EVENTS.c.id)


# A queued delivery binds only its body and when it came (the webhook's driver spends time
# on each bound value, every request); the rest are a new delivery's: no attempt, no error.
_STORE_QUEUED = _insert(("body", "received_at"), attempts=literal_column("0"))
_STORE_REFUSED = _insert(("body", "received_at", "attempts", "error", "dead_at", "failure"))
# PostgreSQL: the INSERT and its NOTIFY in one statement, so an autocommit connection
# stores and wakes the consumers in one round trip and one transaction (the notification
# is sent when that transaction commits, never for a rolled-back delivery).
_STORED = _STORE_QUEUED.cte("stored")
_STORE_AND_NOTIFY = select(_STORED.c.id, func.pg_notify(literal_column(f"'{CHANNEL}'"),
                                                        literal_column("''")))


@dataclass(frozen=True)
class Claimed:
    """A stored delivery a consumer holds for this transaction."""

    id: int
    body: bytes
    attempts: int


@dataclass(frozen=True)
class Attempt:
    """How processing one claimed delivery went, to be written back in bulk."""

    id: int
    attempts: int  # after this attempt
    failure: str | None = None  # a DeliveryFailure code; None when processed
    error: str | None = None
    refused: str | None = None


def store_statement(dialect_name: str, *, refused: bool) -> Insert | Select:
    """The one statement that stores a delivery (its parameters: stored_values) and
    returns its id; on PostgreSQL a queued one also notifies the consumers, on commit."""
    if refused:
        return _STORE_REFUSED
    return _STORE_AND_NOTIFY if dialect_name == "postgresql" else _STORE_QUEUED


def stored_values(body: bytes, now: datetime, refusal: str | None) -> dict:
    """A delivery's row as received. A body that is not a Cloud API delivery (`refusal`
    says why) is kept dead at once: retrying cannot make it readable, and a manager can
    still see it."""
    values: dict = {"body": body, "received_at": now}
    if refusal is not None:
        values |= {"attempts": 1, "error": refusal[:ERROR_LENGTH], "dead_at": now,
                   "failure": DeliveryFailure.BAD_PAYLOAD}
    return values


def store(connection: Connection, body: bytes, now: datetime, *,
          refusal: str | None = None) -> int:
    """Keep a signed delivery exactly as received and tell the consumers (when its
    transaction commits); its id. SQLite: the caller sets the in-process wake-up after
    committing. (Servers store through delivery_store, the same statement.)"""
    statement = store_statement(connection.dialect.name, refused=refusal is not None)
    return connection.execute(statement, stored_values(body, now, refusal)).scalar_one()


def announce(session: AnySession) -> None:
    """Wake the consumers when this transaction commits (PostgreSQL NOTIFY is delivered
    at commit, never for a rolled-back change). SQLite: the caller sets the in-process
    wake-up after committing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def _waiting():
    """SQL: the delivery is neither processed nor dead."""
    return WebhookEvent.processed_at.is_(None) & WebhookEvent.dead_at.is_(None)


def claim(limit: int, now: datetime, ids: list[int] | None = None) -> list[Claimed]:
    """The oldest due deliveries, at most `limit`, locked for this transaction and skipped by
    other consumers. With `ids`: those deliveries (waiting or dead), due or not, as
    `reprocess-events` and a manager's retry ask for."""
    query = select(WebhookEvent.id, WebhookEvent.body, WebhookEvent.attempts)
    if ids is None:
        query = query.where(_waiting(), or_(WebhookEvent.next_attempt_at.is_(None),
                                            WebhookEvent.next_attempt_at <= now))
    else:
        query = query.where(WebhookEvent.id.in_(ids), WebhookEvent.processed_at.is_(None))
    query = query.order_by(WebhookEvent.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [Claimed(row.id, row.body, row.attempts) for row in db.session.execute(query)]


def record(attempts: list[Attempt], now: datetime) -> None:
    """Write back a batch's outcomes in bulk: processed, or failed and due again, or dead."""
    update_rows(db.session, WebhookEvent, [_outcome(attempt, now)
                                                     for attempt in attempts])


def _outcome(attempt: Attempt, now: datetime) -> dict:
    """One delivery's row after an attempt (an ORM bulk UPDATE by primary key)."""
    row: dict[str, object] = {
        "id": attempt.id, "attempts": attempt.attempts, "refused": attempt.refused,
        "error": attempt.error[:ERROR_LENGTH] if attempt.error else None,
        "failure": attempt.failure, "processed_at": None, "next_attempt_at": None,
        "dead_at": None}
    if attempt.failure is None:
        row["processed_at"] = now
        return row
    retry_at = next_attempt_at(attempt.attempts, attempt.failure, now)
    row["next_attempt_at" if retry_at else "dead_at"] = retry_at or now
    return row


def failing_ids(limit: int) -> list[int]:
    """Deliveries that failed and are not processed (waiting to be retried, or dead),
    oldest first."""
    return list(db.session.scalars(
        select(WebhookEvent.id).where(WebhookEvent.processed_at.is_(None),
                                      WebhookEvent.failure.is_not(None))
        .order_by(WebhookEvent.id).limit(limit)))


def dead(limit: int) -> list[WebhookEvent]:
    """Dead deliveries, newest death first, for the managers' page."""
    return list(db.session.scalars(
        select(WebhookEvent).where(WebhookEvent.dead_at.is_not(None),
                                   WebhookEvent.processed_at.is_(None))
        .order_by(WebhookEvent.dead_at.desc(), WebhookEvent.id.desc()).limit(limit)))


def revive(ids: list[int] | None) -> int:
    """Make dead deliveries (these, or all with None) due again now; how many. One more
    attempt each: should it fail again, it is dead again at once."""
    query = update(WebhookEvent).where(WebhookEvent.dead_at.is_not(None),
                                       WebhookEvent.processed_at.is_(None))
    if ids is not None:
        query = query.where(WebhookEvent.id.in_(ids))
    result = db.session.execute(query.values(dead_at=None, next_attempt_at=None)
                                .execution_options(synchronize_session=False))
    announce(db.session)
    return result.rowcount  # type: ignore[attr-defined]


def queue_health(now: datetime, session: Session) -> dict:
    """The backlog (count, age of the oldest in seconds) and the dead count, for /healthz
    (read through the health check's own session)."""
    count, oldest = session.execute(
        select(func.count(), func.min(WebhookEvent.received_at)).where(_waiting())).one()
    dead_count = session.scalar(select(func.count()).where(
        WebhookEvent.dead_at.is_not(None), WebhookEvent.processed_at.is_(None)))
    return {"backlog": count, "oldest_seconds": round(backlog_age(oldest, now), 3),
            "dead": dead_count}
