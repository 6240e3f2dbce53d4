"""Migration 0005 reads the sentences routing decisions were stored with back into facts."""
import importlib.util
import json
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import _test_config
from tests.words import explained
from webapp import create_app
from webapp.extensions import db

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "versions" / \
    "0010_decision_facts.py"
_spec = importlib.util.spec_from_file_location("decision_facts", MIGRATION)
decision_facts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(decision_facts)

# Sentences the routing code wrote before facts were kept, by reason.
OLD_SENTENCES = [
    ("distribution", "3 online pre-sellers eligible; Ana had the fewest chats in activity (1)."),
    ("distribution", "1 online pre-seller eligible: Ana."),
    ("distribution", "2 online pre-sellers eligible; Bruno and Ana tied at 1 chat in activity; "
                     "Bruno was never given a new chat."),
    ("distribution", "5 online pre-sellers eligible; Ana, Bruno and 3 others tied at 0 chats in "
                     "activity and were never given a new chat; Ana has the lowest user id."),
    ("group", "2 online pre-sellers in Sales, Support eligible; Bruno had the fewest chats in "
              "activity (1); delivered through Sales."),
    ("alternate", "No online pre-seller is available; 2 alternate recipients, none online; "
                  "Bruno gets it while offline; Bruno had the fewest chats in activity (0)."),
    ("alternate", "No online pre-seller in Sales is available; 1 alternate recipient, 1 online: "
                  "Bruno."),
    ("alternate", "No online pre-seller is available; 1 alternate recipient, none online; Ana "
                  "gets it while offline."),
    ("unassigned", "No online pre-seller is available and there is no active alternate "
                   "recipient; the chat waits for a manager."),
    ("unassigned", "No group is selected for distribution and there is no active alternate "
                   "recipient; the chat waits for a manager."),
    ("owner", "Returning lead: back to its owner Ana (online)."),
    ("owner", "Returning lead: back to its owner Ana (offline)."),
    ("owner", "Returning lead; its owner Ana is offline and nobody in Support is online, so Ana "
              "keeps it."),
    ("offline_parent_transfer", "Returning lead; its owner Ana is offline; offline parent chat "
                                "transfer to Support: 2 online members of Support eligible; "
                                "Carla had the fewest chats in activity (1)."),
    ("offline_parent_transfer", "Ana Alves went offline while the lead awaited a reply; offline "
                                "parent chat transfer to Night Shift: 1 online member of Night "
                                "Shift eligible: Bruno Lima."),
    ("distribution", "Owner Ana can no longer receive chats, so new-lead rules apply. 1 online "
                     "pre-seller eligible: Bruno."),
    ("distribution", "The lead's owner can no longer receive chats, so new-lead rules apply. "
                     "1 online pre-seller eligible: Bruno."),
    ("manual_transfer", "Maria Manager transferred the chat from Ana Alves to Bruno Lima."),
    ("manual_transfer", "Maria Manager transferred the chat from the unassigned chats to Bruno "
                        "Lima."),
]


class Stored:
    """What explained() reads: a decision's facts."""

    def __init__(self, facts):
        self.facts = facts


@pytest.mark.parametrize("reason, sentence", OLD_SENTENCES)
def test_an_old_sentence_becomes_facts_that_say_the_same(reason, sentence):
    facts = decision_facts.facts_from_detail(reason, sentence)
    assert facts is not None
    assert explained(Stored(facts)) == sentence


def test_times_in_old_sentences_become_utc_facts():
    facts = decision_facts.facts_from_detail(
        "distribution", "2 online pre-sellers eligible; Bruno and Ana tied at 0 chats in "
        "activity; Bruno was given a new chat least recently (2026-11-24 11:30 UTC).")
    assert facts["pick"]["tie"] == {"step": "least_recent", "chats": 0, "tied": ["Bruno", "Ana"],
                                    "tied_count": 2,
                                    "last_assigned_at": "2026-11-24T11:30:00+00:00"}


@pytest.mark.parametrize("reason, sentence", [
    ("distribution", "Fewest chats in activity"), ("manual_transfer", "moved by hand"),
    ("owner", ""), ("something_else", "Returning lead: back to its owner Ana (online).")])
def test_what_cannot_be_read_is_left_as_it_was(reason, sentence):
    assert decision_facts.facts_from_detail(reason, sentence) is None


def test_the_migration_converts_stored_rows_and_keeps_the_rest(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0009_user_locale")
        db.session.execute(text(
            "INSERT INTO leads (id, name, created_at) VALUES (1, 'Lucia', '2026-11-24 10:00')"))
        db.session.execute(text(
            "INSERT INTO chats (id, lead_id, status, opened_at, awaiting_reply, unread_count, "
            "version, last_message_preview) VALUES (1, 1, 'open', '2026-11-24 10:00', true, 0, "
            "1, '')"))
        for number, (reason, detail) in enumerate(
                [OLD_SENTENCES[0], ("distribution", "Fewest chats in activity")], 1):
            db.session.execute(text(
                "INSERT INTO routing_decisions (id, chat_id, reason, detail, note, created_at) "
                "VALUES (:id, 1, :reason, :detail, '', '2026-11-24 10:00')"),
                {"id": number, "reason": reason, "detail": detail})
        db.session.commit()
        upgrade()
        rows = db.session.execute(text(
            "SELECT facts, legacy_detail FROM routing_decisions ORDER BY id")).all()
        db.session.remove()
        db.engine.dispose()
    converted, kept = rows
    # SQLite hands JSON back as text, PostgreSQL as a dict.
    facts = converted[0] if isinstance(converted[0], dict) else json.loads(converted[0])
    assert facts["case"] == "distribution" and converted[1] is None
    assert explained(Stored(facts)) == OLD_SENTENCES[0][1]
    assert kept == (None, "Fewest chats in activity")
