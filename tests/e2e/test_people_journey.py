"""A manager adds a pre-seller, puts them in a new group, and is stopped from deleting a group
the distribution uses."""
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.models import MANAGER


def test_a_manager_adds_a_pre_seller_and_builds_a_group(live_server, new_page):
    manager = live_server.make_user(role=MANAGER, email="boss@example.test", name="Boss")
    page = new_page()
    sign_in(page, manager["email"])

    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Users").click()
    page.get_by_label("Full name").fill("Nina Nova")
    page.get_by_label("E-mail").fill("boss@example.test")  # taken: a field error
    page.get_by_label("Password").fill("long enough")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("A user with this e-mail already exists.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Nina Nova")
    page.get_by_label("E-mail").fill("nina@example.test")
    page.get_by_label("Password").fill("long enough")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("Nina Nova can now sign in as nina@example.test.")).to_be_visible()

    menu.get_by_role("link", name="Groups").click()
    expect(page.get_by_text("No groups yet")).to_be_visible()
    page.get_by_label("Group name").fill("Closers")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Group “Closers” created")).to_be_visible()
    page.get_by_label("Add a pre-seller to Closers").select_option(label="Nina Nova (nina@example.test)")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Nina Nova added to “Closers”.")).to_be_visible()

    menu.get_by_role("link", name="WhatsApp Business").click()
    page.get_by_label("Distribute to online pre-sellers of selected group(s)").check()
    page.get_by_label("Closers").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("WhatsApp Business settings saved")).to_be_visible()

    menu.get_by_role("link", name="Groups").click()
    page.wait_for_load_state("load")  # deleting asks first (js/confirm.js)
    page.get_by_role("button", name="Delete the group Closers").click()
    page.get_by_role("dialog", name="Delete the group Closers?").get_by_role(
        "button", name="Delete group").click()
    expect(page.get_by_text("is still in use")).to_be_visible()
    expect(page.get_by_role("heading", name="Closers")).to_be_visible()
