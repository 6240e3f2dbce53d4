"""Telephony → Chats (WhatsApp): filters, search, pages, live rows, transfers, speed."""
import json
import re
from datetime import timedelta
from html import unescape

import pytest

from tests.chat_helpers import bulk_chats, make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import MANAGER, Chat, Lead, RoutingDecision


def _leads(html: str) -> list[str]:
    return [unescape(name) for name in re.findall(r'class="lead-link">([^<]+)</a>', html)]


def _version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


@pytest.fixture
def team(make_user, make_group, manager):
    """Two pre-sellers, A online, B offline, in two groups."""
    ana = make_user(name="Ana Souza", email="ana@example.test", online=True)
    bruno = make_user(name="Bruno Lima", email="bruno@example.test")
    north, south = make_group("North", [ana]), make_group("South", [bruno])
    return {"ana": ana, "bruno": bruno, "north": north, "south": south, "manager": manager}


def test_the_list_shows_open_chats_with_everything_a_manager_needs(client, auth, team):
    now = utcnow()
    make_chat(team["ana"], name="Carla", group=team["north"], preview="Quanto custa?",
              last_message_at=now - timedelta(minutes=2))
    make_chat(None, name="Diego", last_message_at=now - timedelta(minutes=1))
    make_chat(team["bruno"], name="Old expired", status=ChatStatus.EXPIRED)
    auth.login(team["manager"])

    html = client.get("/telephony/chats").get_data(as_text=True)

    assert _leads(html) == ["Carla", "Diego"]  # awaiting a reply, longest waiting first
    row = html[html.index("Carla"):]
    assert 'class="dot online"' in row and "Ana Souza" in row and "North" in row
    assert "Quanto custa?" in row and " left" in row and "Awaiting reply" in row
    assert "Waiting 2 min" in row
    assert 'aria-label="Transfer the chat with Carla"' in html
    assert "Unassigned" in html


@pytest.mark.parametrize("query, expected", [
    ("view=unassigned", ["Nobody"]),
    ("view=awaiting", ["Nobody", "Waiting"]),
    ("view=expired", ["Gone"]),
    ("view=closed", ["Finished"]),
    ("assignee={bruno}", ["Bruno's"]),
    ("group={north}", ["Waiting"]),
    ("q=wait", ["Waiting"]),
    ("q=55 11 777", ["Bruno's"]),
    ("view=all&q=n", ["Waiting", "Nobody", "Bruno's", "Gone", "Finished"]),
])
def test_filters_and_search(client, auth, team, query, expected):
    now = utcnow()
    make_chat(team["ana"], name="Waiting", group=team["north"], last_message_at=now)
    make_chat(None, name="Nobody", last_message_at=now - timedelta(minutes=1))
    make_chat(team["bruno"], name="Bruno's", wa_id="5511777000", awaiting_reply=False,
              last_message_at=now - timedelta(minutes=2))
    make_chat(team["ana"], name="Gone", status=ChatStatus.EXPIRED,
              last_message_at=now - timedelta(hours=30))
    make_chat(team["ana"], name="Finished", status=ChatStatus.CLOSED,
              last_message_at=now - timedelta(hours=40))
    auth.login(team["manager"])
    query = query.format(bruno=team["bruno"].id, north=team["north"].id)

    assert _leads(client.get(f"/telephony/chats?{query}").get_data(as_text=True)) == expected
    partial = client.get(f"/telephony/chats/rows?{query}", headers={"HX-Request": "true"})
    assert _leads(partial.get_data(as_text=True)) == expected
    assert partial.headers["HX-Push-Url"].startswith("/telephony/chats")


def test_an_empty_filter_says_so_and_offers_a_way_back(client, auth, team):
    auth.login(team["manager"])
    html = client.get("/telephony/chats?q=nobody-like-this").get_data(as_text=True)
    assert "No chats match these filters." in html and "Show all open chats" in html
    assert "No open chats right now." in client.get("/telephony/chats").get_data(as_text=True)


