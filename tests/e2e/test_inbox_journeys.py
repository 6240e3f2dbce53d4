"""Issue 16's journeys in real Chromium, each at a desktop (1366 px) and a phone (390 px) width:
the row's transfer dialog used three times, the header after a reply, a lost session, a long
paste."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus
from webapp.domain.limits import REPLY_LENGTH
from webapp.models import Chat, Lead, Message
from webapp.services.sessions import end_all_sessions

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(VIEWPORTS))
def open_page(request, new_page):
    """Factory: a page at this test's width (desktop, then phone)."""
    def factory(**kwargs):
        page = new_page(**kwargs)
        page.set_viewport_size(VIEWPORTS[request.param])
        return page
    factory.width = request.param
    return factory


def seed_chat(live_server, assignee_id, name: str, wa_id: str, *, waited=timedelta(minutes=3),
              text="Olá, tudo bem?", window_left=timedelta(hours=20)) -> int:
    """An open chat awaiting a reply with one message from the lead, straight in the database."""
    with live_server.db() as session:
        now = utcnow()
        at = now - waited
        chat = Chat(lead=Lead(name=name, wa_id=wa_id, owner_id=assignee_id),
                    assignee_id=assignee_id, status=ChatStatus.OPEN, opened_at=at,
                    last_inbound_at=at, last_message_at=at, last_message_preview=text,
                    window_expires_at=now + window_left, awaiting_reply=True, unread_count=1)
        session.add(chat)
        session.flush()
        session.add(Message(chat_id=chat.id, direction="in", body=text, type="text",
                            sent_at=at, wamid=f"wamid.j{chat.id}{wa_id}", status="received"))
        return chat.id


def assignee_of(live_server, chat_id: int) -> int | None:
    """Who has the chat now, read from the database."""
    with live_server.db() as session:
        return session.get(Chat, chat_id).assignee_id


def test_the_rows_dialog_opened_three_times_transfers_the_third_chat(live_server, open_page,
                                                                      team):
    ana, bruno = team["ana"]["id"], team["bruno"]["id"]
    chats = [seed_chat(live_server, ana, name, f"55119000000{n}")
             for n, name in enumerate(["Lia Um", "Caio Dois", "Rui Tres"])]
    manager = open_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    manager.wait_for_load_state("load")
    dialog = manager.locator("#transfer-dialog")
    for name in ("Lia Um", "Caio Dois"):
        manager.get_by_role("button", name=f"Transfer the chat with {name}").click()
        expect(dialog.get_by_role("heading")).to_have_text(f"Transfer the chat with {name}")
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_be_hidden()
    manager.get_by_role("button", name="Transfer the chat with Rui Tres").click()
    expect(dialog.get_by_role("heading")).to_have_text("Transfer the chat with Rui Tres")
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog).to_be_hidden()
    expect(manager.locator("#live-status")).to_contain_text("Rui Tres is now with Bruno Lima")
    assert [assignee_of(live_server, chat) for chat in chats] == [ana, ana, bruno]


def test_a_refused_transfer_from_the_list_is_shown_and_can_be_tried_again(live_server,
                                                                          open_page, team):
    ana, bruno = team["ana"]["id"], team["bruno"]["id"]
    chat_id = seed_chat(live_server, ana, "Lia Um", "5511900000011")
    manager = open_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    manager.wait_for_load_state("load")
    manager.get_by_role("button", name="Transfer the chat with Lia Um").click()
    dialog = manager.locator("#transfer-dialog")
    dialog.get_by_label(re.compile("Bruno Lima")).check()
    with live_server.db() as session:  # someone else moves it meanwhile
        chat = session.get(Chat, chat_id)
        chat.assignee_id, chat.version = bruno, chat.version + 1
    dialog.get_by_role("button", name="Transfer").click()
    expect(dialog.get_by_role("alert")).to_be_visible()
    expect(dialog).to_be_visible()
    # The dialog now shows the chat as it is: Bruno has it, Ana may be picked and sent.
    dialog.get_by_label(re.compile("Ana Souza")).check()
    send = dialog.get_by_role("button", name="Transfer")
    expect(send).to_be_enabled()
    send.click()
    expect(dialog).to_be_hidden()
    assert assignee_of(live_server, chat_id) == ana


