"""GET /api/team, and the chats' waiting fields in the read API."""
from datetime import timedelta

from tests.chat_helpers import make_chat
from tests.routing_helpers import busy, configure
from webapp.db import utcnow


def test_the_team_lists_every_pre_seller_with_state_and_load(client, auth, manager, make_user):
    configure(max_open_chats=5)
    ana = make_user(name="Ana Souza", online=True)
    bruno = make_user(name="Bruno Lima", online=True, away_since=utcnow(), max_open_chats=2)
    make_user(name="Carla Dias")
    busy(ana, 2, minutes_ago=10)
    busy(bruno, 1, minutes_ago=300)
    make_chat(ana, awaiting_reply=False)
    auth.login(manager)
    body = client.get("/api/team").get_json()
    assert [(m["name"], m["state"], m["open_chats"], m["limit"], m["chats_in_activity"],
             m["awaiting_reply"]) for m in body["team"]] == [
        ("Ana Souza", "available", 3, 5, 3, 2),
        ("Bruno Lima", "away", 1, 2, 0, 1),
        ("Carla Dias", "offline", 0, 5, 0, 0)]
    assert body["team"][0]["email"] == ana.email and body["team"][0]["active"] is True


def test_the_team_is_for_managers_only(client, auth, make_user):
    assert client.get("/api/team").status_code == 401
    auth.login(make_user())
    assert client.get("/api/team").status_code == 403


def test_chats_say_whether_and_since_when_they_wait(client, auth, manager, make_user):
    opened = utcnow() - timedelta(minutes=7)
    waiting = make_chat(None, last_message_at=opened)
    given = make_chat(make_user())
    auth.login(manager)
    chats = {c["id"]: c for c in client.get("/api/chats").get_json()["chats"]}
    assert chats[waiting.id]["waiting"] is True
    assert chats[waiting.id]["waiting_since"] == opened.isoformat().replace("+00:00", "Z")
    assert (chats[given.id]["waiting"], chats[given.id]["waiting_since"]) == (False, None)
    one = client.get(f"/api/chats/{waiting.id}").get_json()
    assert one["waiting"] is True and one["overdue_since"] is None
