"""Transfers to a group and bulk transfers: the dialogs, the service, and a bulk transfer
racing a single one (real threads; PostgreSQL too)."""
import json
from datetime import timedelta

import pytest

from tests.chat_helpers import make_chat
from tests.routing_helpers import at_once, busy, configure, decisions
from tests.words import explained
from webapp.db import utcnow
from webapp.domain.codes import RoutingReason
from webapp.extensions import db
from webapp.models import Chat, User
from webapp.services.transfers import TransferError, bulk_transfer, transfer_chat


@pytest.fixture
def team(make_user, make_group, manager):
    """Ana (online), Bruno (online, busier), Carla (offline) in Sales; Davi alone in Night."""
    people = {"ana": make_user(name="Ana Souza", online=True),
              "bruno": make_user(name="Bruno Lima", online=True),
              "carla": make_user(name="Carla Dias"),
              "davi": make_user(name="Davi Reis", online=True)}
    busy(people["bruno"], 1, minutes_ago=5)
    people["sales"] = make_group("Sales", [people["ana"], people["bruno"], people["carla"]])
    people["night"] = make_group("Night", [people["davi"]])
    people["manager"] = manager
    return people


def test_a_transfer_to_a_group_goes_to_its_least_busy_available_member(client, auth, team):
    chat = make_chat(team["davi"], name="Lucia")
    auth.login(team["manager"])
    response = client.post(f"/telephony/chats/{chat.id}/transfer",
                           data={"to": f"group:{team['sales'].id}", "version": 1,
                                 "note": "Sales lead"})
    assert response.status_code == 200
    db.session.expire_all()
    moved = db.session.get(Chat, chat.id)
    assert (moved.assignee_id, moved.group_id, moved.lead.owner_id) == \
        (team["ana"].id, team["sales"].id, team["ana"].id)
    decision = decisions(chat.id)[-1]
    assert (decision.reason, decision.actor_id, decision.group_id, decision.note) == \
        (RoutingReason.MANUAL_TRANSFER, team["manager"].id, team["sales"].id, "Sales lead")
    assert explained(decision).startswith("Maria Manager transferred the chat from Davi Reis to "
                                      "Sales: 2 online members of Sales eligible; Ana Souza had")


def test_a_transfer_to_a_group_nobody_can_take_is_refused_with_a_clear_message(client, auth,
                                                                              team):
    configure(max_open_chats=1)
    chat = make_chat(team["ana"], name="Lucia")
    auth.login(team["manager"])
    response = client.post(f"/telephony/chats/{chat.id}/transfer",
                           data={"to": f"group:{team['sales'].id}", "version": 1})
    # Ana has it, Bruno is at his limit, Carla is offline.
    assert response.status_code == 422
    assert ("Nobody in Sales can take this chat now: no other member is available with room "
            "for another chat.") in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).assignee_id == team["ana"].id


def test_the_dialog_shows_presence_counts_of_limits_and_groups(client, auth, team):
    configure(max_open_chats=8)
    busy(team["bruno"], 7)
    team["ana"].away_since = utcnow()
    db.session.commit()
    chat = make_chat(team["davi"], name="Lucia")
    auth.login(team["manager"])
    html = client.get(f"/chats/{chat.id}/transfer?from=list").get_data(as_text=True)
    assert "Bruno Lima · 8 of 8 open chats" in html and "at their limit" in html
    assert "Ana Souza · 0 of 8 open chats" in html and "· away" in html
    assert "Carla Dias · 0 of 8 open chats" in html and "· offline" in html
    assert f'value="group:{team["sales"].id}"' in html
    assert "0 of 3 members available with room" in html  # Ana away, Bruno full, Carla offline
    # Available first, then Away, then offline; by name within each.
    assert html.index("Bruno Lima ·") < html.index("Davi Reis ·") < html.index("Ana Souza ·") \
        < html.index("Carla Dias ·")