def test_damaged_filters_fall_back_instead_of_failing(client, auth, team):
    auth.login(team["manager"])
    for query in ("view=bogus", "assignee=abc", "group=-1", "before=nonsense", "after=x_y"):
        assert client.get(f"/telephony/chats?{query}").status_code == 200


def test_pages_go_older_and_back_newer_by_keyset(client, auth, team):
    bulk_chats(120, [team["ana"]])
    auth.login(team["manager"])

    first = client.get("/telephony/chats").get_data(as_text=True)
    older = re.search(r'href="(/telephony/chats\?before=[^"]+)"', first).group(1)
    second = client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    oldest = re.search(r'href="(/telephony/chats\?before=[^"]+)"', second).group(1)
    third = client.get(oldest.replace("&amp;", "&")).get_data(as_text=True)
    newer = re.search(r'href="(/telephony/chats\?after=[^"]+)"', third).group(1)
    back = client.get(newer.replace("&amp;", "&")).get_data(as_text=True)

    pages = [_leads(first), _leads(second), _leads(third)]
    assert [len(p) for p in pages] == [50, 50, 20]
    assert len(set(sum(pages, []))) == 120
    assert "Older →" not in third
    assert _leads(back) == pages[1]


def test_polling_the_list_answers_204_until_it_changes(client, auth, team):
    chat = make_chat(team["ana"], name="Carla")
    auth.login(team["manager"])
    html = client.get("/telephony/chats").get_data(as_text=True)
    poll = re.search(r'hx-get="(/telephony/chats/rows\?fp=[^"]+)"', html).group(1)
    poll = poll.replace("&amp;", "&")

    assert client.get(poll).status_code == 204

    chat.unread_count = 4
    db.session.commit()
    changed = client.get(poll)
    assert changed.status_code == 200 and "HX-Push-Url" not in changed.headers


def test_the_transfer_dialog_lists_active_pre_sellers_with_presence(client, auth, team,
                                                                   make_user):
    make_user(name="Gone Away", active=False)
    chat = make_chat(team["ana"], name="Carla")
    auth.login(team["manager"])

    html = client.get(f"/chats/{chat.id}/transfer?from=list").get_data(as_text=True)

    assert "<dialog" not in html and 'name="version" value="1"' in html
    assert "Ana Souza" in html and "Bruno Lima" in html and "Gone Away" not in html
    assert "has it now" in html
    assert f'hx-post="/telephony/chats/{chat.id}/transfer"' in html
    assert f'hx-target="#chat-row-{chat.id}"' in html
    assert '<label for="transfer-note">' in html


