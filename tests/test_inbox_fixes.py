"""Issue 16's broken items over HTTP: the row's transfer dialog, the header after a reply, a
session lost during an htmx request, and a reply over WhatsApp's length."""
import json

from sqlalchemy import func, select

from tests.chat_helpers import make_chat
from tests.conftest import PASSWORD
from webapp.domain.limits import REPLY_COUNTER_FROM, REPLY_LENGTH
from webapp.extensions import db
from webapp.models import Message

HTMX = {"HX-Request": "true"}


def test_a_rows_transfer_button_swaps_into_the_dialog_not_the_tables_outer_html(
        client, auth, manager, pre_seller):
    chat = make_chat(pre_seller, name="Rita Row")
    auth.login(manager)
    page = client.get("/telephony/chats").get_data(as_text=True)
    button = page[page.index(f'id="transfer-{chat.id}"'):]
    button = button[:button.index(">")]
    assert 'hx-target="#transfer-dialog-body"' in button and 'hx-swap="innerHTML"' in button


def test_a_reply_answers_with_the_header_no_longer_awaiting_a_reply(client, auth, pre_seller):
    chat = make_chat(pre_seller, name="Hugo Head")
    auth.login(pre_seller)
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Olá"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    head = html[html.index('id="conv-head"'):]
    assert 'hx-swap-oob="true"' in head[:200] and "Answered" in head
    assert "Awaiting reply" not in head


def test_an_htmx_request_without_a_session_gets_401_and_an_event_to_the_full_page(client):
    response = client.get("/chats/4/live?fp=abc", headers={
        **HTMX, "HX-Current-URL": "http://localhost/chats/4?tab=x"})
    assert response.status_code == 401 and response.data == b""
    assert "HX-Redirect" not in response.headers
    event = json.loads(response.headers["HX-Trigger"])["sessionEnded"]
    assert event["loginUrl"] == "/login?next=/chats/4?tab%3Dx"


def test_the_event_never_names_another_site_and_falls_back_to_home(client):
    foreign = client.get("/inbox/chats", headers={**HTMX, "HX-Current-URL":
                                                  "https://evil.example//evil.example/x"})
    missing = client.get("/inbox/chats", headers=HTMX)
    for response in (foreign, missing):
        event = json.loads(response.headers["HX-Trigger"])["sessionEnded"]
        assert event["loginUrl"] == "/login?next=/"


def test_signing_in_again_lands_on_the_full_page_it_names(client, pre_seller):
    chat = make_chat(pre_seller)
    response = client.post(f"/login?next=/chats/{chat.id}",
                           data={"email": pre_seller.email, "password": PASSWORD})
    assert response.status_code == 303 and response.location.endswith(f"/chats/{chat.id}")
    assert client.get(response.location).status_code == 200


def test_a_reply_over_the_limit_is_refused_with_its_length_and_nothing_is_saved(
        client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    text = "a" * (REPLY_LENGTH + 4)
    response = client.post(f"/chats/{chat.id}/reply", data={"text": text}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This reply has 4,100 characters; WhatsApp takes at most 4,096." in html
    assert text in html  # kept in the box, never cut
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_reply_box_has_a_counter_near_the_limit_and_no_silent_maxlength(
        client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    box = html[html.index('id="reply-text"'):]
    box = box[:box.index(">")]
    assert "maxlength" not in box
    assert f'data-counter-limit="{REPLY_LENGTH}"' in box
    assert f'data-counter-from="{REPLY_COUNTER_FROM}"' in box
    assert f'data-draft-key="relay.draft.{pre_seller.id}.{chat.id}"' in box
