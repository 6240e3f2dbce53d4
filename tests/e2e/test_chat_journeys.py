"""Chat journeys in real Chromium, several people at once, each in their own browser context."""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.e2e.conftest import sign_in
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.models import Chat, Lead

pytestmark = pytest.mark.e2e


def lead_writes(live_server, wa_id: str, name: str, text: str) -> None:
    """The lead sends a WhatsApp text: a correctly signed Cloud API webhook delivery."""
    payload = {"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": f"wamid.e2e{wa_id}{time.time_ns()}",
                          "timestamp": str(int(time.time())), "type": "text",
                          "text": {"body": text}}]}}]}]}
    response = live_server.post_webhook(payload)
    assert response.status_code == 200, response.text


def make_chat(live_server, assignee_id, name: str, wa_id: str, window_left: timedelta) -> int:
    """A chat straight in the database (for states a webhook cannot make quickly)."""
    with live_server.db() as session:
        now = utcnow()
        chat = Chat(lead=Lead(name=name, wa_id=wa_id, owner_id=assignee_id),
                    assignee_id=assignee_id, status=ChatStatus.OPEN, opened_at=now,
                    last_inbound_at=now,
                    last_message_at=now, last_message_preview="Hello?",
                    window_expires_at=now + window_left, awaiting_reply=True, unread_count=1)
        session.add(chat)
        session.flush()
        return chat.id



def test_a_new_lead_reaches_ana_live_she_replies_and_the_manager_moves_it_to_bruno(
        live_server, new_page, team):
    ana = new_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    expect(ana.get_by_text("No open chats.")).to_be_visible()

    lead_writes(live_server, "5511912345678", "Carla Mendes", "Oi! Quanto custa o plano?")

    # It appears without a reload, unread, counted in the tab title.
    link = ana.get_by_role("link", name=re.compile("Carla Mendes"))
    expect(link).to_be_visible(timeout=10_000)
    expect(ana).to_have_title(re.compile(r"^\(1\) Inbox"))
    link.click()
    expect(ana.locator(".msg.in .body")).to_have_text("Oi! Quanto custa o plano?")
    expect(ana.locator("#conv-head [data-window-expires]")).to_contain_text(re.compile(r"\d+ h \d+ min left"))

    box = ana.get_by_label("Reply to Carla Mendes")
    box.fill("Olá Carla!")
    box.press("Shift+Enter")
    box.type("O plano custa R$ 99.")
    box.press("Enter")
    expect(ana.locator(".msg.out .body")).to_have_text("Olá Carla!\nO plano custa R$ 99.")
    expect(box).to_have_value("")
    # Sandbox is said once (top bar, the reply box's hint), not on every bubble.
    expect(ana.locator(".topbar .sandbox")).to_be_visible()
    expect(ana.locator(".msg.out")).not_to_contain_text("Sandbox")

    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    row = manager.locator("tr", has_text="Carla Mendes")
    expect(row).to_contain_text("Ana Souza")
    row.get_by_role("button", name="Transfer the chat with Carla Mendes").click()
    dialog = manager.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    dialog.get_by_label("Note for the history (optional)").fill("Bruno speaks Portuguese")
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog).to_be_hidden()
    expect(row).to_contain_text("Bruno Lima")
    expect(manager.locator("#live-status")).to_contain_text("now with Bruno Lima")

    # Ana loses it without a reload: the list drops it and the conversation says why.
    expect(ana.get_by_role("link", name=re.compile("Carla Mendes"))).to_have_count(0, timeout=10_000)
    expect(ana.get_by_text("no longer in your inbox")).to_be_visible(timeout=10_000)

    bruno = new_page()
    sign_in(bruno, team["bruno"]["email"])
    bruno.goto("/inbox")
    bruno.get_by_role("link", name=re.compile("Carla Mendes")).click()
    expect(bruno.locator(".msg.out .body")).to_contain_text("O plano custa R$ 99.")

    # Done: Bruno closes it (once asked: the page's scripts must be running) and it leaves
    # his inbox.
    bruno.wait_for_load_state("load")
    bruno.get_by_role("button", name="Close chat").click()
    bruno.get_by_role("dialog", name="Close the chat with Carla Mendes?").get_by_role(
        "button", name="Close chat").click()
    expect(bruno.get_by_text("The chat with Carla Mendes is closed.")).to_be_visible()
    expect(bruno.get_by_text("No open chats.")).to_be_visible()


