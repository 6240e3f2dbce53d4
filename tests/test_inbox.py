"""The pre-seller's inbox: what it lists, in what order, live polling, and its speed."""
import re
from datetime import timedelta

import pytest

from tests.chat_helpers import bulk_chats, make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.extensions import db
from webapp.models import MANAGER


def _fingerprint(html: str) -> str:
    return re.search(r'/inbox/chats\?fp=([\w.]+)', html).group(1)


def test_inbox_lists_own_open_chats_longest_waiting_first_then_latest(client, auth, pre_seller,
                                                                make_user):
    other = make_user()
    now = utcnow()
    make_chat(pre_seller, name="Answered recently", awaiting_reply=False,
              last_message_at=now - timedelta(minutes=1))
    make_chat(pre_seller, name="Waiting long", last_message_at=now - timedelta(minutes=30))
    make_chat(pre_seller, name="Waiting new", last_message_at=now - timedelta(minutes=5))
    make_chat(pre_seller, name="Closed one", status=ChatStatus.CLOSED)
    make_chat(pre_seller, name="Expired one", status=ChatStatus.EXPIRED)
    make_chat(other, name="Someone else's")
    auth.login(pre_seller)

    html = client.get("/inbox").get_data(as_text=True)

    names = re.findall(r'<span class="lead-name">([^<]+)</span>', html)
    # Awaiting a reply first, longest waiting first (speed to lead), then the answered ones.
    assert names == ["Waiting long", "Waiting new", "Answered recently"]
    assert "Waiting 30 min" in html and "Waiting 5 min" in html
    assert "data-window-expires=" in html and " left" in html


def test_inbox_marks_unread_and_counts_them_for_the_tab_title(client, auth, pre_seller):
    make_chat(pre_seller, name="Two unread", unread_count=2)
    make_chat(pre_seller, name="All read", unread_count=0)
    auth.login(pre_seller)

    html = client.get("/inbox").get_data(as_text=True)

    assert 'data-unread-total="2"' in html
    assert html.count("chat-item unread") == 1
    assert "2<span class=\"sr-only\"> unread</span>" in html


def test_empty_inbox_says_what_to_do(client, auth, pre_seller):
    auth.login(pre_seller)
    html = client.get("/inbox").get_data(as_text=True)
    assert "No open chats." in html
    assert "keep this page open" in html


def test_inbox_is_for_pre_sellers(client, auth, make_user):
    auth.login(make_user(role=MANAGER))
    assert client.get("/inbox").status_code == 403


def test_inbox_needs_sign_in(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/inbox/chats", headers={"HX-Request": "true"}).status_code == 401


def test_polling_answers_204_until_something_changes(client, auth, pre_seller):
    chat = make_chat(pre_seller, name="First")
    auth.login(pre_seller)
    fingerprint = _fingerprint(client.get("/inbox").get_data(as_text=True))

    assert client.get(f"/inbox/chats?fp={fingerprint}").status_code == 204

    chat.unread_count = 1
    chat.last_message_at = utcnow()
    db.session.commit()
    changed = client.get(f"/inbox/chats?fp={fingerprint}")
    assert changed.status_code == 200
    assert 'data-unread-total="1"' in changed.get_data(as_text=True)

    make_chat(pre_seller, name="A new lead")
    fresh = client.get(f"/inbox/chats?fp={_fingerprint(changed.get_data(as_text=True))}")
    assert fresh.status_code == 200 and "A new lead" in fresh.get_data(as_text=True)


def test_a_chat_transferred_away_leaves_the_inbox_on_the_next_poll(client, auth, pre_seller,
                                                                   make_user):
    chat = make_chat(pre_seller, name="Moving lead")
    auth.login(pre_seller)
    fingerprint = _fingerprint(client.get("/inbox").get_data(as_text=True))
    chat.assignee_id = make_user().id
    chat.version += 1
    db.session.commit()

    response = client.get(f"/inbox/chats?fp={fingerprint}")
    assert response.status_code == 200
    assert "Moving lead" not in response.get_data(as_text=True)


@pytest.mark.parametrize("chats", [10, 1000])
def test_inbox_and_its_poll_issue_a_constant_number_of_queries(client, auth, pre_seller,
                                                              make_user, count_queries, chats):
    bulk_chats(chats, [pre_seller])
    bulk_chats(chats, [make_user()])  # someone else's chats do not slow this inbox either
    auth.login(pre_seller)
    client.get("/inbox")  # warm: presence write, settings

    with count_queries() as page:
        html = client.get("/inbox").get_data(as_text=True)
    with count_queries() as poll:
        assert client.get(f"/inbox/chats?fp={_fingerprint(html)}").status_code == 204

    assert page.count <= 4, page.statements
    assert poll.count <= 2, poll.statements
    assert html.count('<a id="chat-link-') == min(chats, 300)
