"""Migration 0017 fills in the facts the report counts are rebuilt from (seconds waited, expired
unanswered and by whom) and backfills the counts; its downgrade keeps every chat."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import _test_config
from webapp import create_app
from webapp.extensions import db
from webapp.services.report_counts import rebuild


def _insert(sql: str, **params) -> None:
    db.session.execute(text(sql), params)


def _counts() -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT * FROM report_counts ORDER BY grain, start, user_id"))]


def _old_chats() -> None:
    """Ana's chats from before: expired unanswered; expired, answered in time; expired and
    revived by a reply after its window; one that waited 450 s; and a transfer."""
    _insert("INSERT INTO users (id, email, name, role, password_hash, active, signed_in, "
            "created_at) VALUES (1, 'ana@x.test', 'Ana', 'pre-seller', '!', true, false, "
            "'2026-11-01 00:00:00')")
    chats = [(1, "expired", 1, None, None, None),
             (2, "expired", 1, "2026-11-24 10:01:00", 60, None),
             (3, "expired", 1, "2026-11-26 10:00:00", 172800, None),
             (4, "closed", 1, None, None, "2026-11-24 10:07:30")]
    for chat_id, status, holder, replied, seconds, ended in chats:
        _insert("INSERT INTO leads (id, name, created_at) VALUES (:id, 'Lead', "
                "'2026-11-24 10:00:00')", id=chat_id)
        _insert("INSERT INTO chats (id, lead_id, status, assignee_id, opened_at, "
                "window_expires_at, awaiting_reply, unread_count, version, "
                "last_message_preview, opened_reason, opened_assignee_id, first_inbound_at, "
                "first_reply_at, first_reply_by_id, first_response_seconds, waiting_ended_at) "
                "VALUES (:id, :id, :status, :holder, '2026-11-24 10:00:00', "
                "'2026-11-25 10:00:00', true, 0, 1, '', :reason, :got, "
                "'2026-11-24 10:00:00', :replied, :by, :seconds, :ended)",
                id=chat_id, status=status, holder=holder, replied=replied,
                by=holder if replied else None, seconds=seconds, ended=ended,
                reason="unassigned" if ended else "distribution",
                got=None if ended else holder)
    _insert("INSERT INTO users (id, email, name, role, password_hash, active, signed_in, "
            "created_at) VALUES (2, 'bia@x.test', 'Bia', 'pre-seller', '!', true, false, "
            "'2026-11-01 00:00:00')")
    _insert("INSERT INTO routing_decisions (id, chat_id, reason, from_assignee_id, assignee_id, "
            "note, created_at) VALUES (1, 2, 'manual_transfer', 1, 2, '', "
            "'2026-11-24 11:00:00')")


def test_old_chats_get_their_facts_and_the_counts_are_backfilled(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0013_delivery_queue")
        _old_chats()
        db.session.commit()
        upgrade()
        facts = [tuple(row) for row in db.session.execute(text(
            "SELECT expired_unanswered, expired_holder_id, waited_seconds FROM chats "
            "ORDER BY id"))]
        backfilled = _counts()
        expired, transfers_out, waits = db.session.execute(text(
            "SELECT sum(expired), sum(transfers_out), sum(wait_11) FROM report_counts "
            "WHERE grain = 'day'")).one()
        rebuild()
        db.session.commit()
        rebuilt = _counts()
        db.session.remove()
        db.engine.dispose()
    assert [(bool(a), b, c) for a, b, c in facts] == [
        (True, 1, None), (False, 1, None), (True, 1, None), (False, None, 450)]
    # Chats 1 and 3 (its reply came after the window); one transfer; 450 s: ≤ 10 min.
    assert (expired, transfers_out, waits) == (2, 1, 1)
    assert backfilled == rebuilt and len(backfilled) > 3


def test_the_downgrade_drops_the_counts_and_keeps_every_chat(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0013_delivery_queue")
        _old_chats()
        db.session.commit()
        upgrade()
        downgrade(revision="0013_delivery_queue")
        kept = db.session.execute(text("SELECT count(*) FROM chats")).scalar()
        db.session.remove()  # (its read would hold SQLite's lock against the upgrade)
        upgrade()
        again = len(_counts())
        db.session.remove()
        db.engine.dispose()
    assert kept == 4 and again > 3
