"""Set-based seeding: a team of pre-sellers and any number of leads with their chats.

Chats are inserted by one INSERT … SELECT per table (a recursive series on SQLite,
generate_series on PostgreSQL), never row by row, so a million chats take seconds.
The first `open_chats` are open (their lead wrote within the last day); the rest are
history, closed or expired across the last month. A growing history beside a steady number
of open chats is the shape of a team that has worked for a while.
"""
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, select, text, update

from webapp.db import UTCDateTime
from webapp.extensions import db
from webapp.models import MANAGER, PRE_SELLER, User
from webapp.services import report_counts
from webapp.services.accounts import create_user

MANAGER_EMAIL, MANAGER_PASSWORD = "manager@bench.test", "bench manager password"

_SERIES = {
    "sqlite": "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq "
              "WHERE i + 1 < :count) SELECT {columns} FROM seq",
    "postgresql": "SELECT {columns} FROM generate_series(0, :count - 1) AS seq(i)",
}
# A timestamp `seconds` before :now, in each database's own arithmetic.
_BEFORE_NOW = {
    # (The modifier is written "-5 seconds", or "5 seconds" for a time after :now.)
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', :now, (-({seconds})) || ' seconds') || '.000000'",
    "postgresql": "(CAST(:now AS timestamp) - make_interval(secs => {seconds}))",
}


def manager() -> User:
    """The manager whose session reads the chat list."""
    user = create_user(MANAGER_EMAIL, "Bench Manager", MANAGER, MANAGER_PASSWORD)
    db.session.commit()
    return user


def team(count: int, *, online_until: datetime, prefix: str) -> list[int]:
    """`count` online pre-sellers (seen until `online_until`); their ids, contiguous."""
    db.session.execute(insert(User), [
        {"email": f"{prefix}{n}@bench.test", "name": f"{prefix.title()} {n:03d}",
         "role": PRE_SELLER, "password_hash": "!", "active": True, "signed_in": True,
         "last_seen_at": online_until} for n in range(count)])
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.email.like(f"{prefix}%@bench.test"))
                                   .order_by(User.id)))


def sign_out(user_ids: list[int]) -> None:
    """Take these pre-sellers offline."""
    db.session.execute(update(User).where(User.id.in_(user_ids)).values(signed_in=False))
    db.session.commit()


def chats(count: int, *, open_chats: int, assignee_ids: list[int], now: datetime) -> None:
    """Add `count` leads, each with one chat, spread over the (contiguous) assignees."""
    dialect = db.session.get_bind().dialect.name
    series, before = _SERIES[dialect], _BEFORE_NOW[dialect]
    base = (db.session.scalar(select(func.max(text("id"))).select_from(text("leads"))) or 0) + 1
    params = {"count": count, "base": base, "first": assignee_ids[0],
              "team": len(assignee_ids), "open": open_chats, "now": now.replace(tzinfo=None).isoformat(" ")}
    at = before.format(seconds="CASE WHEN i < :open THEN (i * 43) % 86000 ELSE i % 2592000 END")
    db.session.execute(text(
        "INSERT INTO leads (id, wa_id, name, owner_id, created_at) " + series.format(
            columns=f"(:base + i), ('b' || (:base + i)), ('Bench lead ' || (:base + i)), "
                    f"(:first + i % :team), {before.format(seconds='i % 2592000')}")), params)
    # The dashboard's facts as routing and replies record them: each chat went to its
    # pre-seller by distribution; two in three were answered, after 10 s to about 2 h.
    db.session.execute(text(
        "INSERT INTO chats (lead_id, assignee_id, status, opened_at, last_inbound_at, "
        "last_message_at, last_message_preview, window_expires_at, awaiting_reply, "
        "unread_count, version, opened_reason, opened_assignee_id, first_inbound_at, "
        "first_reply_by_id, first_response_seconds, expired_unanswered, expired_holder_id) "
        + series.format(
            columns="(:base + i), (:first + i % :team), "
                    "(CASE WHEN i < :open THEN 'open' WHEN i % 2 = 0 THEN 'closed' "
                    f"ELSE 'expired' END), {at}, {at}, {at}, 'Hello, is this still available?', "
                    f"{before.format(seconds='(CASE WHEN i < :open THEN (i * 43) % 86000 ELSE i % 2592000 END) - 86400')}, "
                    "(i % 3 = 0), (i % 3), 1, 'distribution', (:first + i % :team), "
                    f"{at}, (CASE WHEN i % 3 = 0 THEN NULL ELSE :first + i % :team END), "
                    "(CASE WHEN i % 3 = 0 THEN NULL ELSE 10 + (i * 37) % 7207 END), "
                    # Expired ones nobody answered are counted against who had them.
                    "(i >= :open AND i % 2 = 1 AND i % 3 = 0), "
                    "(CASE WHEN i >= :open AND i % 2 = 1 THEN :first + i % :team END)")),
        params)
    db.session.commit()
    _counted(dialect)
    if dialect == "postgresql":
        # Lead ids were given explicitly: move the sequence past them.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('leads', 'id'), "
                                "(SELECT max(id) FROM leads))"))
        db.session.commit()
        vacuumed()


