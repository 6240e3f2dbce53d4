"""A reply WhatsApp refused shows as not delivered, and Retry in the browser sends it once."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_chat_journeys import make_chat
from tests.webhook_helpers import FakeGraph

pytestmark = pytest.mark.e2e


def test_a_refused_reply_is_retried_once_from_the_conversation(live_server, new_page):
    ana = live_server.make_user(email="ana@example.test", name="Ana Souza")
    chat_id = make_chat(live_server, ana["id"], "Carla Mendes", "5511912345678",
                        timedelta(hours=20))
    with FakeGraph() as graph:
        live_server.app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                                      WHATSAPP_PHONE_NUMBER_ID="1098765",
                                      WHATSAPP_API_BASE_URL=graph.base_url)
        graph.error(400, 131056, "Pair rate limit")
        page = new_page()
        sign_in(page, ana["email"])
        page.goto(f"/chats/{chat_id}")
        box = page.get_by_label("Reply to Carla Mendes")
        box.fill("Olá Carla!")
        box.press("Enter")
        failed = page.locator(".msg.out.failed")
        expect(failed).to_contain_text("Not delivered")
        expect(page.locator("#reply-error")).to_contain_text("pair rate limit")
        expect(box).to_have_value("")  # the reply is in the conversation, not lost

        graph.answer = (200, {"messaging_product": "whatsapp",
                              "messages": [{"id": "wamid.retried"}]})
        failed.get_by_role("button", name="Retry").click()
        expect(page.locator(".msg.out")).to_contain_text("Sent")
        expect(page.locator(".msg.out.failed")).to_have_count(0)
        expect(page.get_by_role("button", name="Retry")).to_have_count(0)
        expect(page.locator("#reply-error")).to_have_count(0)
        assert len(graph.requests) == 2
