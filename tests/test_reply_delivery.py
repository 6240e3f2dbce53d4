"""A reply over HTTP is saved before WhatsApp hears of it, its outcome is recorded, a failed
one can be retried, and nothing ever reaches the lead twice or without a record."""
import re
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from tests.chat_helpers import add_message, make_chat
from tests.conftest import PASSWORD
from tests.live_server import serving
from tests.webhook_helpers import FakeGraph
from webapp.db import utcnow
from webapp.domain.codes import Direction
from webapp.extensions import db
from webapp.models import Message


@pytest.fixture
def graph(app):
    """The app configured for the real Cloud API, pointed at a fake Graph API."""
    with FakeGraph() as fake:
        app.config.update(WHATSAPP_ACCESS_TOKEN="token-abc", SANDBOX=False,
                          WHATSAPP_PHONE_NUMBER_ID="1098765",
                          WHATSAPP_API_BASE_URL=fake.base_url, WHATSAPP_API_TIMEOUT=(1, 0.5))
        yield fake


def replies() -> list[Message]:
    """Every outbound message, as stored now."""
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(
        Message.direction == Direction.OUTBOUND).order_by(Message.id)))


def _retry_url(html: str) -> str:
    return re.search(r'hx-post="(/chats/\d+/messages/\d+/retry)"', html).group(1)


def test_the_reply_is_committed_before_whatsapp_hears_of_it(app, client, auth, pre_seller,
                                                            graph):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    other = create_engine(db.engine.url, connect_args={"timeout": 0.2}
                          if db.engine.dialect.name == "sqlite" else {})
    seen = {}

    def look_from_another_connection(_payload):
        with other.connect() as conn:
            seen["rows"] = conn.execute(text(
                "SELECT status, wamid FROM messages WHERE direction = 'out'")).all()
            # No transaction of the request is open while WhatsApp is called: on SQLite
            # the write lock is free, on PostgreSQL nothing is left idle in a transaction.
            if other.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                conn.exec_driver_sql("ROLLBACK")
            else:
                seen["idle"] = conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'idle in transaction'")).scalar()

    graph.on_request = look_from_another_connection
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Hello"})
    other.dispose()
    assert response.status_code == 200
    assert seen["rows"] == [("pending", None)]
    assert seen.get("idle", 0) == 0
    [sent] = replies()
    assert (sent.status, sent.wamid) == ("sent", "wamid.fake-1")


