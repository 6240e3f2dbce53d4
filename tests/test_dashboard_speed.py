"""The dashboard's reads at size: team now is one pass over the open chats, read from the
covering index of open chats by assignee; rebuilding the report counts leaves PostgreSQL
fresh statistics of them."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text

from tests.chat_helpers import make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import report_counts
from webapp.services import report_counts as counting
from webapp.services.team import team_overview


def test_team_now_is_one_query_with_the_oldest_wait(app, make_user, count_queries):
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima")
    now = utcnow()
    make_chat(ana, awaiting_reply=True, awaiting_since=now - timedelta(minutes=40))
    make_chat(ana, awaiting_reply=True, awaiting_since=now - timedelta(minutes=95))
    # Answered, or closed: neither waits.
    make_chat(ana, awaiting_reply=False, last_message_at=now - timedelta(hours=5))
    make_chat(ana, status=ChatStatus.CLOSED, awaiting_since=now - timedelta(hours=9))
    make_chat(bruno, awaiting_reply=False)
    db.session.remove()
    with count_queries() as counted:
        rows = {member.name: member for member in team_overview(now, active_only=True)}
    # (Beside the settings row: one statement reads the team and their open chats.)
    reads = [s for s in counted.statements if "FROM users" in s or "FROM chats" in s]
    assert len(reads) == 1, reads
    assert rows["Ana Souza"].oldest_wait_since == now - timedelta(minutes=95)
    assert rows["Ana Souza"].open_chats == 3
    assert rows["Ana Souza"].last_seen_at is not None
    assert rows["Bruno Lima"].oldest_wait_since is None


def _plan_of_team_counts() -> str:
    """PostgreSQL's plan for the team overview's grouped count of open chats."""
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        team_overview(utcnow(), active_only=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    statement, parameters = next(item for item in sent if "FROM chats" in item[0])
    cursor = db.session.connection().connection.cursor()
    # (A test table is tiny: without these the planner rightly reads it whole.)
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("SET LOCAL enable_bitmapscan = off")
    cursor.execute("EXPLAIN " + statement, parameters)
    plan = " ".join(str(row) for row in cursor.fetchall())
    db.session.rollback()
    return plan


def test_the_team_counts_read_only_the_covering_index_of_open_chats(app, make_user):
    # Every column the count reads is in the partial index: with a history of a million
    # closed chats beside them, the open ones are read in assignee order, not one heap page
    # each in window order.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads the open chats by ix_chats_status_activity (status = ?): "
                    "it takes a partial index only for a literal status")
    ana = make_user(name="Ana Souza", online=True)
    for _ in range(3):
        make_chat(ana)
    make_chat(ana, status=ChatStatus.CLOSED)
    plan = _plan_of_team_counts()
    assert "Index Only Scan using ix_chats_open_assignee" in plan, plan


def test_rebuilding_the_counts_leaves_postgresql_their_statistics(app, make_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statistics are PostgreSQL's (SQLite plans this query without them)")
    ana = make_user(name="Ana Souza")
    for _ in range(4):
        make_chat(ana)
    counting.rebuild()
    db.session.commit()
    rows = db.session.scalar(select(func.count()).select_from(report_counts))
    estimated = db.session.scalar(text(
        "SELECT reltuples FROM pg_class WHERE relname = 'report_counts'"))
    assert rows > 0 and estimated == rows
