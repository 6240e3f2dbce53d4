"""Migration 0008 reads the English placeholders stored before into facts."""
import importlib.util
import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import _test_config
from tests.test_webhook_payloads import MESSAGES
from tests.words import english
from webapp import create_app
from webapp.extensions import db
from webapp.message_text import line

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "versions" / \
    "0012_message_details.py"
_spec = importlib.util.spec_from_file_location("message_details", MIGRATION)
message_details = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(message_details)
# Every line the webhook stored for our corpus before placeholders were facts.
OLD_LINES = sorted({stored for rows in MESSAGES.values() for _, _, stored in rows
                    if stored.startswith("[") or "[From an ad" in stored})


@pytest.mark.parametrize("old", OLD_LINES)
def test_an_old_placeholder_becomes_facts_that_read_the_same(old):
    details, words = message_details.facts_from_line(old)
    assert english(line, details, words) == old


@pytest.mark.parametrize("typed", ["Olá, tudo bem?", "[urgente] me liga", ""])
def test_text_that_is_no_placeholder_is_left_alone(typed):
    assert message_details.facts_from_line(typed) is None


def test_the_migration_converts_messages_and_previews(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0011_lead_search")
        db.session.execute(text(
            "INSERT INTO leads (id, name, created_at, search_text) VALUES "
            "(1, 'Lia', '2026-11-24 10:00', 'lia')"))
        db.session.execute(text(
            "INSERT INTO chats (id, lead_id, status, opened_at, awaiting_reply, unread_count, "
            "version, last_message_preview) VALUES (1, 1, 'open', '2026-11-24 10:00', true, 0, "
            "1, '[Photo] Foto do carro')"))
        db.session.execute(text(
            "INSERT INTO messages (id, chat_id, direction, type, body, sent_at, created_at, "
            "status) VALUES (1, 1, 'in', 'image', '[Photo] Foto do carro', '2026-11-24 10:00', "
            "'2026-11-24 10:00', 'received'), (2, 1, 'in', 'text', '[urgente] oi', "
            "'2026-11-24 10:01', '2026-11-24 10:01', 'received')"))
        db.session.commit()
        upgrade()
        messages = db.session.execute(text(
            "SELECT details, body FROM messages ORDER BY id")).all()
        preview = db.session.execute(text(
            "SELECT last_message_details, last_message_preview FROM chats")).one()
        db.session.remove()
        db.engine.dispose()

    def facts(value):  # SQLite hands JSON back as text, PostgreSQL as a dict
        return json.loads(value) if isinstance(value, str) else value

    assert [(facts(details), body) for details, body in messages] == [
        ({"label": "photo"}, "Foto do carro"), (None, "[urgente] oi")]
    assert (facts(preview[0]), preview[1]) == ({"label": "photo"}, "Foto do carro")
