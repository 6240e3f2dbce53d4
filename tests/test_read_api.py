"""The read API: who may read, filters, pages, JSON errors, and the token CLI."""
import hashlib
import re
from datetime import timedelta

import pytest

from tests.chat_helpers import add_decision, add_message, bulk_chats, make_chat
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import MANAGER, ApiToken

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def token(runner, manager):
    """A bearer token made by the CLI, as an operator would."""
    result = runner.invoke(args=["create-api-token", manager.email])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def bearer(token: str) -> dict:
    """The header that authenticates with a token."""
    return {"Authorization": f"Bearer {token}"}


def test_the_cli_prints_the_token_alone_on_the_last_line_and_stores_its_hash(runner, manager):
    result = runner.invoke(args=["create-api-token", "MANAGER@example.test "])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", token)
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert stored.user_id == manager.id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash


@pytest.mark.parametrize("who, message", [
    ("nobody@example.test", "No user"),
    ("paula@example.test", "for managers"),
])
def test_the_cli_refuses_unknown_people_and_pre_sellers(runner, pre_seller, who, message):
    result = runner.invoke(args=["create-api-token", who])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(db.select(db.func.count(ApiToken.id))) == 0


def test_anonymous_and_bad_tokens_get_401_json(client, token):
    for headers in ({}, bearer("not-a-token"), {"Authorization": f"Basic {token}"}):
        response = client.get("/api/chats", headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.json["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_managers_token_stops_working(client, token, manager):
    manager.active = False
    db.session.commit()
    assert client.get("/api/chats", headers=bearer(token)).status_code == 401


def test_pre_sellers_get_403_json(client, auth, pre_seller):
    auth.login(pre_seller)
    response = client.get("/api/chats")
    assert response.status_code == 403 and response.json == {"error": "the API is for managers"}


def test_a_manager_reads_by_session_or_by_token(client, auth, token, manager, pre_seller):
    make_chat(pre_seller, name="Carla")
    assert client.get("/api/chats", headers=bearer(token)).json["chats"][0]["lead"]["name"] == \
        "Carla"
    auth.login(manager)
    assert client.get("/api/chats").status_code == 200


def test_each_chat_carries_lead_assignee_group_reason_and_utc_times(client, token, pre_seller,
                                                                    make_group):
    group = make_group("North", [pre_seller])
    chat = make_chat(pre_seller, name="Carla", wa_id="5511999", group=group)
    add_decision(chat, "distribution", assignee=pre_seller)
    add_decision(chat, "group", assignee=pre_seller, group=group)

    body = client.get("/api/chats", headers=bearer(token)).json["chats"][0]

    assert body["id"] == chat.id and body["status"] == "open" and body["reason"] == "group"
    assert body["lead"] == {"id": chat.lead_id, "name": "Carla", "wa_id": "5511999",
                            "user_id": None}
    assert body["assignee"] == {"id": pre_seller.id, "email": pre_seller.email,
                                "name": pre_seller.name}
    assert body["group"] == {"id": group.id, "name": "North"}
    assert ISO_UTC.match(body["last_inbound_at"]) and ISO_UTC.match(body["window_expires_at"])


def test_filters_status_assignee_and_unassigned(client, token, pre_seller, make_user):
    other = make_user(email="other@example.test")
    mine = make_chat(pre_seller)
    theirs = make_chat(other)
    nobodys = make_chat(None)
    closed = make_chat(pre_seller, status=ChatStatus.CLOSED)

    def ids(query):
        response = client.get(f"/api/chats?{query}", headers=bearer(token))
        assert response.status_code == 200, response.json
        return {chat["id"] for chat in response.json["chats"]}

    assert ids("") == {mine.id, theirs.id, nobodys.id, closed.id}
    assert ids("status=open") == {mine.id, theirs.id, nobodys.id}
    assert ids("status=closed") == {closed.id}
    assert ids("assignee=PAULA@example.test") == {mine.id, closed.id}
    assert ids("assignee=paula@example.test&status=open") == {mine.id}
    assert ids("unassigned=1") == {nobodys.id}
    assert ids("assignee=nobody@example.test") == set()


@pytest.mark.parametrize("query", ["status=bogus", "page=0", "page=x", "per_page=101",
                                   "per_page=0", "unassigned=1&assignee=a@b.c"])
def test_bad_arguments_get_400_json(client, token, query):
    response = client.get(f"/api/chats?{query}", headers=bearer(token))
    assert response.status_code == 400 and response.is_json and response.json["error"]


def test_pages_carry_the_next_page(client, token, pre_seller):
    bulk_chats(7, [pre_seller])
    first = client.get("/api/chats?per_page=3", headers=bearer(token)).json
    assert (len(first["chats"]), first["page"], first["has_next"], first["next_page"]) == \
        (3, 1, True, 2)
    assert "page=2" in first["next_url"] and "per_page=3" in first["next_url"]
    last = client.get("/api/chats?per_page=3&page=3", headers=bearer(token)).json
    assert (len(last["chats"]), last["has_next"], last["next_page"], last["next_url"]) == \
        (1, False, None, None)
    seen = {c["id"] for p in (1, 2, 3) for c in client.get(
        f"/api/chats?per_page=3&page={p}", headers=bearer(token)).json["chats"]}
    assert len(seen) == 7


def test_one_chat_with_messages_and_history(client, token, manager, pre_seller):
    chat = make_chat(pre_seller)
    add_message(chat, "second", direction=Direction.OUTBOUND, sender=pre_seller, status="delivered")
    add_message(chat, "first", sent_at=chat.opened_at - timedelta(seconds=1))
    add_decision(chat, "distribution", assignee=pre_seller)
    add_decision(chat, "manual_transfer", from_assignee=pre_seller, assignee=pre_seller,
                 actor=manager, note="back to Paula")

    body = client.get(f"/api/chats/{chat.id}", headers=bearer(token)).json

    assert [m["body"] for m in body["messages"]] == ["first", "second"]
    assert body["messages"][1]["sender"]["email"] == pre_seller.email
    assert body["messages"][1]["status"] == "delivered"
    assert all(ISO_UTC.match(m["sent_at"]) for m in body["messages"])
    assert [d["reason"] for d in body["history"]] == ["distribution", "manual_transfer"]
    assert body["history"][0]["actor"] is None
    assert body["history"][1]["actor"]["email"] == manager.email
    assert body["history"][1]["note"] == "back to Paula" and body["reason"] == "manual_transfer"


def test_a_missing_chat_is_404_json(client, token):
    response = client.get("/api/chats/424242", headers=bearer(token))
    assert response.status_code == 404 and response.is_json and response.json["error"]


def test_a_pre_seller_cannot_read_even_their_own_chat(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    assert client.get(f"/api/chats/{chat.id}").status_code == 403


def test_a_token_for_someone_who_became_a_pre_seller_gets_403(client, token, manager):
    manager.role = "pre-seller"
    db.session.commit()
    assert client.get("/api/chats", headers=bearer(token)).status_code == 403
    manager.role = MANAGER
    db.session.commit()


def test_the_list_issues_a_constant_number_of_queries(client, token, pre_seller, count_queries):
    bulk_chats(5, [pre_seller])
    client.get("/api/chats", headers=bearer(token))  # notes the token's first use
    with count_queries() as few:
        client.get("/api/chats?per_page=100", headers=bearer(token))
    bulk_chats(95, [pre_seller, None])
    with count_queries() as many:
        client.get("/api/chats?per_page=100", headers=bearer(token))
    def statements(counter):  # a BEGIN depends on what ran before, not on the data
        return [s for s in counter.statements if not s.startswith("BEGIN")]

    assert len(statements(many)) == len(statements(few))
