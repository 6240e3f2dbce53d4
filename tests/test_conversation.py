"""One conversation over HTTP: who sees it, messages, replies, live polling, closing."""
import re
from datetime import timedelta

from tests.chat_helpers import add_decision, add_message, make_chat
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import Chat, Message


def _live_fingerprint(html: str) -> str:
    return re.search(r'/live\?fp=(\w+)', html).group(1)


def test_another_pre_sellers_chat_is_404_never_403(client, auth, pre_seller, make_user):
    theirs = make_chat(make_user(), name="Not yours")
    auth.login(pre_seller)
    for response in (client.get(f"/chats/{theirs.id}"),
                     client.get(f"/chats/{theirs.id}/live"),
                     client.post(f"/chats/{theirs.id}/reply", data={"text": "hi"}),
                     client.post(f"/chats/{theirs.id}/close"),
                     client.get("/chats/999999")):
        assert response.status_code == 404
        assert "Not yours" not in response.get_data(as_text=True)


def test_managers_see_every_chat(client, auth, manager, pre_seller):
    chat = make_chat(pre_seller, name="Anyone's lead")
    unassigned = make_chat(None, name="Nobody's lead")
    auth.login(manager)
    assert "Anyone&#39;s lead" in client.get(f"/chats/{chat.id}").get_data(as_text=True)
    page = client.get(f"/chats/{unassigned.id}").get_data(as_text=True)
    assert "Nobody&#39;s lead" in page and "Unassigned" in page


def test_messages_show_in_sent_order_with_types_and_delivery_state(client, auth, pre_seller):
    chat = make_chat(pre_seller, name="Ordered")
    base = utcnow() - timedelta(minutes=10)
    # Stored out of order: the list follows each message's own timestamp.
    add_message(chat, "third", sent_at=base + timedelta(minutes=3), direction=Direction.OUTBOUND,
                sender=pre_seller, status="failed", error="The window closed (131047).")
    add_message(chat, "first", sent_at=base + timedelta(minutes=1))
    add_message(chat, "", type="image", details={"label": "photo"},
                sent_at=base + timedelta(minutes=2))
    add_message(chat, "fourth", sent_at=base + timedelta(minutes=4), direction=Direction.OUTBOUND,
                sender=pre_seller, status="read")
    auth.login(pre_seller)

    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)

    bodies = re.findall(r"<p class=\"body\">([^<]+)</p>", html)
    assert bodies == ["first", "third", "fourth"]
    assert html.index(">first<") < html.index(">Photo<") < html.index(">third<")
    assert "Not delivered" in html and "The window closed (131047)." in html
    assert ">Read<" in html
    assert re.search(r'datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"', html)


def test_the_conversation_shows_the_time_left_as_an_iso_utc_deadline(client, auth, pre_seller):
    chat = make_chat(pre_seller, window_left=timedelta(hours=3, minutes=30))
    auth.login(pre_seller)
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert re.search(r'data-window-expires="[^"]+Z"', html)
    assert re.search(r"3 h (29|30) min left", html)


def test_opening_a_chat_as_its_assignee_clears_its_unread_count(client, auth, pre_seller,
                                                                manager):
    chat = make_chat(pre_seller, unread_count=3)
    auth.login(manager)
    client.get(f"/chats/{chat.id}")
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).unread_count == 3  # a manager looking is not reading

    auth.logout()
    auth.login(pre_seller)
    client.get(f"/chats/{chat.id}")
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).unread_count == 0


def test_the_live_poll_answers_204_until_a_message_or_state_changes(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    add_message(chat, "hello")
    auth.login(pre_seller)
    fingerprint = _live_fingerprint(client.get(f"/chats/{chat.id}").get_data(as_text=True))

    assert client.get(f"/chats/{chat.id}/live?fp={fingerprint}").status_code == 204

    add_message(chat, "are you there?")
    changed = client.get(f"/chats/{chat.id}/live?fp={fingerprint}")
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert "are you there?" in html
    assert 'id="conv-head"' in html and 'hx-swap-oob="true"' in html

    reply = add_message(chat, "yes", direction=Direction.OUTBOUND, sender=pre_seller, status="sent")
    fingerprint = _live_fingerprint(html)
    reply.status = "delivered"
    db.session.commit()
    assert ">Delivered<" in client.get(f"/chats/{chat.id}/live?fp={fingerprint}").get_data(
        as_text=True)


def test_replying_adds_the_message_without_a_reload_and_notes_sandbox(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)

    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Hello! How can I help?"},
                           headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="reply-form"' in html and "Hello! How can I help?" in html
    assert 'id="conv-live"' in html and 'hx-swap-oob="true"' in html
    assert "Sandbox" in html
    sent = db.session.scalars(db.select(Message).where(Message.chat_id == chat.id)).one()
    assert sent.direction == Direction.OUTBOUND and sent.sender_id == pre_seller.id


def test_an_empty_reply_is_refused_inline(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "   "})
    assert response.status_code == 422
    assert "Write a message first." in response.get_data(as_text=True)


