"""An expired chat is revived with a template, and the lead's answer is met with a quick
reply chosen from the keyboard alone (real Chromium, sandbox mode)."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import sign_in, wait_for
from tests.e2e.test_chat_journeys import lead_writes, make_chat
from webapp.domain.codes import ChatStatus, TemplateSource
from webapp.models import Chat, MessageTemplate, QuickReply

pytestmark = pytest.mark.e2e


def test_a_template_revives_an_expired_chat_and_a_quick_reply_answers_the_lead(
        live_server, new_page, team):
    ana = team["ana"]
    chat_id = make_chat(live_server, ana["id"], "Carla Mendes", "5511912345678",
                        -timedelta(hours=2))
    with live_server.db() as session:
        session.get(Chat, chat_id).status = ChatStatus.EXPIRED
        session.add_all([
            MessageTemplate(source=TemplateSource.SANDBOX, name="welcome", language="en_US",
                            category="MARKETING", status="APPROVED", body="Hi {{1}}!",
                            parameter_count=1),
            MessageTemplate(source=TemplateSource.SANDBOX, name="retomada", language="pt_BR",
                            category="UTILITY", status="APPROVED", parameter_count=2,
                            body="Olá {{1}}, ainda tem interesse no {{2}}?"),
            QuickReply(title="preco", text="Oi {lead}, aqui é {me}: o plano custa R$ 99."),
            QuickReply(title="horario", text="Atendemos das 9h às 18h.")])

    page = new_page()
    sign_in(page, ana["email"])
    # Ana finds her expired chat from the inbox.
    page.goto("/inbox")
    page.get_by_role("link", name="Expired chats").click()
    page.get_by_role("link", name=re.compile("Carla Mendes")).click()
    expect(page).to_have_url(re.compile(rf"/chats/{chat_id}$"))
    page.wait_for_load_state("load")
    expect(page.get_by_label("Reply to Carla Mendes")).to_be_disabled()

    page.get_by_role("button", name="Send a template").click()
    dialog = page.get_by_role("dialog")
    choice = dialog.get_by_label("Template")
    expect(choice).to_have_value(re.compile(r"\d+"))
    expect(choice.locator("option").first).to_contain_text("retomada")  # the lead's language
    expect(dialog.get_by_label("Value for {{1}}")).to_have_value("Carla Mendes")
    second = dialog.get_by_label("Value for {{2}}")
    second.fill("plano Pro")
    expect(dialog.locator("#template-preview")).to_have_text(
        "Olá Carla Mendes, ainda tem interesse no plano Pro?")
    expect(second).to_be_focused()  # the preview's refresh leaves her where she types
    dialog.get_by_role("button", name="Send template").click()
    expect(dialog).to_be_hidden()
    sent = page.locator(".msg.out").last
    expect(sent).to_contain_text("Template retomada")
    expect(sent).to_contain_text("Olá Carla Mendes, ainda tem interesse no plano Pro?")
    expect(sent).not_to_contain_text("Sandbox")  # said once, in the top bar and the reply box

    # Carla answers: a new chat with Ana (a new window), where a quick reply answers her.
    lead_writes(live_server, "5511912345678", "Carla Mendes", "Tenho sim!")

    def reopened() -> int | None:
        with live_server.db() as session:  # the delivery consumer routes it in the background
            return session.scalar(select(Chat.id).where(Chat.status == ChatStatus.OPEN))

    wait_for(lambda: reopened() is not None)
    new_id = reopened()
    assert new_id != chat_id
    page.goto(f"/chats/{new_id}")
    page.wait_for_load_state("load")
    box = page.get_by_label("Reply to Carla Mendes")
    expect(box).to_be_enabled()
    box.focus()
    page.keyboard.type("/")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(2)
    page.keyboard.type("pre")
    expect(options).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_value("/pre")

    page.keyboard.press("Backspace")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile("quick-replies"))
    page.keyboard.press("Enter")  # inserts the chosen text; does not send
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_value("Oi Carla Mendes, aqui é Ana Souza: o plano custa R$ 99.")
    # Inserting counts as typing: the draft is kept at once, with no keystroke after it.
    draft_key = box.get_attribute("data-draft-key")
    assert page.evaluate("key => localStorage.getItem(key)", draft_key) == (
        "Oi Carla Mendes, aqui é Ana Souza: o plano custa R$ 99.")
    page.keyboard.press("Enter")  # now the box sends it
    expect(page.locator(".msg.out .body").last).to_have_text(
        "Oi Carla Mendes, aqui é Ana Souza: o plano custa R$ 99.")
    expect(box).to_have_value("")