def test_a_bulk_transfer_moves_each_chat_it_can_and_says_why_for_the_others(client, auth,
                                                                           team):
    moving, stale, done = (make_chat(team["davi"], name=name)
                           for name in ("Lucia", "Marco", "Nina"))
    make_chat_closed = db.session.get(Chat, done.id)
    make_chat_closed.status = "closed"
    db.session.commit()
    auth.login(team["manager"])
    dialog = client.get(f"/telephony/chats/transfer?chat={moving.id}:1&chat={stale.id}:1"
                        f"&chat={done.id}:1").get_data(as_text=True)
    assert "Transfer 3 chats" in dialog and "Lucia" in dialog and "Nina" in dialog
    transfer_chat(chat_id=stale.id, to_user_id=team["ana"].id, actor=team["manager"],
                  expected_version=1, note="", now=utcnow())  # while the dialog is open
    db.session.commit()
    response = client.post("/telephony/chats/transfer", data={
        "chat": [f"{moving.id}:1", f"{stale.id}:1", f"{done.id}:1"],
        "to": f"user:{team['carla'].id}", "note": "Carla covers these"})
    assert response.status_code == 200
    summary = response.get_data(as_text=True)
    assert "1 chat transferred, 2 refused" in summary
    assert "Lucia → Carla Dias" in summary
    assert "Marco</strong>: Maria Manager transferred this chat to Ana Souza at" in summary
    assert "Nina</strong>: This chat was closed; it can no longer be transferred." in summary
    trigger = json.loads(response.headers["HX-Trigger"])["chatsTransferred"]
    assert trigger["message"] == "1 chat transferred, 2 refused."
    db.session.expire_all()
    assert [db.session.get(Chat, c.id).assignee_id for c in (moving, stale, done)] == \
        [team["carla"].id, team["ana"].id, team["davi"].id]
    assert decisions(moving.id)[-1].note == "Carla covers these"


def test_a_bulk_transfer_to_a_group_spreads_the_chats_one_after_another(team):
    chats = [make_chat(team["davi"], name=f"Lead {n}") for n in range(3)]
    result = bulk_transfer(chats=[(chat.id, 1) for chat in chats], actor=team["manager"],
                           note="", now=utcnow(), to_group_id=team["sales"].id)
    db.session.commit()
    # Ana (0), then Ana and Bruno tie at 1 and Bruno was never given a chat, then Ana.
    assert [chat.assignee_id for chat in result.moved] == \
        [team["ana"].id, team["bruno"].id, team["ana"].id]
    assert result.refused == []


def test_a_bulk_transfer_needs_ticked_chats_and_one_recipient(client, auth, team):
    auth.login(team["manager"])
    assert "Tick the chats to transfer in the list first" in client.get(
        "/telephony/chats/transfer").get_data(as_text=True)
    chat = make_chat(team["davi"])
    for data, words in (({"to": f"user:{team['ana'].id}"}, "Tick the chats to transfer first"),
                        ({"chat": f"{chat.id}:1", "to": "everyone"}, "Pick the pre-seller or"),
                        ({"chat": "x:1", "to": f"user:{team['ana'].id}"}, "Reload the list")):
        response = client.post("/telephony/chats/transfer", data=data)
        assert response.status_code == 422 and words in response.get_data(as_text=True)
    with pytest.raises(TransferError, match="Pick an active pre-seller"):
        bulk_transfer(chats=[(chat.id, 1)], actor=team["manager"], note="", now=utcnow(),
                      to_user_id=team["manager"].id)


def test_the_chat_list_offers_ticks_and_the_bulk_dialog(client, auth, team):
    chat = make_chat(None, name="Waiting Wanda", last_message_at=utcnow() - timedelta(minutes=12))
    auth.login(team["manager"])
    html = client.get("/telephony/chats").get_data(as_text=True)
    assert f'value="{chat.id}:1" data-bulk-pick' in html and "data-bulk-all" in html
    assert "Transfer selected chats…" in html
    assert "Waiting 12 min" in html


def test_a_bulk_transfer_racing_a_single_transfer_moves_each_chat_once(app, team):
    first, second = make_chat(team["davi"]).id, make_chat(team["davi"]).id
    ids = {name: team[name].id for name in ("ana", "carla", "manager")}

    def bulk():
        return bulk_transfer(chats=[(first, 1), (second, 1)], note="", now=utcnow(),
                             actor=db.session.get(User, ids["manager"]),
                             to_user_id=ids["carla"])

    def single():
        return transfer_chat(chat_id=first, to_user_id=ids["ana"], expected_version=1,
                             note="", now=utcnow(), actor=db.session.get(User, ids["manager"]))

    results = at_once(app, [bulk, single])
    contested = db.session.get(Chat, first)
    assert len(decisions(first)) == 1 and contested.version == 2
    assert db.session.get(Chat, second).assignee_id == ids["carla"]
    if contested.assignee_id == ids["ana"]:  # the single transfer won: the bulk refused it
        assert results[1] == first
        assert "transferred this chat to Ana Souza" in results[0].refused[0].reason
    else:  # the bulk won: the single transfer was told
        assert contested.assignee_id == ids["carla"]
        assert isinstance(results[1], TransferError)
