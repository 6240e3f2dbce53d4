"""A manager sets group distribution with an alternate; a pre-seller cannot reach settings."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.models import MANAGER


def test_a_manager_chooses_group_mode_and_it_is_kept(live_server, new_page):
    manager = live_server.make_user(role=MANAGER, email="boss@example.test", name="Boss")
    ana = live_server.make_user(name="Ana Souza", email="ana@example.test")
    bruno = live_server.make_user(name="Bruno Lima", email="bruno@example.test")
    live_server.make_group("North", [ana["id"]])
    live_server.make_group("South", [bruno["id"]])
    live_server.make_group("West")
    page = new_page()
    sign_in(page, manager["email"])
    page.get_by_role("link", name="WhatsApp Business").click()

    # Group mode with no group is refused, and nothing is lost of what was chosen.
    page.get_by_label("Distribute to online pre-sellers of selected group(s)").check()
    page.get_by_label("Bruno Lima <bruno@example.test>").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Select at least one group")).to_be_visible()
    expect(page.get_by_label("Bruno Lima <bruno@example.test>")).to_be_checked()

    page.get_by_label("North").check()
    page.get_by_label("South").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("WhatsApp Business settings saved")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Distribute to online pre-sellers of selected group(s)")) \
        .to_be_checked()
    expect(page.get_by_label("North")).to_be_checked()
    expect(page.get_by_label("South")).to_be_checked()
    expect(page.get_by_label("West")).not_to_be_checked()
    expect(page.get_by_label("Bruno Lima <bruno@example.test>")).to_be_checked()
    expect(page.get_by_label("Ana Souza <ana@example.test>")).not_to_be_checked()


def test_a_pre_seller_cannot_reach_the_settings(live_server, new_page):
    ana = live_server.make_user(name="Ana Souza", email="ana@example.test")
    page = new_page()
    sign_in(page, ana["email"])
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name="WhatsApp Business")).to_have_count(0)
    for path in ("/settings/whatsapp", "/settings/groups", "/settings/users"):
        response = page.goto(path)
        assert response.status == 403
        expect(page.get_by_role("heading", name="403 · Not allowed")).to_be_visible()