def test_the_header_says_answered_after_a_reply(live_server, open_page, team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Hugo Head", "5511900000021")
    ana = open_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto(f"/chats/{chat_id}")
    ana.wait_for_load_state("load")
    head = ana.locator("#conv-head")
    expect(head).to_contain_text("Awaiting reply")
    box = ana.get_by_label("Reply to Hugo Head")
    box.fill("Olá Hugo!")
    box.press("Enter")
    expect(ana.locator(".msg.out .body")).to_have_text("Olá Hugo!")
    expect(head).to_contain_text("Answered")
    expect(head).not_to_contain_text("Awaiting reply")


def test_a_lost_session_keeps_the_draft_and_signing_in_returns_to_the_chat(live_server,
                                                                          open_page, team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Sara Sessao", "5511900000031")
    ana = open_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto(f"/chats/{chat_id}")
    ana.wait_for_load_state("load")
    ana.get_by_label("Reply to Sara Sessao").fill("Um rascunho que não pode sumir")
    with live_server.app.app_context():
        end_all_sessions(team["ana"]["id"])
        from webapp.extensions import db
        db.session.commit()
    # The next poll finds no session: the tab goes to sign in, naming the full page.
    ana.wait_for_url(re.compile(rf"/login\?next=/chats/{chat_id}$"), timeout=15_000)
    ana.get_by_label("E-mail").fill(team["ana"]["email"])
    ana.get_by_label("Password").fill(team["ana"]["password"])
    ana.get_by_role("button", name="Sign in").click()
    ana.wait_for_url(re.compile(rf"/chats/{chat_id}$"))
    expect(ana.locator("link[rel=stylesheet]").first).to_be_attached()
    expect(ana.get_by_label("Reply to Sara Sessao")).to_have_value("Um rascunho que não pode sumir")
    # Sent, the draft is forgotten: a reload shows an empty box.
    ana.wait_for_load_state("load")
    ana.get_by_label("Reply to Sara Sessao").press("Enter")
    expect(ana.locator(".msg.out .body")).to_have_text("Um rascunho que não pode sumir")
    ana.reload()
    expect(ana.get_by_label("Reply to Sara Sessao")).to_have_value("")


def test_a_long_paste_is_kept_whole_counted_and_refused_with_a_reason(live_server, open_page,
                                                                      team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Paula Paste", "5511900000041")
    ana = open_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto(f"/chats/{chat_id}")
    ana.wait_for_load_state("load")
    box = ana.get_by_label("Reply to Paula Paste")
    counter = ana.locator("#reply-counter")
    box.fill("curto")
    expect(counter).to_be_hidden()
    box.fill("x" * (REPLY_LENGTH + 10))
    expect(box).to_have_value("x" * (REPLY_LENGTH + 10))
    expect(counter).to_have_text(re.compile(r"^10 characters over the limit of 4,096"))
    box.press("Enter")
    expect(ana.locator("#reply-error")).to_contain_text("This reply has 4,106 characters")
    expect(ana.locator(".msg.out")).to_have_count(0)
    expect(box).to_have_value("x" * (REPLY_LENGTH + 10))


def test_the_longest_waiting_chat_comes_first_and_the_order_can_change(live_server, open_page,
                                                                       team):
    ana = team["ana"]["id"]
    seed_chat(live_server, ana, "Nina Nova", "5511900000051", waited=timedelta(minutes=1))
    seed_chat(live_server, ana, "Vera Velha", "5511900000052", waited=timedelta(minutes=12),
              window_left=timedelta(minutes=10))
    pre_seller = open_page()
    sign_in(pre_seller, team["ana"]["email"])
    pre_seller.goto("/inbox")
    items = pre_seller.locator(".chat-item .lead-name")
    expect(items).to_have_text(["Vera Velha", "Nina Nova"])
    first = pre_seller.locator(".chat-item").first
    expect(first).to_contain_text("Waiting 12 min")
    expect(first.locator(".window")).to_have_class(re.compile(r"\burgent\b"))

    manager = open_page()
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    manager.wait_for_load_state("load")
    leads = manager.locator("#chat-table .lead-link")
    expect(leads).to_have_text(["Vera Velha", "Nina Nova"])
    expect(manager.locator("#view-count-awaiting")).to_contain_text("(2)")
    manager.get_by_label("Sort by").select_option(label="Latest activity")
    expect(manager).to_have_url(re.compile(r"sort=activity"))
    expect(leads).to_have_text(["Nina Nova", "Vera Velha"])


def test_a_returning_leads_earlier_chat_and_panel_are_beside_the_conversation(
        live_server, open_page, team):
    ana = team["ana"]["id"]
    earlier = seed_chat(live_server, ana, "Rosa Volta", "5511987654321",
                        waited=timedelta(days=5), text="Quero saber o preço")
    with live_server.db() as session:
        old = session.get(Chat, earlier)
        old.status, old.opened_at = ChatStatus.CLOSED, utcnow() - timedelta(days=5)
        lead_id = old.lead_id
    now = utcnow()
    with live_server.db() as session:
        chat = Chat(lead_id=lead_id, assignee_id=ana, status=ChatStatus.OPEN, opened_at=now,
                    last_inbound_at=now, last_message_at=now, awaiting_reply=True,
                    window_expires_at=now + timedelta(hours=20))
        session.add(chat)
        session.flush()
        session.add(Message(chat_id=chat.id, direction="in", type="image",
                            body="Foto da nossa loja", details={"label": "photo"},
                            sent_at=now, wamid="wamid.photo1", status="received"))
        current = chat.id
    page = open_page()
    sign_in(page, team["ana"]["email"])
    page.goto(f"/chats/{current}")
    panel = page.locator(".lead-panel")
    expect(panel).to_contain_text("+55 11 98765-4321")
    expect(panel).to_contain_text("Ana Souza")
    expect(page.locator(".conv-live .msg.in .body")).to_have_text("Photo: Foto da nossa loja")
    summary = page.locator(".earlier-chat summary")
    expect(summary).to_contain_text("Closed")
    old_message = page.locator(".earlier-chat .body")
    expect(old_message).to_be_hidden()
    summary.click()
    expect(old_message).to_have_text("Quero saber o preço")


def test_deleting_a_group_deactivating_and_closing_ask_first(live_server, open_page, team):
    ana = team["ana"]["id"]
    live_server.make_group("Closers", [ana, team["bruno"]["id"]])
    chat_id = seed_chat(live_server, ana, "Carla Fecha", "5511900000061")
    manager = open_page()
    sign_in(manager, team["manager"]["email"])

    manager.goto("/settings/groups")
    manager.wait_for_load_state("load")
    delete = manager.get_by_role("button", name="Delete the group Closers")
    delete.click()
    dialog = manager.get_by_role("dialog", name="Delete the group Closers?")
    expect(dialog).to_contain_text("Its 2 members stay on the team")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    manager.keyboard.press("Escape")  # the keyboard cancels; nothing is deleted
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    manager.reload()
    expect(manager.get_by_role("heading", name="Closers")).to_be_visible()
    manager.get_by_role("button", name="Delete the group Closers").click()
    dialog.get_by_role("button", name="Delete group").click()
    expect(manager.get_by_role("heading", name="Closers")).to_have_count(0)

    manager.goto("/settings/users")
    manager.wait_for_load_state("load")
    manager.get_by_role("button", name="Deactivate Bruno Lima").click()
    dialog = manager.get_by_role("dialog", name="Deactivate Bruno Lima?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(manager.get_by_role("button", name="Deactivate Bruno Lima")).to_be_visible()
    manager.get_by_role("button", name="Deactivate Bruno Lima").click()
    manager.keyboard.press("Tab")  # from Cancel to the confirming button, inside the dialog
    manager.keyboard.press("Shift+Tab")
    manager.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Deactivate")).to_be_focused()
    manager.keyboard.press("Enter")
    expect(manager.get_by_role("button", name="Reactivate Bruno Lima")).to_be_visible()

    manager.goto(f"/chats/{chat_id}")
    manager.wait_for_load_state("load")
    manager.get_by_role("button", name="Close chat").click()
    dialog = manager.get_by_role("dialog", name="Close the chat with Carla Fecha?")
    dialog.get_by_role("button", name="Close chat").click()
    expect(manager.get_by_text("The chat with Carla Fecha is closed.")).to_be_visible()


def test_the_account_page_changes_the_password_and_signs_out_the_other_browser(
        live_server, open_page, team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Otto Outro", "5511900000071")
    elsewhere = open_page()
    sign_in(elsewhere, team["ana"]["email"])
    elsewhere.goto(f"/chats/{chat_id}")
    page = open_page()
    sign_in(page, team["ana"]["email"])
    page.get_by_role("link", name=re.compile("Ana Souza")).click()
    expect(page).to_have_url(re.compile(r"/account$"))
    page.get_by_label("Current password").fill(team["ana"]["password"])
    page.get_by_label("New password", exact=True).fill("outra senha forte")
    page.get_by_label("New password again").fill("outra senha forte")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Relay signed you out everywhere else")).to_be_visible()
    # The other browser's next poll finds its session ended: sign in, back to the chat.
    elsewhere.wait_for_url(re.compile(rf"/login\?next=/chats/{chat_id}$"), timeout=15_000)
    page.goto("/inbox")
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()


def test_alerts_tell_of_a_new_message_in_my_chat_and_of_a_new_chat(live_server, open_page,
                                                                   team):
    from tests.e2e.test_chat_journeys import lead_writes
    seed_chat(live_server, team["ana"]["id"], "Mara Minha", "5511900000081")
    ana = open_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    ana.wait_for_load_state("load")
    prompt = ana.get_by_role("button", name="Turn on alerts")
    expect(prompt).to_be_visible()  # one clear prompt while they are off
    prompt.click()
    expect(ana.get_by_role("button", name=re.compile("Alerts on"))).to_be_visible()
    expect(ana).to_have_title(re.compile(r"^\(1\) Inbox"))
    expect(ana.locator("html")).to_have_attribute("data-favicon-badge", "1")
    expect(ana.locator("link[rel=icon][type='image/svg+xml']")).to_have_attribute(
        "href", re.compile(r"^data:image/png"))

    lead_writes(live_server, "5511900000081", "Mara Minha", "Mais uma pergunta")
    expect(ana.locator("#live-status")).to_have_text("A new message in your chats.",
                                                     timeout=10_000)
    expect(ana).to_have_title(re.compile(r"^\(2\) Inbox"))
    expect(ana.locator("html")).to_have_attribute("data-favicon-badge", "2")

    lead_writes(live_server, "5511900000082", "Nico Novo", "Oi!")
    expect(ana.locator("#live-status")).to_have_text("A new chat arrived.", timeout=10_000)


def test_a_draft_survives_going_to_another_chat_and_back(live_server, open_page, team):
    first = seed_chat(live_server, team["ana"]["id"], "Dora Draft", "5511900000091")
    seed_chat(live_server, team["ana"]["id"], "Elio Outro", "5511900000092")
    ana = open_page()
    sign_in(ana, team["ana"]["email"])
    ana.goto(f"/chats/{first}")
    ana.wait_for_load_state("load")
    ana.get_by_label("Reply to Dora Draft").fill("Meio escrito")
    ana.goto("/inbox")
    ana.get_by_role("link", name=re.compile("Elio Outro")).click()
    expect(ana.get_by_label("Reply to Elio Outro")).to_have_value("")
    ana.goto("/inbox")  # on a phone the list is its own page
    ana.get_by_role("link", name=re.compile("Dora Draft")).click()
    expect(ana.get_by_label("Reply to Dora Draft")).to_have_value("Meio escrito")


def test_on_a_phone_the_conversation_is_the_page_with_the_reply_box_on_screen(
        live_server, new_page, team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Fabi Fone", "5511900000101")
    with live_server.db() as session:
        start = utcnow() - timedelta(minutes=50)
        session.add_all([Message(chat_id=chat_id, direction="in", type="text",
                                 body=f"Mensagem número {n}", sent_at=start + timedelta(minutes=n),
                                 wamid=f"wamid.fone{n}", status="received") for n in range(40)])
    ana = new_page()
    ana.set_viewport_size(VIEWPORTS["phone"])
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    topbar = ana.locator(".topbar")
    assert topbar.bounding_box()["height"] < 56  # one line
    ana.get_by_role("link", name=re.compile("Fabi Fone")).click()
    expect(ana).to_have_url(re.compile(rf"/chats/{chat_id}$"))
    ana.wait_for_load_state("load")
    expect(ana.locator(".list-pane")).to_be_hidden()
    box = ana.get_by_label("Reply to Fabi Fone")
    expect(box).to_be_in_viewport()
    expect(ana.locator(".msg.in .body").last).to_be_in_viewport()
    box.fill("Respondo pelo celular")
    box.press("Enter")
    expect(ana.locator(".msg.out .body")).to_have_text("Respondo pelo celular")
    expect(ana.get_by_label("Reply to Fabi Fone")).to_be_in_viewport()
    ana.get_by_role("link", name="← Inbox").click()
    expect(ana).to_have_url(re.compile(r"/inbox$"))
    expect(ana.get_by_role("link", name=re.compile("Fabi Fone"))).to_be_visible()


def test_on_a_phone_the_managers_rows_are_cards_with_transfer_in_reach(live_server, new_page,
                                                                       team):
    seed_chat(live_server, team["ana"]["id"], "Gil Cartao", "5511900000111")
    manager = new_page()
    manager.set_viewport_size(VIEWPORTS["phone"])
    sign_in(manager, team["manager"]["email"])
    manager.goto("/telephony/chats")
    manager.wait_for_load_state("load")
    assert manager.locator(".topbar").bounding_box()["height"] < 56
    row = manager.locator("tr", has_text="Gil Cartao")
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    button = manager.get_by_role("button", name="Transfer the chat with Gil Cartao")
    place = button.bounding_box()
    assert place["x"] >= 0 and place["x"] + place["width"] <= 390 and place["width"] >= 40
    button.click()
    dialog = manager.locator("#transfer-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Transfer the chat with Gil Cartao")


def test_on_a_desktop_the_list_stays_beside_the_conversation(live_server, new_page, team):
    chat_id = seed_chat(live_server, team["ana"]["id"], "Hana Mesa", "5511900000121")
    ana = new_page()
    ana.set_viewport_size(VIEWPORTS["desktop"])
    sign_in(ana, team["ana"]["email"])
    ana.goto(f"/chats/{chat_id}")
    expect(ana.locator(".list-pane")).to_be_visible()
    expect(ana.locator(".back-to-list")).to_be_hidden()
    expect(ana.get_by_label("Reply to Hana Mesa")).to_be_in_viewport()


# The browser's notifications, recorded: permission granted and the tab in the background.
RECORD_NOTIFICATIONS = """
window.__notifications = [];
window.Notification = class {
  constructor(title, options) { window.__notifications.push({title, body: options.body}); }
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
};
Object.defineProperty(document, "hidden", {get: () => true, configurable: true});
"""


def test_a_new_message_while_the_tab_is_in_the_background_shows_a_desktop_notification(
        live_server, new_page, team):
    from tests.e2e.test_chat_journeys import lead_writes
    seed_chat(live_server, team["ana"]["id"], "Olga Ouvinte", "5511900000091")
    ana = new_page()
    ana.add_init_script(RECORD_NOTIFICATIONS)
    sign_in(ana, team["ana"]["email"])
    ana.goto("/inbox")
    ana.wait_for_load_state("load")
    ana.get_by_role("button", name="Turn on alerts").click()
    expect(ana.get_by_role("button", name=re.compile("Alerts on"))).to_be_visible()
    assert ana.evaluate("window.__notifications") == []

    lead_writes(live_server, "5511900000091", "Olga Ouvinte", "Ainda estou aqui")
    expect(ana.locator("#live-status")).to_have_text("A new message in your chats.",
                                                     timeout=10_000)
    assert ana.evaluate("window.__notifications") == [
        {"title": "Relay", "body": "A new message in your chats."}]
