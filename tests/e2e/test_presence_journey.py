"""Closing the last Relay tab ends a pre-seller's presence within seconds (no new chats for
someone who left); closing one of two tabs, or going to another page, does not."""
from datetime import timedelta

import pytest
from flask import request, request_finished

from tests.e2e.conftest import sign_in, wait_for
from webapp.db import utcnow
from webapp.domain.presence import LEAVING_GRACE
from webapp.models import User
from webapp.services.accounts import user_is_online

LEAVE, SEEN = "/presence/leave", "/presence/heartbeat"


@pytest.fixture
def paths(live_server):
    """The path of every request the server answered, in order."""
    answered = []

    def record(sender, response, **extra):
        answered.append(request.path)

    request_finished.connect(record, live_server.app)
    yield answered
    request_finished.disconnect(record, live_server.app)


def online_after_the_grace(live_server, user: dict) -> tuple[bool, bool]:
    """(signed in, online a second after the leaving grace from now) for the user."""
    with live_server.db() as session:
        person = session.get(User, user["id"])
        later = utcnow() + LEAVING_GRACE + timedelta(seconds=1)
        return person.signed_in, user_is_online(person, now=later)


def listen(page) -> None:
    """Keep what the page's tabs say to each other in window.heard (after presence.js hears it)."""
    page.evaluate("""() => {
        window.heard = [];
        new BroadcastChannel("relay.presence").onmessage = (e) => window.heard.push(e.data.says);
    }""")


def test_closing_the_last_tab_makes_the_pre_seller_offline_within_seconds(live_server,
                                                                         new_page, paths):
    ana = live_server.make_user(email="ana@example.test")
    page = new_page()
    sign_in(page, ana["email"])
    assert online_after_the_grace(live_server, ana) == (True, True)
    page.wait_for_load_state("load")  # presence.js (deferred) must be listening for the close

    page.close(run_before_unload=True)  # as a person closes a tab
    wait_for(lambda: LEAVE in paths)
    assert online_after_the_grace(live_server, ana) == (True, False)  # still signed in


def test_closing_one_of_two_tabs_keeps_the_pre_seller_online(live_server, new_page, paths):
    ana = live_server.make_user(email="ana@example.test")
    first = new_page()
    sign_in(first, ana["email"])
    listen(first)
    second = first.context.new_page()
    second.goto("/account")
    first.wait_for_function("window.heard.includes('hello')")  # the tabs know each other
    listen(second)

    first.close(run_before_unload=True)
    second.wait_for_function("window.heard.includes('bye')")
    assert online_after_the_grace(live_server, ana) == (True, True)

    second.close(run_before_unload=True)  # now the last one
    wait_for(lambda: LEAVE in paths)
    assert paths.count(LEAVE) == 1
    assert online_after_the_grace(live_server, ana) == (True, False)


def test_going_to_another_page_keeps_the_pre_seller_online(live_server, new_page, paths):
    ana = live_server.make_user(email="ana@example.test")
    page = new_page()
    sign_in(page, ana["email"])
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    wait_for(lambda: LEAVE in paths)  # the page it left said so
    wait_for(lambda: SEEN in paths[paths.index(LEAVE):])  # and the new one that it is back
    assert online_after_the_grace(live_server, ana) == (True, True)