def test_the_manager_transfers_from_the_three_dot_menu_and_reads_the_history(
        live_server, new_page, team):
    chat_id = make_chat(live_server, team["ana"]["id"], "Diego Rocha", "5511900000001",
                        timedelta(hours=20))
    bruno = new_page()
    sign_in(bruno, team["bruno"]["email"])
    bruno.goto("/inbox")
    expect(bruno.get_by_text("No open chats.")).to_be_visible()

    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto(f"/chats/{chat_id}")
    menu_button = manager.get_by_role("button", name="More actions for this chat")
    # Keyboard: Enter opens the menu on its first item, arrows move, Escape closes.
    menu_button.focus()
    manager.keyboard.press("Enter")
    expect(manager.get_by_role("menuitem", name="Transfer chat")).to_be_focused()
    manager.keyboard.press("ArrowDown")
    expect(manager.get_by_role("menuitem", name="History")).to_be_focused()
    manager.keyboard.press("Escape")
    expect(manager.get_by_role("menu")).to_be_hidden()
    expect(menu_button).to_be_focused()

    manager.keyboard.press("Enter")
    manager.keyboard.press("Enter")  # "Transfer chat"
    dialog = manager.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog).to_be_hidden()
    expect(manager.locator("#conv-head")).to_contain_text("Bruno Lima")

    menu_button.click()
    manager.get_by_role("menuitem", name="History").click()
    history = manager.locator("#history-dialog")
    expect(history).to_contain_text("Manual transfer")
    expect(history).to_contain_text("Maria Manager")
    history.get_by_role("button", name="Close").click()
    expect(history).to_be_hidden()

    expect(bruno.get_by_role("link", name=re.compile("Diego Rocha"))).to_be_visible(timeout=10_000)


def test_the_manager_answers_an_unassigned_chat(live_server, new_page, team):
    # Nobody is online and there are no alternate recipients: the chat stays unassigned.
    lead_writes(live_server, "5511988887777", "Elisa Nunes", "Alguém aí?")
    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    manager.get_by_label("Unassigned").check()
    row = manager.locator("tr", has_text="Elisa Nunes")
    expect(row).to_contain_text("Unassigned")
    expect(manager).to_have_url(re.compile(r"view=unassigned"))
    row.get_by_role("link", name="Elisa Nunes").click()

    expect(manager.locator(".msg.in .body")).to_have_text("Alguém aí?")
    manager.wait_for_load_state("load")  # the page's deferred scripts (htmx, the reply box) must be running before we type
    box = manager.get_by_label("Reply to Elisa Nunes")
    box.fill("Olá Elisa, aqui é a Maria.")
    box.press("Enter")
    expect(manager.locator(".msg.out")).to_contain_text("Olá Elisa, aqui é a Maria.")
    expect(manager.locator(".msg.out")).to_contain_text("Maria Manager")


def test_a_chat_whose_window_closed_refuses_a_reply_with_a_clear_message(live_server, new_page,
                                                                        team):
    chat_id = make_chat(live_server, team["ana"]["id"], "Fabio Melo", "5511900000002",
                        timedelta(minutes=10))
    ana = new_page()
    sign_in(ana, team["ana"]["email"])
    # The page's clock is ours to move, so a loaded machine cannot close the window early.
    ana.clock.install()
    ana.goto(f"/chats/{chat_id}")
    box = ana.get_by_label("Reply to Fabio Melo")
    expect(box).to_be_enabled()

    # The window closes on the server, and the countdown reaches zero in the open page:
    # the box closes and says why.
    with live_server.db() as session:
        session.execute(update(Chat).where(Chat.id == chat_id)
                        .values(window_expires_at=utcnow() - timedelta(seconds=1)))
    ana.clock.fast_forward("10:05")
    expect(ana.locator("#conv-head .window")).to_have_text("Window closed")
    expect(box).to_be_disabled()
    expect(ana.get_by_text("response window has closed")).to_be_visible()

    # Even a forced send is refused by the server, inline, keeping what was typed.
    ana.evaluate("""() => {
        const form = document.getElementById('reply-form');
        form.querySelector('textarea').disabled = false;
        form.querySelector('textarea').value = 'Ainda está aí?';
        htmx.trigger(form, 'submit');
    }""")
    expect(ana.locator("#reply-error")).to_be_visible()
    expect(ana.locator("#reply-error")).to_contain_text(re.compile("window", re.I))
    expect(ana.get_by_label("Reply to Fabio Melo")).to_have_value("Ainda está aí?")
    expect(ana.locator(".msg.out")).to_have_count(0)


def test_alerts_are_opt_in_and_remembered(live_server, new_page, team):
    ana = new_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    ana.wait_for_load_state("load")
    ana.get_by_role("button", name="Turn on alerts").click()
    toggle = ana.get_by_role("button", name=re.compile("Alerts on"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    ana.reload()  # kept on the user, not in the browser
    expect(ana.get_by_role("button", name=re.compile("Alerts on"))).to_have_attribute(
        "aria-pressed", "true")
    expect(ana.get_by_role("button", name="Turn on alerts")).to_be_hidden()
