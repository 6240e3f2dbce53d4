"""Searching leads: no case, no accents, numbers however typed; kept in step and indexed."""
import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests.chat_helpers import make_chat
from tests.conftest import _test_config
from tests.routing_helpers import message
from webapp import create_app
from webapp.domain.search import digits, folded, search_text
from webapp.extensions import db
from webapp.models import Lead


def test_folding_drops_case_accents_and_extra_spaces():
    assert folded("  João   DA Conceição ") == "joao da conceicao"
    assert digits("+55 (11) 98765-4321") == "5511987654321"
    assert search_text("Ênio", "5511987654321") == "enio 5511987654321"
    assert search_text("", None) == ""


def test_a_lead_is_searchable_by_what_it_is_called_now(app, make_user):
    make_user(online=True)
    chat = message("5511987654321", name="João")
    assert chat.lead.search_text == "joao 5511987654321"
    message("5511987654321", name="João Pedro")  # a new profile name
    db.session.expire_all()
    assert db.session.get(Lead, chat.lead_id).search_text == "joao pedro 5511987654321"


def found(client, query: str) -> bool:
    """Whether the managers' chat list shows Joana's chat for this search."""
    html = client.get("/telephony/chats", query_string={"q": query}).get_data(as_text=True)
    return "Joana Conceição" in html


@pytest.mark.parametrize("query", ["joana", "JOANA", "conceicao", "CONCEIÇÃO", "joana conc",
                                   "5511987654321", "+55 11 98765-4321", "(11) 98765 4321",
                                   "98765-4321"])
def test_the_chat_list_finds_a_lead_whatever_the_case_accents_or_number_format(
        client, auth, manager, pre_seller, query):
    make_chat(pre_seller, name="Joana Conceição", wa_id="5511987654321")
    make_chat(pre_seller, name="Bruna Lima", wa_id="5521912345678")
    auth.login(manager)
    assert found(client, query)


@pytest.mark.parametrize("query", ["joanna", "5521", "lima"])
def test_the_chat_list_leaves_out_leads_that_do_not_match(client, auth, manager, pre_seller,
                                                          query):
    make_chat(pre_seller, name="Joana Conceição", wa_id="5511987654321")
    auth.login(manager)
    assert not found(client, query)


def test_numbers_are_shown_in_international_format(client, auth, manager, pre_seller):
    make_chat(pre_seller, name="Joana", wa_id="5511987654321")
    auth.login(manager)
    assert "+55 11 98765-4321" in client.get("/telephony/chats").get_data(as_text=True)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the trigram index is PostgreSQL's")
def test_postgresql_answers_a_search_from_the_trigram_index(app):
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = db.session.execute(text(
        "EXPLAIN SELECT id FROM leads WHERE search_text LIKE '%joao%'")).scalars().all()
    db.session.rollback()
    assert any("ix_leads_search_text" in line for line in plan), plan


def test_the_migration_makes_every_existing_lead_searchable(fresh_database, tmp_path):
    app = create_app(_test_config(fresh_database, tmp_path))
    with app.app_context():
        upgrade(revision="0010_decision_facts")
        db.session.execute(text("INSERT INTO leads (id, wa_id, name, created_at) VALUES "
                                "(1, '5511987654321', 'João  Conceição', '2026-11-24 10:00'), "
                                "(2, NULL, '', '2026-11-24 10:00')"))
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT search_text FROM leads ORDER BY id")).scalars()
        assert list(rows) == ["joao conceicao 5511987654321", ""]
        db.session.remove()
        db.engine.dispose()
