"""The pages under the Content Security Policy, Back after a chat moved on, and a page whose
form token expired."""
import re
import time
from datetime import timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_chat_journeys import make_chat
from webapp.models import MANAGER, Chat


def test_the_csp_blocks_what_is_injected_and_the_journeys_would_hear_of_it(
        live_server, new_page, csp_violations):
    ana = live_server.make_user(email="ana@example.test", name="Ana Souza")
    page = new_page()
    sign_in(page, ana["email"])
    page.goto("/inbox")
    expect(page.get_by_text("No open chats.")).to_be_visible()
    assert csp_violations == []  # the page itself needs nothing the policy forbids

    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
        document.body.insertAdjacentHTML('beforeend', '<p style="color: red">styled</p>');
    }""")
    assert page.evaluate("() => window.injected") is None
    expect(page.get_by_text("styled")).not_to_have_css("color", "rgb(255, 0, 0)")
    deadline = time.monotonic() + 5
    while len(csp_violations) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any("script" in text for text in csp_violations), csp_violations
    assert any("style" in text for text in csp_violations), csp_violations
    csp_violations.clear()  # seen: the collector works, so the other journeys are clean


def test_back_to_a_chat_transferred_away_asks_the_server_again(live_server, new_page):
    ana = live_server.make_user(email="ana@example.test", name="Ana Souza")
    bruno = live_server.make_user(email="bruno@example.test", name="Bruno Lima")
    chat_id = make_chat(live_server, ana["id"], "Gabi Prado", "5511900000003",
                        timedelta(hours=20))
    page = new_page()
    sign_in(page, ana["email"])
    page.goto(f"/chats/{chat_id}")
    expect(page.get_by_label("Reply to Gabi Prado")).to_be_enabled()
    page.goto("/account")

    with live_server.db() as session:  # a manager moves it meanwhile
        chat = session.get(Chat, chat_id)
        chat.assignee_id, chat.version = bruno["id"], chat.version + 1

    response = page.go_back()
    assert response is not None and response.status == 404
    expect(page.get_by_label("Reply to Gabi Prado")).to_have_count(0)


def test_an_expired_page_says_reload_and_keeps_what_was_typed(live_server, new_page):
    ana = live_server.make_user(email="ana@example.test", name="Ana Souza")
    chat_id = make_chat(live_server, ana["id"], "Hugo Reis", "5511900000004",
                        timedelta(hours=20))
    page = new_page()
    sign_in(page, ana["email"])
    page.goto(f"/chats/{chat_id}")
    live_server.app.config["WTF_CSRF_TIME_LIMIT"] = 1
    time.sleep(2.1)  # the page's token is now older than its lifetime

    box = page.get_by_label("Reply to Hugo Reis")
    box.fill("Olá Hugo!")
    box.press("Enter")
    notice = page.get_by_role("alert").filter(has_text="Reload the page")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(re.compile("open too long"))
    expect(box).to_have_value("Olá Hugo!")
    expect(page.locator(".msg.out")).to_have_count(0)
    live_server.app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    with page.expect_navigation():
        notice.get_by_role("link", name="Reload the page").click()
    page.wait_for_load_state("load")
    # The reloaded page has a fresh token, and what was typed is back (the chat's draft),
    # so the reply goes out with one more Enter.
    box = page.get_by_label("Reply to Hugo Reis")
    expect(box).to_have_value("Olá Hugo!")
    box.press("Enter")
    expect(page.locator(".msg.out .body")).to_have_text(["Olá Hugo!"])
    expect(box).to_have_value("")


def test_back_after_filtering_the_managers_list_shows_it_as_it_is_now(live_server, new_page):
    manager = live_server.make_user(role=MANAGER, email="maria@example.test",
                                    name="Maria Manager")
    ana = live_server.make_user(email="ana@example.test", name="Ana Souza")
    bruno = live_server.make_user(email="bruno@example.test", name="Bruno Lima")
    chat_id = make_chat(live_server, ana["id"], "Ivo Teles", "5511900000005",
                        timedelta(hours=20))
    page = new_page()
    sign_in(page, manager["email"])
    page.goto("/telephony/chats")
    expect(page.locator("tr", has_text="Ivo Teles")).to_contain_text("Ana Souza")
    page.get_by_label("Unassigned").check()
    expect(page).to_have_url(re.compile(r"view=unassigned"))

    with live_server.db() as session:  # a manager moves it meanwhile
        chat = session.get(Chat, chat_id)
        chat.assignee_id, chat.version = bruno["id"], chat.version + 1

    page.go_back()
    # No copy of the page was kept in the browser: the list is the server's, at once.
    expect(page.locator("tr", has_text="Ivo Teles")).to_contain_text("Bruno Lima", timeout=2000)