def test_a_transfer_from_the_list_answers_with_the_updated_row(client, auth, team):
    chat = make_chat(team["ana"], name="Carla")
    auth.login(team["manager"])

    response = client.post(f"/telephony/chats/{chat.id}/transfer",
                           data={"to": f"user:{team['bruno'].id}", "version": 1,
                                 "note": "Bruno knows this client"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="chat-row-{chat.id}"') and "Bruno Lima" in html
    trigger = json.loads(response.headers["HX-Trigger"])["chatTransferred"]
    assert "Bruno Lima" in trigger["message"]
    db.session.expire_all()
    moved = db.session.get(Chat, chat.id)
    assert moved.assignee_id == team["bruno"].id
    assert db.session.get(Lead, moved.lead_id).owner_id == team["bruno"].id
    decision = db.session.scalars(db.select(RoutingDecision)).one()
    assert (decision.from_assignee_id, decision.assignee_id, decision.actor_id,
            decision.note) == (team["ana"].id, team["bruno"].id, team["manager"].id,
                               "Bruno knows this client")


def test_a_transfer_from_the_conversation_answers_with_the_header(client, auth, team):
    chat = make_chat(None, name="Unassigned Eva")
    auth.login(team["manager"])
    response = client.post(f"/chats/{chat.id}/transfer",
                           data={"to": f"user:{team['ana'].id}", "version": 1})
    assert response.status_code == 200
    assert 'id="conv-head"' in response.get_data(as_text=True)
    assert "chatTransferred" in response.headers["HX-Trigger"]


def test_two_managers_race_one_wins_the_other_is_told_who_got_it(client, app, auth, team,
                                                                make_user):
    chat = make_chat(team["ana"], name="Contested")
    second = app.test_client()
    second_manager = make_user(role=MANAGER, name="Marta Second")
    second.post("/login", data={"email": second_manager.email,
                                "password": "correct horse battery"})
    auth.login(team["manager"])
    version_first = _version(client.get(f"/chats/{chat.id}/transfer?from=list").get_data(
        as_text=True))
    version_second = _version(second.get(f"/chats/{chat.id}/transfer?from=list").get_data(
        as_text=True))

    won = client.post(f"/telephony/chats/{chat.id}/transfer",
                      data={"to": f"user:{team['bruno'].id}", "version": version_first})
    lost = second.post(f"/telephony/chats/{chat.id}/transfer",
                       data={"to": f"user:{team['ana'].id}", "version": version_second})

    assert won.status_code == 200
    assert lost.status_code == 422
    assert lost.headers["HX-Retarget"] == "#transfer-dialog-body"
    refusal = lost.get_data(as_text=True)
    assert 'role="alert"' in refusal and "Bruno Lima" in refusal
    assert _version(refusal) == version_first + 1 or "version" not in refusal
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).assignee_id == team["bruno"].id


def test_an_expired_chat_cannot_be_transferred(client, auth, team):
    chat = make_chat(team["ana"], name="Too late", window_left=timedelta(minutes=-1))
    auth.login(team["manager"])
    response = client.post(f"/telephony/chats/{chat.id}/transfer",
                           data={"to": f"user:{team['bruno'].id}", "version": 1})
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).assignee_id == team["ana"].id


def test_a_transfer_without_a_target_is_refused_in_the_dialog(client, auth, team):
    chat = make_chat(team["ana"])
    auth.login(team["manager"])
    response = client.post(f"/telephony/chats/{chat.id}/transfer", data={"version": 1})
    assert response.status_code == 422
    assert "Pick the pre-seller" in response.get_data(as_text=True)


def test_the_chat_list_is_for_managers(client, auth, pre_seller):
    auth.login(pre_seller)
    assert client.get("/telephony/chats").status_code == 403
    assert client.get("/telephony/chats/rows").status_code == 403
    assert client.post("/telephony/chats/1/transfer").status_code == 403


@pytest.mark.parametrize("chats", [10, 1000])
def test_the_list_issues_a_constant_number_of_queries(client, auth, team, count_queries, chats,
                                                     make_user):
    people = [team["ana"], team["bruno"]] + [make_user(online=i % 2 == 0) for i in range(8)]
    bulk_chats(chats, people, group=team["north"])
    auth.login(team["manager"])
    client.get("/telephony/chats")

    with count_queries() as page:
        html = client.get("/telephony/chats").get_data(as_text=True)
    with count_queries() as search:
        client.get(f"/telephony/chats?view=awaiting&q=lead&group={team['north'].id}")

    assert len(_leads(html)) == min(chats, 50)
    # 6 for the page, plus the signed-in session's check every request makes (it replaced
    # the user's load, which the test's long-lived session used to answer from memory).
    assert page.count <= 7, page.statements
    assert search.count <= 7, search.statements


def test_a_chat_past_its_window_offers_no_transfer_and_says_why(client, auth, team):
    chat = make_chat(team["ana"], name="Too late", window_left=timedelta(minutes=-1))
    live = make_chat(team["ana"], name="Still on")
    auth.login(team["manager"])

    rows = client.get("/telephony/chats").get_data(as_text=True)
    assert f'id="transfer-{live.id}"' in rows and f'id="transfer-{chat.id}"' not in rows

    dialog = client.get(f"/chats/{chat.id}/transfer?from=list").get_data(as_text=True)
    assert "response window closed" in dialog and "can no longer be transferred" in dialog
    assert 'name="version"' not in dialog and ">Transfer</button>" not in dialog
