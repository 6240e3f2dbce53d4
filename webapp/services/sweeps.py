"""The periodic sweeps: expire chats past their response window, move chats from offline owners.

Both are set-based and idempotent, take `now` as a parameter (expiry reads the database's
clock instead), and flush without committing (the job runner or the `sweep` command commits
once). The waiting line and reassigning unanswered chats have their own modules
(waiting_line, reassignment).
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import contains_eager, joinedload

from ..db import database_clock, lock_routing
from ..domain.codes import ChatStatus
from ..extensions import db
from ..models import Chat, RoutingDecision, User
from .accounts import presence_timeout
from .report_counts import count_expired_unanswered, hour_of
from .routing import move_offline_chat
from .settings import current_settings
from .waiting_line import GivenChat, give_out_waiting, waiting_to_give

log = logging.getLogger(__name__)


def expire_chats() -> int:
    """Open chats whose response window has closed become expired: one UPDATE; the count.

    "Closed" is judged by the database's clock: a runner whose clock runs ahead must not
    expire a chat that still has time left. Each keeps whether nobody had replied and who
    had it (services.chat_facts.record_expiry); those nobody answered are added to the
    report counts per UTC hour opened and holder, grouped by the database (a handful of
    rows, not one per chat), then one upsert per day and hour row.
    """
    # The version bump makes a transfer dialog opened before the expiry refuse itself.
    expired = {"status": ChatStatus.EXPIRED, "version": Chat.version + 1,
               "expired_unanswered": Chat.first_reply_at.is_(None),
               "expired_holder_id": Chat.assignee_id}
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        # One statement: the UPDATE's rows grouped as they come back (a data-changing CTE).
        db.session.flush()
        changed = (update(Chat).where(Chat.status == ChatStatus.OPEN,
                                      Chat.window_expires_at <= database_clock(db.session))
                   .values(**expired)
                   .returning(Chat.opened_at, Chat.assignee_id, Chat.expired_unanswered)
                   .cte("expired"))
        hour = hour_of(changed.c.opened_at, dialect)
        groups = db.session.execute(
            select(hour, changed.c.assignee_id, changed.c.expired_unanswered, func.count())
            .group_by(hour, changed.c.assignee_id, changed.c.expired_unanswered)).all()
        _forget_expired()
    else:
        # SQLite's transactions hold its one write lock from their start (BEGIN IMMEDIATE):
        # the chats counted here are exactly those the UPDATE then expires, at the same
        # instant of the database's clock, read once.
        closed = Chat.window_expires_at <= db.session.scalar(select(database_clock(db.session)))
        hour = hour_of(Chat.opened_at, dialect)
        groups = db.session.execute(
            select(hour, Chat.assignee_id, Chat.first_reply_at.is_(None), func.count())
            .where(Chat.status == ChatStatus.OPEN, closed)
            .group_by(hour, Chat.assignee_id, Chat.first_reply_at.is_(None))).all()
        db.session.execute(update(Chat).where(Chat.status == ChatStatus.OPEN, closed)
                           .values(**expired))
    count_expired_unanswered((at, holder, n) for at, holder, unanswered, n in groups
                             if unanswered)
    db.session.flush()
    total = sum(n for *_, n in groups)
    if total:
        log.info("expired %d chat(s) past their response window", total)
    return total


def _forget_expired() -> None:
    """Open chats already in the session are read again when next used (the UPDATE in a
    CTE leaves the session's objects as they were)."""
    for item in list(db.session.identity_map.values()):
        # (As loaded: reading `status` of an expired object would load it again.)
        if isinstance(item, Chat) and inspect(item).dict.get("status") == ChatStatus.OPEN:
            db.session.expire(item)


def expire_then_give_out(now: datetime) -> tuple[int, list[GivenChat]]:
    """Expiry, then the waiting line: an expired chat left room for a waiting one.

    With a chat waiting, the routing lock is taken before the expiry locks its rows: the
    order every routing decision takes them in, so the two never wait for each other.
    """
    if waiting_to_give(now):
        lock_routing(db.session)
    expired = expire_chats()
    return expired, give_out_waiting(now) if expired else []


def offline_owner_chats(now: datetime) -> list[Chat]:
    """One query: open chats awaiting a reply whose assignee is offline past the grace."""
    grace = timedelta(seconds=current_settings().offline_grace_seconds)
    offline = User.offline_clause(now, grace, presence_timeout())
    stmt = (select(Chat).join(User, Chat.assignee_id == User.id)
            .options(contains_eager(Chat.assignee), joinedload(Chat.lead))
            .where(Chat.status == ChatStatus.OPEN, Chat.awaiting_reply.is_(True),
                   Chat.window_expires_at > now, offline)
            # The lead waiting longest is moved first, so it gets the least busy colleague.
            .order_by(Chat.last_inbound_at, Chat.id))
    return list(db.session.scalars(stmt))


def sweep_offline_owners(now: datetime) -> list[RoutingDecision]:
    """Move every chat whose owner went offline, by offline parent chat transfer.

    Does nothing while the option is off. Each chat goes through the routing service,
    which picks an online member of the transfer group by the tiebreaker and leaves the
    chat where it is when nobody there is online; so a second sweep changes nothing more.
    """
    settings = current_settings()
    if not settings.offline_transfer_enabled or settings.offline_transfer_group_id is None:
        return []
    moved = []
    for chat in offline_owner_chats(now):
        decision = move_offline_chat(chat, now)
        if decision is not None:
            moved.append(decision)
    db.session.flush()
    if moved:
        log.info("moved %d chat(s) from offline owners: %s", len(moved),
                 ", ".join(str(decision.chat_id) for decision in moved))
    return moved
