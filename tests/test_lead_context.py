"""The lead beyond this chat (issue 16): the lead panel and the lead's earlier chats."""
import re
from datetime import timedelta

from tests.chat_helpers import add_message, make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import Chat
from webapp.services.lead_context import EARLIER_MESSAGES_SHOWN


def returning_lead(pre_seller, make_group):
    """A lead with two closed chats (older first) and an open one with `pre_seller`."""
    now = utcnow()
    group = make_group("Vendas SP", [pre_seller])
    first = make_chat(pre_seller, name="Rosa Volta", wa_id="5511987654321",
                      status=ChatStatus.CLOSED, last_message_at=now - timedelta(days=9))
    first.opened_at = now - timedelta(days=9)
    lead = first.lead
    lead.created_at = now - timedelta(days=9)
    second = Chat(lead=lead, assignee_id=None, status=ChatStatus.EXPIRED,
                  opened_at=now - timedelta(days=3), last_message_at=now - timedelta(days=3))
    current = Chat(lead=lead, assignee_id=pre_seller.id, group_id=group.id,
                   status=ChatStatus.OPEN, opened_at=now, last_inbound_at=now,
                   last_message_at=now, window_expires_at=now + timedelta(hours=20))
    lead.owner_id = pre_seller.id
    db.session.add_all([second, current])
    db.session.commit()
    add_message(first, "Quero saber o preço", sent_at=now - timedelta(days=9))
    add_message(first, "Custa R$ 99", direction=Direction.OUTBOUND, sender=pre_seller,
                sent_at=now - timedelta(days=9, minutes=-1))
    add_message(second, "Ainda tem?", sent_at=now - timedelta(days=3))
    return first, second, current


def test_the_conversation_shows_the_lead_panel_and_earlier_chats_in_order(
        client, auth, pre_seller, make_group):
    first, second, current = returning_lead(pre_seller, make_group)
    auth.login(pre_seller)
    html = client.get(f"/chats/{current.id}").get_data(as_text=True)
    panel = html[html.index('class="lead-panel"'):html.index("</dl>")]
    assert "+55 11 98765-4321" in panel and "Paula Seller" in panel and "Vendas SP" in panel
    assert re.search(r"<dt>Chats</dt><dd>3</dd>", panel)
    assert "2 earlier chats" in html
    order = [html.index(f'id="earlier-chat-{chat.id}"') for chat in (first, second)]
    assert order == sorted(order) and f'id="earlier-chat-{current.id}"' not in html
    earlier = html[order[0]:]
    assert "<details" in html[order[0] - 40:order[0]] and "open" not in earlier[:60]
    assert earlier.index("Quero saber o preço") < earlier.index("Custa R$ 99") \
        < earlier.index("Ainda tem?")


def test_a_first_chat_shows_the_panel_without_earlier_chats(client, auth, pre_seller):
    chat = make_chat(pre_seller, name="Nova")
    auth.login(pre_seller)
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert 'class="lead-panel"' in html and "earlier chat" not in html


def test_earlier_chats_cost_the_same_queries_however_many_messages(
        client, auth, manager, pre_seller, make_group, count_queries):
    first, _, current = returning_lead(pre_seller, make_group)
    auth.login(manager)
    client.get(f"/chats/{current.id}")
    with count_queries() as few:
        client.get(f"/chats/{current.id}")
    for i in range(EARLIER_MESSAGES_SHOWN + 5):
        add_message(first, f"antiga {i}", sender=pre_seller if i % 2 else None,
                    direction=Direction.OUTBOUND if i % 2 else "in")
    with count_queries() as many:
        html = client.get(f"/chats/{current.id}").get_data(as_text=True)
    assert many.count == few.count
    assert "antiga 0<" not in html and f"antiga {EARLIER_MESSAGES_SHOWN + 4}" in html


def test_a_photo_reads_label_then_caption_and_sandbox_is_not_on_each_bubble(
        client, auth, pre_seller):
    chat = make_chat(pre_seller)
    add_message(chat, "Foto da nossa loja", type="image", details={"label": "photo"})
    auth.login(pre_seller)
    client.post(f"/chats/{chat.id}/reply", data={"text": "Linda!"}, headers={"HX-Request": "true"})
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    body = re.search(r'<p class="body">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", body) == "Photo: Foto da nossa loja"
    live = html[html.index('id="conv-live"'):html.index('id="reply-form"')]
    assert "Sandbox" not in live and "[Photo]" not in html
    assert html.count(">Sandbox<") == 2  # the top bar and the reply box's hint
