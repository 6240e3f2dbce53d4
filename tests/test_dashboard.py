"""Telephony → Dashboard: team now (polled, 204 while unchanged), the banner every manager
page shows when nobody can receive new chats, and the facts routing and replies record."""
import re
from datetime import timedelta
from html import unescape

import pytest
from flask import current_app

from tests.chat_helpers import make_chat
from tests.routing_helpers import busy, configure, message
from webapp.db import utcnow
from webapp.domain.codes import RoutingReason
from webapp.extensions import db
from webapp.models import MANAGER, Chat
from webapp.services.dashboard import nobody_can_take
from webapp.services.replies import record_outcome, save_pending_reply, send
from webapp.services.transfers import transfer_chat
from webapp.services.waiting_line import give_out_waiting


def text(response) -> str:
    """The words of a page or fragment, tags and spacing aside."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def banner(response) -> str:
    """The nobody-can-take-chats banner's words ('' without one)."""
    found = re.search(r"<div class=\"nobody-banner\".*?</div>", response.get_data(as_text=True),
                      re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split()) if found else ""


@pytest.fixture
def maria(make_user):
    """A manager."""
    return make_user(role=MANAGER, name="Maria Manager")


def test_team_now_shows_state_load_last_seen_and_oldest_wait(client, auth, maria, make_user):
    configure(max_open_chats=3)
    ana = make_user(name="Ana Souza", online=True)
    make_user(name="Bruno Lima", online=True, away_since=utcnow())
    make_user(name="Carla Dias", last_seen_at=utcnow() - timedelta(hours=3))
    make_user(name="Gone", active=False)
    busy(ana, 2, minutes_ago=30)
    make_chat(ana, awaiting_reply=True, last_message_at=utcnow() - timedelta(minutes=95),
              awaiting_since=utcnow() - timedelta(minutes=95))
    auth.login(maria)
    page = text(client.get("/telephony/dashboard"))
    # Three open chats of three, all in activity, all awaiting; the oldest for 1 h 35 min.
    assert re.search(r"Ana Souza Available \d+ sec\. ago 3 of 3 open chats 3 3 1 h 35 min", page)
    assert re.search(r"Bruno Lima Away \d+ sec\. ago 0 of 3 open chats 0 0 —", page)
    assert "Carla Dias Offline 3 hr. ago 0 of 3 open chats 0 0 —" in page
    assert "Gone" not in page
    # Ana is full, Bruno away: nobody else can take a new lead.
    assert "If a new lead wrote now, nobody would get it" in page


def test_team_now_polls_with_a_fingerprint_and_204(client, auth, maria, make_user):
    ana = make_user(name="Ana Souza", online=True)
    auth.login(maria)
    first = client.get("/telephony/dashboard/team")
    token = re.search(r"fp=([0-9a-f]+\.\d+)", first.get_data(as_text=True)).group(1)
    assert client.get("/telephony/dashboard/team", query_string={"fp": token}).status_code == 204
    busy(ana, 1)
    changed = client.get("/telephony/dashboard/team", query_string={"fp": token})
    assert changed.status_code == 200 and "1 open chat" in text(changed)


BANNER = "/telephony/banner"
LOADS_THE_BANNER = 'id="nobody-banner" hx-get="/telephony/banner" hx-trigger="load"'


def test_every_manager_page_loads_the_banner(client, auth, maria):
    auth.login(maria)
    for page in ("/telephony/chats", "/telephony/dashboard", "/settings/whatsapp",
                 "/settings/users", "/account"):
        assert LOADS_THE_BANNER in client.get(page).get_data(as_text=True), page


def test_no_banner_while_someone_can_take_a_new_chat(client, auth, maria, make_user):
    make_user(name="Ana Souza", online=True)
    auth.login(maria)
    answer = client.get(BANNER)
    assert answer.status_code == 200 and "data-checked" in answer.get_data(as_text=True)
    assert banner(answer) == ""


