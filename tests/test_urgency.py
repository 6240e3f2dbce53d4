"""Urgency (issue 16): chats awaiting a reply first, longest waiting first; the waiting timer;
the managers' orders (waiting, window end, latest activity) paged by keyset; counts per view."""
import re
from datetime import timedelta

import pytest

from tests.chat_helpers import make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.services.chat_lists import ChatFilter, Cursor, telephony_page, view_counts

HTMX = {"HX-Request": "true"}


def _leads(html: str) -> list[str]:
    return re.findall(r'class="lead-link">([^<]+)</a>', html)


@pytest.fixture
def chats(pre_seller):
    """Four open chats and one closed: who waits since when, whose window ends when."""
    now = utcnow()
    made = {
        "fresh": make_chat(pre_seller, name="Fresh", awaiting_since=now - timedelta(minutes=2),
                           last_message_at=now - timedelta(minutes=2),
                           window_left=timedelta(hours=23)),
        "long": make_chat(pre_seller, name="Long", awaiting_since=now - timedelta(minutes=40),
                          last_message_at=now - timedelta(minutes=1),
                          window_left=timedelta(hours=20)),
        "answered": make_chat(pre_seller, name="Answered", awaiting_reply=False,
                              last_message_at=now, window_left=timedelta(minutes=9)),
        "nobody": make_chat(None, name="Nobody", awaiting_since=now - timedelta(minutes=12),
                            last_message_at=now - timedelta(minutes=12),
                            window_left=timedelta(hours=1)),
        "closed": make_chat(pre_seller, name="Closed", status=ChatStatus.CLOSED,
                            last_message_at=now - timedelta(hours=3)),
    }
    return made


def test_the_inbox_puts_the_longest_waiting_first_with_its_timer(client, auth, pre_seller,
                                                                 chats):
    auth.login(pre_seller)  # signing in gives her the waiting chat (Nobody's) too
    html = client.get("/inbox").get_data(as_text=True)
    assert re.findall(r'<span class="lead-name">([^<]+)</span>', html) == [
        "Long", "Nobody", "Fresh", "Answered"]
    assert "Waiting 40 min" in html and "Waiting 12 min" in html and "Waiting 2 min" in html


@pytest.mark.parametrize("sort, expected", [
    ("", ["Long", "Nobody", "Fresh", "Answered"]),
    ("waiting", ["Long", "Nobody", "Fresh", "Answered"]),
    ("window", ["Answered", "Nobody", "Long", "Fresh"]),
    ("activity", ["Answered", "Long", "Fresh", "Nobody"]),
])
def test_the_managers_list_sorts_by_waiting_window_or_activity(client, auth, manager, chats,
                                                               sort, expected):
    auth.login(manager)
    html = client.get(f"/telephony/chats?sort={sort}").get_data(as_text=True)
    assert _leads(html) == expected
    rows = client.get(f"/telephony/chats/rows?sort={sort}", headers=HTMX)
    assert _leads(rows.get_data(as_text=True)) == expected
    if sort:
        assert f"sort={sort}" in rows.headers["HX-Push-Url"]


def test_closed_and_all_views_default_to_latest_activity(client, auth, manager, chats):
    auth.login(manager)
    html = client.get("/telephony/chats?view=all").get_data(as_text=True)
    assert _leads(html) == ["Answered", "Long", "Fresh", "Nobody", "Closed"]


@pytest.mark.parametrize("order", ["waiting", "window", "activity"])
def test_each_order_pages_through_every_chat_once_both_ways(app, chats, order):
    now = utcnow()
    filters = ChatFilter(view="all", sort=order)
    whole = [chat.id for chat in telephony_page(filters, None, now, size=50).chats]
    seen, cursor, pages = [], None, []
    while True:
        page = telephony_page(filters, cursor, now, size=2)
        seen += [chat.id for chat in page.chats]
        pages.append(page)
        if page.older is None:
            break
        cursor = Cursor.parse(page.older.token(), older=True)
    assert seen == whole and len(whole) == 5
    back = telephony_page(filters, Cursor.parse(pages[-1].newer.token(), older=False), now,
                          size=2)
    assert [chat.id for chat in back.chats] == whole[2:4]


def test_counts_per_view_come_with_the_page_and_again_with_each_table(client, auth, manager,
                                                                      chats):
    assert view_counts() == {"open": 4, "unassigned": 1, "awaiting": 3, "waiting": 1}
    auth.login(manager)
    html = client.get("/telephony/chats").get_data(as_text=True)
    assert re.search(r'id="view-count-awaiting"\s*>\(3\)', html)
    rows = client.get("/telephony/chats/rows?view=closed", headers=HTMX).get_data(as_text=True)
    assert re.search(r'id="view-count-open" hx-swap-oob="true">\(4\)', rows)


def test_the_window_is_marked_by_the_servers_thresholds(client, auth, manager, chats):
    auth.login(manager)
    html = client.get("/telephony/chats").get_data(as_text=True)
    states = dict(re.findall(r'class="lead-link">([^<]+)</a>.*?data-window-state="(\w+)"',
                             html, re.S))
    assert states == {"Answered": "urgent", "Nobody": "soon", "Long": "ok", "Fresh": "ok"}
