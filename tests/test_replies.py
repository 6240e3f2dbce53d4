"""send_reply: the response window, lengths, who may answer, sandbox and API failures."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.webhook_helpers import FakeGraph
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import Message
from webapp.services.replies import ReplyError, send_reply


@pytest.fixture
def graph(app):
    """The app configured for the real Cloud API, pointed at a fake Graph API."""
    with FakeGraph() as fake:
        app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                          WHATSAPP_PHONE_NUMBER_ID="1098765",
                          WHATSAPP_API_BASE_URL=fake.base_url, WHATSAPP_API_TIMEOUT=(1, 0.5))
        yield fake


def replies():
    """Every outbound message."""
    return db.session.scalars(select(Message).where(Message.direction == Direction.OUTBOUND)).all()


def test_sandbox_records_the_reply_as_sent(app, pre_seller):
    chat = make_chat(pre_seller)
    reply = send_reply(chat=chat, author=pre_seller, text="  Hi! How can I help?  ", now=utcnow())
    db.session.commit()
    assert reply.status == "sandbox" and reply.wamid.startswith("sandbox.")
    assert reply.body == "Hi! How can I help?" and reply.sender_id == pre_seller.id
    assert chat.awaiting_reply is False
    assert chat.last_message_preview == "Hi! How can I help?"


def test_a_reply_through_the_cloud_api(app, pre_seller, graph):
    chat = make_chat(pre_seller, wa_id="5511988887777")
    reply = send_reply(chat=chat, author=pre_seller, text="Hello", now=utcnow())
    assert (reply.status, reply.wamid) == ("sent", "wamid.fake-1")
    assert graph.requests[0]["json"]["to"] == "5511988887777"


def test_an_api_error_is_kept_on_a_failed_reply(app, pre_seller, graph):
    chat = make_chat(pre_seller)
    graph.error(400, 131047, "Re-engagement message")
    with pytest.raises(ReplyError, match="24-hour window closed"):
        send_reply(chat=chat, author=pre_seller, text="Hello", now=utcnow())
    db.session.commit()
    [failed] = replies()
    assert failed.status == "failed" and "24-hour window" in failed.error
    assert chat.awaiting_reply is True


def test_a_timeout_is_a_failed_reply_not_a_hang(app, pre_seller, graph):
    graph.delay = 3
    with pytest.raises(ReplyError, match="did not answer in time"):
        send_reply(chat=make_chat(pre_seller), author=pre_seller, text="Hi", now=utcnow())
    assert replies()[0].status == "failed"


def test_past_the_window_only_templates_are_allowed(app, pre_seller, graph):
    chat = make_chat(pre_seller, window_left=timedelta(minutes=-5))
    with pytest.raises(ReplyError, match=r"window closed at .* UTC; WhatsApp only allows tem"):
        send_reply(chat=chat, author=pre_seller, text="Hello", now=utcnow())
    expired = make_chat(pre_seller, status=ChatStatus.EXPIRED, window_left=timedelta(hours=-1))
    with pytest.raises(ReplyError, match="window closed"):
        send_reply(chat=expired, author=pre_seller, text="Hello", now=utcnow())
    assert replies() == [] and graph.requests == []


def test_a_closed_chat_cannot_be_answered(app, pre_seller):
    with pytest.raises(ReplyError, match="closed"):
        send_reply(chat=make_chat(pre_seller, status=ChatStatus.CLOSED), author=pre_seller,
                   text="Hi",
                   now=utcnow())


@pytest.mark.parametrize("text, reason", [("   ", "Write a reply"),
                                          ("x" * 4097, "at most 4096 characters")])
def test_empty_and_too_long_replies_are_refused(app, pre_seller, text, reason):
    with pytest.raises(ReplyError, match=reason):
        send_reply(chat=make_chat(pre_seller), author=pre_seller, text=text, now=utcnow())
    assert replies() == []


def test_4096_characters_fit(app, pre_seller):
    chat = make_chat(pre_seller)
    reply = send_reply(chat=chat, author=pre_seller, text="x" * 4096, now=utcnow())
    db.session.commit()
    assert len(reply.body) == 4096 and len(chat.last_message_preview) == 200


def test_only_the_assignee_or_a_manager_may_answer(app, make_user, manager):
    owner, other = make_user(), make_user()
    chat = make_chat(owner)
    with pytest.raises(ReplyError, match="assignee or a manager"):
        send_reply(chat=chat, author=other, text="Hi", now=utcnow())
    assert send_reply(chat=chat, author=manager, text="Hi", now=utcnow()).status == "sandbox"
    unassigned = make_chat(None)
    assert send_reply(chat=unassigned, author=manager, text="Hi", now=utcnow()).sender_id \
        == manager.id