def test_the_banner_names_the_alternate_and_whether_they_are_online(client, auth, maria,
                                                                   make_user, make_group):
    ana = make_user(name="Ana Souza")  # offline alternate
    auth.login(maria)
    configure(alternate_recipients=[ana])
    said = banner(client.get(BANNER))
    assert said.startswith("Nobody can receive new chats now.")
    assert "The next lead will go to Ana Souza, an alternate recipient, who is offline" in said
    # Group mode: Bruno is online but in no selected group, and is the only alternate.
    bruno = make_user(name="Bruno Lima", online=True)
    configure(distribution_mode="groups", distribution_groups=[make_group("North")],
              alternate_recipients=[bruno])
    said = banner(client.get(BANNER))
    assert "The next lead will go to Bruno Lima, an alternate recipient, who is online." in said


def test_the_banner_says_the_next_lead_waits_or_stays_unassigned(client, auth, maria):
    auth.login(maria)
    said = banner(client.get(BANNER))
    assert "will wait in the waiting line until a pre-seller can take it" in said
    configure(give_waiting_chats=False)
    said = banner(client.get(BANNER))
    assert "will stay unassigned: answer or transfer it from Telephony → Chats" in said


def test_pre_sellers_never_see_the_banner(client, auth, make_user):
    paula = make_user(name="Paula")
    auth.login(paula)
    assert "nobody-banner" not in client.get("/inbox").get_data(as_text=True)
    assert client.get(BANNER).status_code == 403


def test_the_banner_costs_four_queries_at_most(app, make_user, count_queries):
    """The settings row, its two lists and the people: the routing decision's own reads."""
    ana = make_user(name="Ana Souza")
    configure(alternate_recipients=[ana])
    db.session.remove()
    with count_queries() as counted:
        nobody = nobody_can_take(utcnow())
    assert nobody is not None and nobody.alternate and not nobody.alternate_online
    reads = [s for s in counted.statements if not s.startswith("BEGIN")]
    assert len(reads) <= 4, reads


def test_routing_and_replies_record_the_facts_reports_count(app, make_user, maria):
    ana = make_user(name="Ana Souza", online=True)
    opened = utcnow() - timedelta(minutes=10)
    chat = message("5511911112222", at=opened, now=opened)
    message("5511911112222", at=opened + timedelta(minutes=1), now=opened + timedelta(minutes=1))
    db.session.refresh(chat)
    assert (chat.opened_reason, chat.opened_assignee_id) == (RoutingReason.DISTRIBUTION, ana.id)
    assert chat.first_inbound_at == opened
    for seconds in (125, 300):  # only the first reply counts
        outgoing = save_pending_reply(chat=chat, author=ana, text="Hi!",
                                      now=opened + timedelta(seconds=seconds))
        db.session.commit()
        record_outcome(outgoing, send(outgoing, current_app.config))
        db.session.commit()
    db.session.refresh(chat)
    assert (chat.first_reply_by_id, chat.first_response_seconds) == (ana.id, 125)
    assert chat.first_reply_at == opened + timedelta(seconds=125)


def test_a_waiting_chat_given_out_or_transferred_records_when_its_wait_ended(app, make_user,
                                                                             maria):
    opened = utcnow() - timedelta(minutes=20)
    first = message("5511933334444", at=opened, now=opened)
    second = message("5511955556666", at=opened, now=opened)
    assert first.opened_reason == RoutingReason.UNASSIGNED and first.waiting_ended_at is None
    ana = make_user(name="Ana Souza", online=True, max_open_chats=1)
    now = utcnow()
    given = give_out_waiting(now)
    db.session.commit()
    assert [item.chat_id for item in given] == [first.id]
    transfer_chat(chat_id=second.id, actor=maria, expected_version=None, note="", now=now,
                  to_user_id=ana.id)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Chat, first.id).waiting_ended_at == now
    assert db.session.get(Chat, second.id).waiting_ended_at == now
