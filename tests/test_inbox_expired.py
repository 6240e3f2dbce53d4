"""A pre-seller finds their expired chats (to revive one with a template): only their own,
latest first, linked from the inbox."""
import re
from datetime import timedelta

from tests.chat_helpers import make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.models import MANAGER


def test_expired_lists_only_my_expired_chats_latest_first(client, auth, pre_seller, make_user):
    now = utcnow()
    make_chat(pre_seller, name="Expired long ago", status=ChatStatus.EXPIRED,
              last_message_at=now - timedelta(days=3), window_left=timedelta(days=-2))
    make_chat(pre_seller, name="Expired yesterday", status=ChatStatus.EXPIRED,
              last_message_at=now - timedelta(days=1, hours=2), window_left=timedelta(hours=-2))
    make_chat(pre_seller, name="Still open")
    make_chat(pre_seller, name="Closed one", status=ChatStatus.CLOSED)
    make_chat(make_user(), name="Someone else's", status=ChatStatus.EXPIRED)
    auth.login(pre_seller)

    html = client.get("/inbox/expired").get_data(as_text=True)

    names = re.findall(r'<span class="lead-name">([^<]+)</span>', html)
    assert names == ["Expired yesterday", "Expired long ago"]
    assert "only an approved template reaches the lead" in html
    assert "Window closed" in html


def test_the_inbox_links_to_the_expired_chats_and_an_empty_list_says_why(client, auth,
                                                                         pre_seller):
    auth.login(pre_seller)
    assert 'href="/inbox/expired"' in client.get("/inbox").get_data(as_text=True)
    html = client.get("/inbox/expired").get_data(as_text=True)
    assert "No expired chats." in html


def test_expired_chats_are_a_pre_sellers_page(client, auth, make_user):
    auth.login(make_user(role=MANAGER))
    assert client.get("/inbox/expired").status_code in (403, 404)
