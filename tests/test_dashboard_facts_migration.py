"""Migration 0013 fills in the dashboard's facts of chats from before, from their routing
decisions and messages."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import _test_config
from webapp import create_app
from webapp.extensions import db


def _insert(sql: str, **params) -> None:
    db.session.execute(text(sql), params)


def test_old_chats_get_their_opening_first_reply_and_wait(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0013_inbox_alerts")
        for user_id, name in ((1, "Ana"), (2, "Maria")):
            _insert("INSERT INTO users (id, email, name, role, password_hash, active, signed_in, "
                    "created_at) VALUES (:id, :email, :name, 'pre-seller', '!', true, false, "
                    "'2026-11-01 00:00')", id=user_id, email=f"{name}@x.test", name=name)
        for chat_id in (1, 2, 3):
            _insert("INSERT INTO leads (id, name, created_at) VALUES (:id, 'Lead', "
                    "'2026-11-24 10:00')", id=chat_id)
            _insert("INSERT INTO chats (id, lead_id, status, opened_at, awaiting_reply, "
                    "unread_count, version, last_message_preview) VALUES (:id, :id, 'open', "
                    "'2026-11-24 10:00', true, 0, 1, '')", id=chat_id)
        decisions = [(1, 1, "distribution", 1, "2026-11-24 10:00"),
                     (2, 1, "manual_transfer", 2, "2026-11-24 11:00"),
                     (3, 2, "unassigned", None, "2026-11-24 10:00"),
                     (4, 2, "waiting_line", 1, "2026-11-24 10:07:30")]
        for number, chat_id, reason, assignee, at in decisions:
            _insert("INSERT INTO routing_decisions (id, chat_id, reason, assignee_id, note, "
                    "created_at) VALUES (:id, :chat, :reason, :to, '', :at)",
                    id=number, chat=chat_id, reason=reason, to=assignee, at=at)
        messages = [(1, "in", "received", None, "2026-11-24 10:00:05"),
                    (1, "in", "received", None, "2026-11-24 10:00:00"),
                    (1, "out", "failed", 1, "2026-11-24 10:01:00"),  # never went out
                    (1, "out", "sent", 1, "2026-11-24 10:02:30"),
                    (1, "out", "read", 2, "2026-11-24 10:05:00")]
        for number, (chat_id, direction, status, sender, at) in enumerate(messages, 1):
            _insert("INSERT INTO messages (id, chat_id, direction, type, body, sent_at, "
                    "created_at, status, sender_id) VALUES (:id, :chat, :direction, 'text', 'x', "
                    ":at, :at, :status, :sender)", id=number, chat=chat_id, direction=direction,
                    at=at, status=status, sender=sender)
        db.session.commit()
        upgrade()
        rows = db.session.execute(text(
            "SELECT opened_reason, opened_assignee_id, first_reply_by_id, "
            "first_response_seconds, waiting_ended_at IS NOT NULL FROM chats ORDER BY id")).all()
        ended = db.session.execute(text("SELECT waiting_ended_at FROM chats WHERE id = 2")).scalar()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [("distribution", 1, 1, 150, False),
                                            ("unassigned", None, None, None, True),
                                            (None, None, None, None, False)]
    assert str(ended).startswith("2026-11-24 10:07:30")


def test_the_downgrade_drops_the_facts_and_keeps_every_message(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0013_inbox_alerts")
        _insert("INSERT INTO leads (id, name, created_at) VALUES (1, 'Lead', '2026-11-24 10:00')")
        _insert("INSERT INTO chats (id, lead_id, status, opened_at, awaiting_reply, unread_count, "
                "version, last_message_preview) VALUES (1, 1, 'open', '2026-11-24 10:00', true, "
                "0, 1, '')")
        _insert("INSERT INTO messages (id, chat_id, direction, type, body, sent_at, created_at, "
                "status) VALUES (1, 1, 'in', 'text', 'x', '2026-11-24 10:00', "
                "'2026-11-24 10:00', 'received')")
        db.session.commit()
        upgrade()
        downgrade(revision="0013_inbox_alerts")
        upgrade()
        kept = db.session.execute(text("SELECT count(*) FROM messages")).scalar()
        first = db.session.execute(text("SELECT first_inbound_at FROM chats")).scalar()
        db.session.remove()
        db.engine.dispose()
    assert kept == 1 and str(first).startswith("2026-11-24 10:00")
