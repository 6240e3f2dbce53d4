"""Away, capacity, bulk transfer and the next-chat preview in real Chromium."""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.models import Chat, Lead, WhatsAppSettings

pytestmark = pytest.mark.e2e


def lead_writes(live_server, wa_id: str, name: str, text: str) -> None:
    """The lead sends a WhatsApp text: a correctly signed Cloud API webhook delivery."""
    payload = {"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": f"wamid.e2e{wa_id}{time.time_ns()}",
                          "timestamp": str(int(time.time())), "type": "text",
                          "text": {"body": text}}]}}]}]}
    assert live_server.post_webhook(payload).status_code == 200


def chats_of(live_server, assignee_id, names: list[str], first_number: int) -> list[int]:
    """Open chats straight in the database, one per name; their ids."""
    ids = []
    with live_server.db() as session:
        now = utcnow()
        for n, name in enumerate(names):
            chat = Chat(lead=Lead(name=name, wa_id=str(first_number + n), owner_id=assignee_id),
                        assignee_id=assignee_id, status=ChatStatus.OPEN,
                        opened_at=now - timedelta(minutes=n), last_inbound_at=now,
                        last_message_at=now - timedelta(minutes=n), last_message_preview="Hi",
                        window_expires_at=now + timedelta(hours=20), awaiting_reply=True)
            session.add(chat)
            session.flush()
            ids.append(chat.id)
    return ids


def team_limit(live_server, limit: int) -> None:
    """Settings → WhatsApp Business: the team's maximum of open chats."""
    with live_server.db() as session:
        session.get(WhatsAppSettings, 1).max_open_chats = limit



def test_ana_goes_away_by_keyboard_a_lead_waits_and_comes_to_her_when_she_is_back(
        live_server, new_page, team):
    ana = new_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    switch = ana.get_by_role("switch", name="Available")
    expect(switch).to_have_attribute("aria-checked", "true")
    expect(ana.locator("#presence-badge")).to_contain_text("Available")
    switch.focus()
    ana.keyboard.press("Space")
    expect(ana.locator("#presence-badge")).to_contain_text("Away")
    expect(ana.get_by_role("switch", name="Available")).to_have_attribute("aria-checked",
                                                                           "false")

    lead_writes(live_server, "5511955550001", "Lucia Lead", "Oi, tem alguém aí?")
    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    row = manager.locator("tr", has_text="Lucia Lead")
    expect(row).to_contain_text("Unassigned")
    expect(row).to_contain_text(re.compile(r"Waiting (< 1|\d+) min"))
    expect(ana.get_by_role("link", name=re.compile("Lucia Lead"))).to_have_count(0)

    ana.get_by_role("switch", name="Available").focus()
    ana.keyboard.press("Enter")
    expect(ana.locator("#presence-badge")).to_contain_text("Available")
    expect(ana.get_by_role("link", name=re.compile("Lucia Lead"))).to_be_visible(timeout=10_000)
    expect(row).to_contain_text("Ana Souza", timeout=10_000)


def test_the_dialog_shows_each_persons_count_of_their_limit_and_allows_going_beyond(
        live_server, new_page, team):
    team_limit(live_server, 8)
    chats_of(live_server, team["bruno"]["id"], [f"Busy {n}" for n in range(8)], 5511944400000)
    [chat_id] = chats_of(live_server, team["ana"]["id"], ["Carla Mendes"], 5511944500000)
    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.locator(f"#chat-row-{chat_id}").get_by_role(
        "button", name="Transfer the chat with Carla Mendes").click()
    dialog = manager.locator("#transfer-dialog")
    expect(dialog).to_contain_text("Bruno Lima · 8 of 8 open chats")
    expect(dialog).to_contain_text("Ana Souza · 1 of 8 open chats")
    dialog.get_by_label(re.compile("Bruno Lima · 8 of 8")).check()
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog).to_be_hidden()
    expect(manager.locator(f"#chat-row-{chat_id}")).to_contain_text("Bruno Lima")


def test_the_manager_ticks_rows_and_transfers_them_together(live_server, new_page, team):
    ids = chats_of(live_server, team["ana"]["id"], ["Lucia", "Marco", "Nina"], 5511933300000)
    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.get_by_label("Select the chat with Lucia").check()
    manager.get_by_label("Select the chat with Nina").check()
    expect(manager.locator("[data-bulk-count]")).to_have_text("2 selected.")
    time.sleep(6)  # the list refreshes itself meanwhile; the ticks stay
    expect(manager.get_by_label("Select the chat with Lucia")).to_be_checked()
    manager.get_by_role("button", name="Transfer selected chats…").click()
    dialog = manager.locator("#transfer-dialog")
    expect(dialog).to_contain_text("Transfer 2 chats")
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    dialog.get_by_role("button", name="Transfer 2 chats").click()
    expect(dialog).to_contain_text("2 chats transferred")
    expect(dialog).to_contain_text("Lucia → Bruno Lima")
    dialog.get_by_role("button", name="Close").click()
    expect(manager.locator(f"#chat-row-{ids[0]}")).to_contain_text("Bruno Lima")
    expect(manager.locator(f"#chat-row-{ids[2]}")).to_contain_text("Bruno Lima")
    expect(manager.locator(f"#chat-row-{ids[1]}")).to_contain_text("Ana Souza")
    expect(manager.get_by_label("Select the chat with Lucia")).not_to_be_checked()

    manager.get_by_label("Select every chat shown").check()
    expect(manager.locator("[data-bulk-count]")).to_have_text("3 selected.")


def test_the_preview_follows_the_form_before_it_is_saved(live_server, new_page, team):
    live_server.make_group("North", [team["bruno"]["id"]])
    ana, bruno = new_page(), new_page()
    sign_in(ana, team["ana"]["email"])
    sign_in(bruno, team["bruno"]["email"])
    chats_of(live_server, team["ana"]["id"], ["Old friend"], 5511922200000)  # Ana is busier
    manager = new_page()
    sign_in(manager, team["manager"]["email"])
    manager.get_by_role("link", name="WhatsApp Business").click()
    preview = manager.locator(".next-chat")
    expect(preview).to_contain_text("If a new lead wrote now, Bruno Lima would get it")
    manager.wait_for_load_state("load")  # the page's deferred scripts (htmx, the reply box) must be running before we type
    manager.get_by_label("Maximum open chats per pre-seller").fill("1")
    expect(preview).to_contain_text("With these settings (not saved yet)")
    expect(preview).to_contain_text("Bruno Lima would get it")
    manager.get_by_label("Distribute to online pre-sellers of selected group(s)").check()
    expect(preview).to_contain_text("No group is selected for distribution")
    manager.get_by_label("North").check()
    expect(preview).to_contain_text("1 online pre-seller in North eligible: Bruno Lima")
    with live_server.db() as session:
        assert session.get(WhatsAppSettings, 1).distribution_mode == "online"
