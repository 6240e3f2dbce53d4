"""Hostile input gets a 4xx with a message, never a 500: control characters in text fields
and query strings, ids beyond the database's range, query arguments that are not filters."""
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.conftest import PASSWORD
from webapp.domain.inputs import has_control_characters
from webapp.extensions import db
from webapp.models import Group, Message, User

HUGE = (str(2**63), str(10**30))
REFUSED, IGNORED, ACCEPTED = "refused", "ignored", "accepted"
CONTROL = ("\x00", "\r\n", "\x1b")


def _colleague(name: str, email: str) -> User:
    """A pre-seller who never signs in here (no password hashing: these tests are many)."""
    user = User(name=name, email=email, role="pre-seller", password_hash="!")
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def world(client, auth, manager, make_group):
    """A manager signed in, a pre-seller in a group, and an open chat of theirs."""
    ana, bruno = _colleague("Ana Souza", "ana@example.test"), _colleague("Bruno Lima",
                                                                          "bruno@example.test")
    group = make_group("North", [ana])
    chat = make_chat(ana, name="Carla Lead")
    make_chat(ana, name="Second Lead")  # so the API has a next page at per_page=1
    auth.login(manager)
    return {"ana": ana, "bruno": bruno, "group": group, "chat": chat, "manager": manager}


def _settings(**changes) -> dict:
    """A valid Settings → WhatsApp Business submission, with `changes`."""
    data = {"mode": "online", "activity_window_minutes": "120",
            "presence_timeout_seconds": "90", "offline_grace_seconds": "120"}
    data.update(changes)
    return data


def _text_vectors(bad: str) -> list:
    """(method, url, form data) of every text field fed `bad` inside otherwise good input."""
    multiline_ok = bad == "\r\n"  # a reply or a note may hold line breaks
    typed = quote(bad)
    return [
        (REFUSED, "POST", "/settings/groups", lambda w: {"name": f"Sa{bad}les"}),
        (REFUSED, "POST", "/settings/groups/{group}/rename", lambda w: {"name": f"No{bad}rth"}),
        (REFUSED, "POST", "/settings/users", lambda w: {
            "name": f"Eva{bad}", "email": "eva@example.test", "role": "pre-seller",
            "password": PASSWORD}),
        (ACCEPTED if multiline_ok else REFUSED, "POST", "/chats/{chat}/reply",
         lambda w: {"text": f"Hello{bad}there"}),
        (ACCEPTED if multiline_ok else REFUSED, "POST", "/chats/{chat}/transfer", lambda w: {
            "to": f"user:{w['bruno'].id}", "version": w["chat"].version,
            "note": f"Take{bad}this"}),
        (REFUSED, "GET", f"/telephony/chats?q=Car{typed}", None),
        (REFUSED, "GET", f"/telephony/chats/rows?q=Car{typed}", None),
        (REFUSED, "GET", f"/api/chats?assignee=ana{typed}@example.test", None),
    ]


def _id_vectors(huge: str) -> list:
    """(method, url, form data) of every id a request carries, set to `huge`.

    The chat list's filters are forgiving by design (a damaged filter falls back to the
    default view), so there a huge id is ignored rather than refused."""
    return [
        (REFUSED, "POST", "/settings/whatsapp", lambda w: _settings(mode="groups", groups=huge)),
        (REFUSED, "POST", "/settings/whatsapp", lambda w: _settings(alternates=huge)),
        (REFUSED, "POST", "/settings/whatsapp", lambda w: _settings(
            offline_transfer_enabled="y", offline_transfer_group=huge)),
        (REFUSED, "POST", "/settings/groups/{group}/members", lambda w: {"user": huge}),
        (REFUSED, "POST", "/chats/{chat}/transfer", lambda w: {"to": f"user:{huge}",
                                                               "version": w["chat"].version}),
        (REFUSED, "GET", f"/chats/{huge}", None),
        (REFUSED, "GET", f"/chats/{huge}/live", None),
        (REFUSED, "GET", f"/api/chats/{huge}", None),
        (IGNORED, "GET", f"/telephony/chats?assignee={huge}", None),
        (IGNORED, "GET", f"/telephony/chats/rows?group={huge}", None),
        (IGNORED, "GET", f"/telephony/chats/rows?before=2026-01-01T00:00:00%2B00:00_{huge}",
         None),
        (IGNORED, "GET", f"/telephony/chats?after=2026-01-01T00:00:00%2B00:00_{huge}", None),
        (REFUSED, "GET", f"/api/chats?page={huge}", None),
    ]


OTHER_VECTORS = [
    (REFUSED, "GET", "/api/chats?page=1e11", None),
    (REFUSED, "GET", "/api/chats?page=100000000000", None),
    (REFUSED, "GET", "/api/chats?page=%C2%B2", None),  # a superscript two: str.isdigit says yes
    (IGNORED, "GET", "/telephony/chats?assignee=%C2%B2", None),
    (IGNORED, "GET", "/api/chats?per_page=1&_external=1", None),
    (IGNORED, "GET", "/api/chats?per_page=1&_method=POST", None),
    (IGNORED, "GET", "/api/chats?per_page=1&endpoint=auth.login", None),
    (IGNORED, "GET", "/api/chats?per_page=1&_anchor=x&_scheme=javascript", None),
    (IGNORED, "GET", "/telephony/chats/rows?_external=1", None),
    (IGNORED, "GET", "/telephony/chats/rows?_method=POST", None),
    (IGNORED, "GET", "/telephony/chats/rows?endpoint=auth.login&_anchor=javascript", None),
]

