"""Replies: the response window, lengths, who may answer, sandbox and API failures, and the
order that keeps Relay's record true: saved as pending, then sent, then the outcome recorded."""
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from tests.chat_helpers import make_chat
from tests.webhook_helpers import FakeGraph
from tests.words import failure_of
from webapp.db import utcnow
from webapp.domain.codes import ChatStatus, Direction
from webapp.extensions import db
from webapp.models import Message
from webapp.services.replies import (
    ReplyError,
    claim_retry,
    record_outcome,
    save_pending_reply,
    send,
)


@pytest.fixture
def graph(app):
    """The app configured for the real Cloud API, pointed at a fake Graph API."""
    with FakeGraph() as fake:
        app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                          WHATSAPP_PHONE_NUMBER_ID="1098765",
                          WHATSAPP_API_BASE_URL=fake.base_url, WHATSAPP_API_TIMEOUT=(1, 0.5))
        yield fake


def send_reply(*, chat, author, text, now=None) -> Message:
    """What the reply view does: save as pending and commit, send, record and commit."""
    outgoing = save_pending_reply(chat=chat, author=author, text=text, now=now or utcnow())
    db.session.commit()
    message = record_outcome(outgoing, send(outgoing, current_app.config))
    db.session.commit()
    return message


def replies():
    """Every outbound message."""
    return db.session.scalars(select(Message).where(
        Message.direction == Direction.OUTBOUND)).all()


def test_sandbox_records_the_reply_as_sent(app, pre_seller):
    chat = make_chat(pre_seller)
    reply = send_reply(chat=chat, author=pre_seller, text="  Hi! How can I help?  ")
    assert reply.status == "sandbox" and reply.wamid.startswith("sandbox.")
    assert reply.body == "Hi! How can I help?" and reply.sender_id == pre_seller.id
    assert chat.awaiting_reply is False
    assert chat.last_message_preview == "Hi! How can I help?"


def test_a_reply_through_the_cloud_api(app, pre_seller, graph):
    chat = make_chat(pre_seller, wa_id="5511988887777")
    reply = send_reply(chat=chat, author=pre_seller, text="Hello")
    assert (reply.status, reply.wamid) == ("sent", "wamid.fake-1")
    assert graph.requests[0]["json"]["to"] == "5511988887777"


def test_an_api_error_is_kept_on_a_failed_reply_with_its_code(app, pre_seller, graph):
    chat = make_chat(pre_seller)
    graph.error(400, 131047, "Re-engagement message")
    reply = send_reply(chat=chat, author=pre_seller, text="Hello")
    [failed] = replies()
    assert failed.id == reply.id and failed.status == "failed" and failed.wamid is None
    assert "24-hour window closed" in failure_of(failed) and failed.error_code == 131047
    assert chat.awaiting_reply is True


def test_a_timeout_leaves_the_reply_unconfirmed_and_never_retried(app, pre_seller, graph):
    # WhatsApp may have taken it: sending it again could deliver it twice.
    graph.delay = 3
    chat = make_chat(pre_seller)
    reply = send_reply(chat=chat, author=pre_seller, text="Hi")
    assert reply.status == "pending" and "did not answer in time" in failure_of(reply)
    with pytest.raises(ReplyError, match="no longer waiting to be sent again"):
        claim_retry(chat=chat, message_id=reply.id, author=pre_seller, now=utcnow())


def test_a_connection_broken_after_sending_is_unconfirmed_too(app, pre_seller, graph):
    graph.hang_up = True
    reply = send_reply(chat=make_chat(pre_seller), author=pre_seller, text="Hi")
    assert reply.status == "pending" and "may have reached the lead" in failure_of(reply)
    assert len(graph.requests) == 1


def test_past_the_window_only_templates_are_allowed(app, pre_seller, graph):
    chat = make_chat(pre_seller, window_left=timedelta(minutes=-5))
    with pytest.raises(ReplyError, match=r"window closed at .*; WhatsApp only allows tem"):
        send_reply(chat=chat, author=pre_seller, text="Hello")
    expired = make_chat(pre_seller, status=ChatStatus.EXPIRED,
                        window_left=timedelta(hours=-1))
    with pytest.raises(ReplyError, match="window closed"):
        send_reply(chat=expired, author=pre_seller, text="Hello")
    assert replies() == [] and graph.requests == []


def test_a_closed_chat_cannot_be_answered(app, pre_seller):
    with pytest.raises(ReplyError, match="closed"):
        send_reply(chat=make_chat(pre_seller, status=ChatStatus.CLOSED), author=pre_seller,
                   text="Hi")


@pytest.mark.parametrize("text, reason", [("   ", "Write a reply"),
                                          ("x" * 4097, "at most 4096 characters")])
def test_empty_and_too_long_replies_are_refused(app, pre_seller, text, reason):
    with pytest.raises(ReplyError, match=reason):
        send_reply(chat=make_chat(pre_seller), author=pre_seller, text=text)
    assert replies() == []


def test_4096_characters_fit(app, pre_seller):
    chat = make_chat(pre_seller)
    reply = send_reply(chat=chat, author=pre_seller, text="x" * 4096)
    assert len(reply.body) == 4096 and len(chat.last_message_preview) == 200


def test_only_the_assignee_or_a_manager_may_answer(app, make_user, manager):
    owner, other = make_user(), make_user()
    chat = make_chat(owner)
    with pytest.raises(ReplyError, match="assignee or a manager"):
        send_reply(chat=chat, author=other, text="Hi")
    assert send_reply(chat=chat, author=manager, text="Hi").status == "sandbox"
    unassigned = make_chat(None)
    assert send_reply(chat=unassigned, author=manager, text="Hi").sender_id == manager.id


def test_a_retry_needs_the_window_still_open(app, pre_seller, graph):
    chat = make_chat(pre_seller)
    graph.error(400, 131056, "Pair rate limit")
    failed = send_reply(chat=chat, author=pre_seller, text="Hi")
    chat.window_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(ReplyError, match="window closed"):
        claim_retry(chat=chat, message_id=failed.id, author=pre_seller, now=utcnow())
    assert db.session.get(Message, failed.id).status == "failed"