def waiting_chats(count: int, now: datetime) -> None:
    """Add `count` new leads whose chats nobody has, opened over the last hour (the waiting
    line): one INSERT … SELECT per table."""
    dialect = db.session.get_bind().dialect.name
    series, before = _SERIES[dialect], _BEFORE_NOW[dialect]
    base = (db.session.scalar(select(func.max(text("id"))).select_from(text("leads"))) or 0) + 1
    params = {"count": count, "base": base, "now": now.replace(tzinfo=None).isoformat(" ")}
    at = before.format(seconds="(i * 3) % 3600")
    db.session.execute(text(
        "INSERT INTO leads (id, wa_id, name, created_at) " + series.format(
            columns=f"(:base + i), ('w' || (:base + i)), ('Waiting lead ' || (:base + i)), {at}")),
        params)
    db.session.execute(text(
        "INSERT INTO chats (lead_id, assignee_id, status, opened_at, last_inbound_at, "
        "last_message_at, last_message_preview, window_expires_at, awaiting_reply, "
        "awaiting_since, unread_count, version, opened_reason) " + series.format(
            columns=f"(:base + i), NULL, 'open', {at}, {at}, {at}, 'Anyone there?', "
                    f"{before.format(seconds='((i * 3) % 3600) - 86400')}, "
                    f"(1 = 1), {at}, 1, 1, 'unassigned'")), params)
    db.session.commit()
    _counted(dialect)
    if dialect == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('leads', 'id'), "
                                "(SELECT max(id) FROM leads))"))
        db.session.commit()
        vacuumed()


def vacuumed() -> None:
    """PostgreSQL after a bulk insert, as autovacuum leaves a live system: fresh statistics
    (the users too: the teams were just added) and the visibility map set, which index-only
    scans (the team's open-chat counts) rely on."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) users, leads, chats"))


def _counted(dialect: str) -> None:
    """The report counts rebuilt from the chats just written (as `flask
    rebuild-report-counts` does, statistics included), after fresh statistics on
    PostgreSQL; so the dashboard is measured on its real read path."""
    if dialect == "postgresql":
        db.session.execute(text("ANALYZE chats"))
        db.session.commit()
    report_counts.rebuild()
    db.session.commit()


def make_due(count: int, now: datetime) -> None:
    """Turn `count` closed chats into open chats whose response window closed a minute ago."""
    db.session.execute(
        text("UPDATE chats SET status = 'open', window_expires_at = :past WHERE id IN "
             "(SELECT id FROM chats WHERE status = 'closed' ORDER BY id LIMIT :count)")
        .bindparams(bindparam("past", type_=UTCDateTime())),
        {"past": now - timedelta(minutes=1), "count": count})
    db.session.commit()