def _check(client, world, outcome, method, url, data) -> None:
    """One hostile request: refused with a message, or answered with the bad part ignored."""
    url = url.format(group=world["group"].id, chat=world["chat"].id)
    response = client.open(url, method=method, data=data(world) if data else None)
    body = response.get_data(as_text=True)
    if outcome == REFUSED:
        assert 400 <= response.status_code < 500, (response.status_code, body[:300])
        message = response.get_json()["error"] if response.is_json else body
        assert message.strip()
    else:
        assert response.status_code == 200, (response.status_code, body[:300])
    if outcome == IGNORED:  # what is not a filter goes nowhere
        answer = str(response.headers) + body
        for echoed in ("_external", "_method", "endpoint=", "javascript", "_anchor"):
            assert echoed not in answer
    assert not any(has_control_characters(name) for name in db.session.scalars(
        select(Group.name)))


@pytest.mark.parametrize("bad", CONTROL)
def test_control_characters_in_any_text_never_give_a_500(client, world, subtests, bad):
    for outcome, method, url, data in _text_vectors(bad):
        with subtests.test(msg=f"{method} {url}"):
            _check(client, world, outcome, method, url, data)


@pytest.mark.parametrize("huge", HUGE)
def test_ids_beyond_the_databases_range_never_give_a_500(client, world, subtests, huge):
    for outcome, method, url, data in _id_vectors(huge):
        with subtests.test(msg=f"{method} {url}"):
            _check(client, world, outcome, method, url, data)


def test_pages_and_arguments_for_url_building_never_give_a_500(client, world, subtests):
    for outcome, method, url, data in OTHER_VECTORS:
        with subtests.test(msg=f"{method} {url}"):
            _check(client, world, outcome, method, url, data)


@pytest.mark.parametrize("bad", CONTROL)
def test_control_characters_in_form_fields_are_field_errors(client, world, bad):
    response = client.post("/settings/users", data={
        "name": f"Eva{bad}", "email": "eva@example.test", "role": "pre-seller",
        "password": PASSWORD})
    assert response.status_code == 422
    assert "invisible control character" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "eva@example.test")) is None


def test_a_reply_may_hold_line_breaks_but_no_nul(client, world):
    chat = world["chat"]
    assert client.post(f"/chats/{chat.id}/reply", data={"text": "Hi\r\nthere"}).status_code == 200
    refused = client.post(f"/chats/{chat.id}/reply", data={"text": "Hi\x00"})
    assert refused.status_code == 422 and "control character" in refused.get_data(as_text=True)
    bodies = db.session.scalars(select(Message.body).where(Message.chat_id == chat.id)).all()
    assert bodies == ["Hi\r\nthere"]


@pytest.mark.parametrize("bad", CONTROL)
def test_sign_in_refuses_control_characters_in_the_e_mail(client, pre_seller, bad):
    response = client.post("/login", data={"email": pre_seller.email + bad,
                                           "password": PASSWORD})
    assert response.status_code == 422
    assert "control character" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/account%0d%0aSet-Cookie:%20x=1", "/account%0aX: 1",
                                    "/account%00"])
def test_control_characters_in_next_never_reach_a_header(client, pre_seller, target):
    response = client.post(f"/login?next={target}", data={"email": pre_seller.email,
                                                          "password": PASSWORD})
    assert 400 <= response.status_code < 500
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    assert "control character" in response.get_data(as_text=True)


def test_the_api_next_url_carries_only_its_filters(client, world):
    answer = client.get("/api/chats?per_page=1&status=open&_external=0&junk=1").get_json()
    assert answer["next_url"] == "http://localhost/api/chats?page=2&per_page=1&status=open"


def test_pages_beyond_any_chat_are_empty_not_errors(client, world):
    answer = client.get("/api/chats?page=1000000").get_json()
    assert answer["chats"] == [] and answer["has_next"] is False
    refused = client.get(f"/api/chats?page={10**7}")
    assert refused.status_code == 400 and "at most" in refused.get_json()["error"]


def test_the_pushed_address_carries_only_the_filters(client, world):
    response = client.get(f"/telephony/chats/rows?view=all&assignee={world['ana'].id}&"
                          "_external=1&junk=2")
    assert response.headers["HX-Push-Url"] == \
        f"/telephony/chats?view=all&assignee={world['ana'].id}"


def test_a_database_error_shows_the_apps_error_page(app, client, auth, manager):
    def broken():
        db.session.add(User(email=manager.email, name="Twin", role="manager",
                            password_hash="x"))
        db.session.flush()  # a unique violation: the transaction is now failed

    app.add_url_rule("/broken-for-test", "broken_for_test", broken)
    auth.login(manager)
    response = client.get("/broken-for-test")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Maria Manager" in page  # the app's own page