def test_a_reply_that_cannot_be_saved_is_never_sent(app, client, auth, pre_seller, graph):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)

    def disk_full(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO MESSAGES"):
            raise OperationalError(statement, {}, Exception("disk full"))

    event.listen(db.engine, "before_cursor_execute", disk_full)
    try:
        response = client.post(f"/chats/{chat.id}/reply", data={"text": "Hello"})
    finally:
        event.remove(db.engine, "before_cursor_execute", disk_full)
    assert response.status_code == 503  # the database's refusal, said at once
    assert graph.requests == [] and replies() == []


def test_a_failed_send_shows_as_failed_and_retry_sends_it_once(app, client, auth, pre_seller,
                                                               graph):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    graph.error(400, 131056, "Pair rate limit")
    response = client.post(f"/chats/{chat.id}/reply", data={"text": "Hello"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "pair rate limit" in html
    assert "Not delivered" in html and ">Retry</button>" in html
    assert '<textarea id="reply-text"' in html and "Hello</textarea>" not in html  # in the list
    [failed] = replies()
    assert (failed.status, failed.error_code, failed.wamid) == ("failed", 131056, None)

    graph.answer = (200, {"messaging_product": "whatsapp", "messages": [{"id": "wamid.ok"}]})
    retried = client.post(_retry_url(html))
    assert retried.status_code == 200 and ">Retry</button>" not in retried.get_data(as_text=True)
    again = client.post(_retry_url(html))
    assert again.status_code == 422 and "no longer waiting" in again.get_data(as_text=True)
    [sent] = replies()
    assert (sent.status, sent.wamid, sent.error, sent.error_code) == ("sent", "wamid.ok", None,
                                                                      None)
    assert len(graph.requests) == 2
    db.session.refresh(chat)
    assert chat.awaiting_reply is False


def test_a_reply_with_a_wamid_is_never_sent_again(client, auth, pre_seller, graph):
    chat = make_chat(pre_seller)
    # WhatsApp took it, then reported it failed (a status webhook): sending it again is the
    # person's decision, as a new reply.
    reported = add_message(chat, "Hello", direction=Direction.OUTBOUND, sender=pre_seller,
                           status="failed", error="The lead's 24-hour window closed.")
    auth.login(pre_seller)
    assert ">Retry</button>" not in client.get(f"/chats/{chat.id}").get_data(as_text=True)
    refused = client.post(f"/chats/{chat.id}/messages/{reported.id}/retry")
    assert refused.status_code == 422 and graph.requests == []
    assert replies()[0].status == "failed"


def test_unconfirmed_replies_say_so_and_offer_no_retry(client, auth, pre_seller, graph):
    chat = make_chat(pre_seller)
    auth.login(pre_seller)
    graph.delay = 3  # WhatsApp stops answering: it may have taken the reply
    timed_out = client.post(f"/chats/{chat.id}/reply", data={"text": "First"})
    assert timed_out.status_code == 422
    html = timed_out.get_data(as_text=True)
    assert "Not confirmed" in html and "did not answer in time" in html
    assert ">Retry</button>" not in html
    # A process that died between sending and recording leaves a pending reply behind.
    add_message(chat, "Second", direction=Direction.OUTBOUND, sender=pre_seller,
                status="pending", sent_at=utcnow() - timedelta(minutes=5))
    add_message(chat, "Third", direction=Direction.OUTBOUND, sender=pre_seller, status="pending")
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    assert page.count("Not confirmed") == 2 and "Relay did not hear back" in page
    assert page.count("Sending…") == 1  # the fresh one is still on its way
    for message in replies():
        refused = client.post(f"/chats/{chat.id}/messages/{message.id}/retry")
        assert refused.status_code == 422
    assert len(graph.requests) == 1


def test_a_pending_reply_turns_unconfirmed_for_a_polling_page(client, auth, pre_seller):
    chat = make_chat(pre_seller)
    reply = add_message(chat, "Hi", direction=Direction.OUTBOUND, sender=pre_seller,
                        status="pending")
    auth.login(pre_seller)
    page = client.get(f"/chats/{chat.id}").get_data(as_text=True)
    fingerprint = re.search(r"/live\?fp=(\w+)", page).group(1)
    assert client.get(f"/chats/{chat.id}/live?fp={fingerprint}").status_code == 204
    reply.sent_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    changed = client.get(f"/chats/{chat.id}/live?fp={fingerprint}")
    assert changed.status_code == 200 and "Not confirmed" in changed.get_data(as_text=True)


def test_two_retries_at_once_send_once(app, pre_seller, graph):
    chat = make_chat(pre_seller)
    failed = add_message(chat, "Hello", direction=Direction.OUTBOUND, sender=pre_seller,
                         status="failed", error="Network problem")
    failed.wamid = None
    db.session.commit()
    url = f"/chats/{chat.id}/messages/{failed.id}/retry"
    email = pre_seller.email
    graph.delay = 0.3  # the first send is still on its way when the second claims

    def claim_slowly(conn, cursor, statement, *args):
        # Both requests have read the reply as failed before either claims it.
        if statement.startswith("UPDATE messages SET status"):
            time.sleep(0.3)

    event.listen(db.engine, "before_cursor_execute", claim_slowly)
    db.session.remove()  # the test's own session holds no transaction (SQLite lock)
    with serving(app) as base:
        people = [requests.Session() for _ in range(2)]
        for person in people:
            person.post(base + "/login", data={"email": email,
                                               "password": PASSWORD}, timeout=30)
        barrier, answers = threading.Barrier(2), [None, None]

        def retry(n):
            barrier.wait()
            answers[n] = people[n].post(base + url, timeout=30)

        threads = [threading.Thread(target=retry, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    event.remove(db.engine, "before_cursor_execute", claim_slowly)
    assert sorted(answer.status_code for answer in answers) == [200, 422]
    assert len(graph.requests) == 1
    [sent] = replies()
    assert (sent.status, sent.wamid) == ("sent", "wamid.fake-1")