def test_replying_after_the_window_closed_is_refused_with_a_clear_message(client, auth,
                                                                          pre_seller):
    chat = make_chat(pre_seller, window_left=timedelta(minutes=-5))
    auth.login(pre_seller)

    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert "Window closed" in page and "response window has closed" in page

    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Still there?"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "window" in html.lower()
    assert "Still there?" in html  # what they typed is kept
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_an_expired_chat_is_read_only(client, auth, pre_seller):
    chat = make_chat(pre_seller, status=ChatStatus.EXPIRED, window_left=timedelta(hours=-1))
    auth.login(pre_seller)
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert "Expired" in html and "Close chat" not in html
    assert re.search(r'<textarea[^>]*disabled', html)
    assert client.post(f"/chats/{chat.id}/reply", data={"text": "hi"}).status_code == 422


def test_a_chat_transferred_away_can_no_longer_be_read_or_answered(client, auth, pre_seller,
                                                                   make_user):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    assert client.get(f"/chats/{chat.id}").status_code == 200
    chat.assignee_id = make_user().id
    db.session.commit()

    assert client.get(f"/chats/{chat.id}/live?fp=x").status_code == 404
    assert client.post(f"/chats/{chat.id}/reply", data={"text": "mine?"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_a_manager_answers_an_unassigned_chat(client, auth, manager):
    chat = make_chat(None, name="Nobody yet")
    auth.login(manager)
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "A manager here."})
    assert response.status_code == 200
    sent = db.session.scalars(db.select(Message)).one()
    assert sent.sender_id == manager.id and sent.body == "A manager here."


def test_the_assignee_closes_a_chat_and_it_leaves_the_inbox(client, auth, pre_seller):
    chat = make_chat(pre_seller, name="Done deal")
    auth.login(pre_seller)

    response = client.post(f"/chats/{chat.id}/close")

    assert response.status_code == 303 and response.headers["Location"].endswith("/inbox")
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).status == ChatStatus.CLOSED
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "The chat with Done deal is closed." in inbox
    assert 'class="lead-name">Done deal' not in inbox


def test_a_manager_closes_any_chat(client, auth, manager, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(manager)
    response = client.post(f"/chats/{chat.id}/close")
    assert response.status_code == 303 and "/telephony/chats" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Chat, chat.id).status == ChatStatus.CLOSED


def test_history_lists_every_routing_decision_for_managers(client, auth, manager, pre_seller,
                                                          make_user):
    other = make_user(name="Bruno Lima")
    chat = make_chat(pre_seller)
    add_decision(chat, "distribution", assignee=pre_seller,
                 legacy_detail="Fewest chats in activity")
    add_decision(chat, "manual_transfer", from_assignee=pre_seller, assignee=other,
                 actor=manager, note="Speaks Spanish")
    auth.login(manager)

    html = client.get(f"/chats/{chat.id}/history").get_data(as_text=True)

    assert html.index("Distribution") < html.index("Manual transfer")
    assert "System" in html and "Maria Manager" in html
    assert "Speaks Spanish" in html and "Bruno Lima" in html and "Fewest chats" in html


def test_transfer_and_history_are_for_managers(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    assert client.get(f"/chats/{chat.id}/history").status_code == 403
    assert client.get(f"/chats/{chat.id}/transfer").status_code == 403
    assert client.post(f"/chats/{chat.id}/transfer", data={"to": "user:1"}).status_code == 403


def test_the_manager_view_has_an_accessible_three_dot_menu(client, auth, manager, pre_seller):
    chat = make_chat(pre_seller)
    auth.login(manager)
    html = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert 'aria-haspopup="menu"' in html and 'aria-label="More actions for this chat"' in html
    assert ">Transfer chat<" in html and ">History<" in html

    auth.logout()
    auth.login(pre_seller)
    assert 'aria-haspopup="menu"' not in client.get(f"/chats/{chat.id}").get_data(as_text=True)


def test_a_manager_conversation_issues_a_constant_number_of_queries(client, auth, manager,
                                                                   pre_seller, count_queries):
    chat = make_chat(pre_seller)
    auth.login(manager)
    client.get(f"/chats/{chat.id}")
    with count_queries() as few:
        client.get(f"/chats/{chat.id}")
    for i in range(40):
        add_message(chat, f"message {i}", sender=pre_seller if i % 2 else None,
                    direction=Direction.OUTBOUND if i % 2 else "in")
    with count_queries() as many:
        client.get(f"/chats/{chat.id}")
    assert many.count == few.count
