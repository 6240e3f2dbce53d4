"""A person signs in, sees their own status, and signs out."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.models import MANAGER


def test_sign_in_shows_online_status_and_sign_out(live_server, new_page):
    manager = live_server.make_user(role=MANAGER, email="boss@example.test", name="Boss")
    page = new_page()
    sign_in(page, manager["email"])
    expect(page.locator("#presence-badge")).to_have_text("Online")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Relay")).to_be_visible()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_wrong_password_is_told_without_saying_which(live_server, new_page):
    live_server.make_user(role=MANAGER, email="boss@example.test")
    page = new_page()
    sign_in_page = page
    sign_in_page.goto("/login")
    sign_in_page.get_by_label("E-mail").fill("boss@example.test")
    sign_in_page.get_by_label("Password").fill("not the password")
    sign_in_page.get_by_role("button", name="Sign in").click()
    expect(sign_in_page.get_by_text("Wrong e-mail or password.")).to_be_visible()
