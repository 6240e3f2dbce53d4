"""POST /webhooks/whatsapp: handshake, signature, storage first, idempotency, order, statuses,
processing errors kept and retried."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.chat_helpers import add_message, make_chat
from tests.webhook_helpers import (
    PAYLOADS,
    URL,
    batch,
    drain_deliveries,
    message_payload,
    post_signed,
    routed,
    signed_headers,
    status_payload,
    text_payload,
)
from tests.words import failure_of, in_english
from webapp.domain.codes import Direction
from webapp.extensions import db
from webapp.message_text import line
from webapp.models import Chat, Lead, Message, WebhookEvent
from webapp.services import inbound, inbound_messages


def count(model) -> int:
    """Rows in a table."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("params, status", [
    ({"hub.mode": "subscribe", "hub.verify_token": "test-verify-token",
      "hub.challenge": "1158201444"}, 200),
    ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, 403),
    ({"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token",
      "hub.challenge": "1"}, 403),
    ({}, 403),
])
def test_verification_handshake(client, params, status):
    response = client.get(URL, query_string=params)
    assert response.status_code == status
    if status == 200:
        assert response.get_data(as_text=True) == "1158201444"
        assert response.mimetype == "text/plain"
    else:
        assert "Verification refused" in response.json["error"]


@pytest.mark.parametrize("headers", [
    {},
    {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    signed_headers(b"{}", secret="not-our-secret"),
])
def test_a_missing_or_wrong_signature_is_401_and_nothing_is_stored(client, headers):
    response = client.post(URL, data=json.dumps(text_payload()), headers=headers)
    assert response.status_code == 401
    assert "signature" in response.json["error"]
    assert count(WebhookEvent) == count(Message) == count(Lead) == 0


def test_a_body_changed_after_signing_is_refused(client):
    body = json.dumps(text_payload()).encode()
    response = client.post(URL, data=body.replace(b"Hello", b"Hellp"),
                           headers=signed_headers(body))
    assert response.status_code == 401 and count(WebhookEvent) == 0


def test_a_wrong_shape_is_400_with_a_reason_and_kept(client):
    response = post_signed(client, {"object": "whatsapp_business_account", "entry": {}})
    assert response.status_code == 400
    assert response.json["error"] == "'entry' must be a list."
    event = db.session.scalar(select(WebhookEvent))
    assert (event.error, event.failure) == ("'entry' must be a list.", "bad_payload")
    assert event.dead_at is not None and drain_deliveries() == {}  # never retried by itself


def test_a_message_is_stored_raw_then_routed(client):
    response = post_signed(client, text_payload(wa_id="5511911110000", name="Ana", text="Oi"))
    assert response.status_code == 200
    assert response.json | {"event": 0} == {"received": True, "queued": True, "event": 0}
    event = db.session.scalar(select(WebhookEvent))
    assert event.processed_at is None and count(Message) == 0  # the request only stores it
    results = drain_deliveries()
    assert results == {event.id: inbound.ProcessingResult(
        messages=1, duplicates=0, statuses=0, ignored=())}
    event = db.session.scalar(select(WebhookEvent))
    assert json.loads(event.body)["entry"] and event.processed_at and event.attempts == 1
    message = db.session.scalar(select(Message))
    assert (message.direction, message.status, message.body) == ("in", "received", "Oi")
    lead = db.session.scalar(select(Lead))
    assert (lead.wa_id, lead.name) == ("5511911110000", "Ana")
    assert db.session.get(Chat, message.chat_id).lead_id == lead.id


def test_a_lead_with_a_hidden_number_is_known_by_user_id(client):
    routed(client, text_payload(wa_id=None, user_id="BR.42", name="Bia"))
    lead = db.session.scalar(select(Lead))
    assert (lead.wa_id, lead.user_id, lead.name) == (None, "BR.42", "Bia")


def test_a_batched_delivery(client):
    first = text_payload(wa_id="5511900000011", text="one")
    second = text_payload(wa_id="5511900000012", text="two")
    value = second["entry"][0]["changes"][0]["value"]
    value["messages"].append({**value["messages"][0], "id": "wamid.batch-3", "text": {
        "body": "three"}})
    _, result = routed(client, batch(first, second, status_payload("wamid.none", "read")))
    assert result.messages == 3 and result.statuses == 0
    assert count(Lead) == 2 and count(Chat) == 2 and count(Message) == 3


def test_the_same_wamid_five_times_is_stored_once(client):
    payload = text_payload(wa_id="5511900000021")
    answers = [routed(client, payload)[1] for _ in range(5)]
    assert [a.messages for a in answers] == [1, 0, 0, 0, 0]
    assert [a.duplicates for a in answers] == [0, 1, 1, 1, 1]
    events = [post_signed(client, payload).json["event"] for _ in range(3)]
    in_one_batch = drain_deliveries()  # duplicates inside one batch, too
    assert [(in_one_batch[e].messages, in_one_batch[e].duplicates) for e in events] == [
        (0, 1)] * 3
    count_all = count(WebhookEvent)
    assert count_all == 8
    assert count(Message) == 1


def test_messages_are_ordered_by_their_own_timestamp(client):
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    early = text_payload(wa_id="5511900000031", text="first", at=base)
    late = text_payload(wa_id="5511900000031", text="second", at=base + timedelta(minutes=3))
    routed(client, batch(late, early))  # one delivery, out of order
    later_still = text_payload(wa_id="5511900000031", text="third",
                               at=base + timedelta(minutes=9))
    in_between = text_payload(wa_id="5511900000031", text="late arrival",
                              at=base + timedelta(minutes=5))
    routed(client, later_still)
    routed(client, in_between)  # a separate, late delivery of an older message
    by_id = db.session.scalars(select(Message.body).order_by(Message.id)).all()
    assert by_id[:2] == ["first", "second"]
    by_time = db.session.scalars(select(Message.body).order_by(Message.sent_at)).all()
    assert by_time == ["first", "second", "late arrival", "third"]
    chat = db.session.scalar(select(Chat))
    assert count(Chat) == 1 and chat.last_inbound_at == base + timedelta(minutes=9)


def test_every_type_is_stored_with_a_placeholder(client):
    for message in ({"type": "image", "image": {"id": "1", "caption": "Car"}},
                    {"type": "reaction", "reaction": {"message_id": "w", "emoji": "👍"}},
                    {"type": "location", "location": {"latitude": 1, "longitude": 2}}):
        assert routed(client, message_payload(message))[0].status_code == 200
    stored = db.session.execute(select(Message.type, Message.details, Message.body)
                                .order_by(Message.id)).all()
    with in_english():  # placeholders are stored as facts, worded for each reader
        stored = [(kind, line(details, body)) for kind, details, body in stored]
    assert stored == [
        ("image", "[Photo] Car"), ("reaction", "[Reacted 👍]"), ("location", "[Location] 1, 2")]


@pytest.fixture
def reply(pre_seller):
    """An outbound reply, sent, in an open chat that was answered."""
    chat = make_chat(pre_seller, awaiting_reply=False)
    message = add_message(chat, "Our offer", direction=Direction.OUTBOUND, sender=pre_seller)
    return message


def status_of(message) -> tuple[str, str | None]:
    """A message's delivery state and error, fresh from the database."""
    db.session.refresh(message)
    return message.status, failure_of(message)  # the code and WhatsApp's words, as read


def test_statuses_move_forward_only(client, reply):
    for state, expected in (("delivered", "delivered"), ("sent", "delivered"),
                            ("read", "read"), ("delivered", "read"), ("failed", "read")):
        routed(client, status_payload(reply.wamid, state))
        assert status_of(reply)[0] == expected


def test_a_131047_failure_marks_the_reply_failed_with_a_readable_reason(client, reply):
    body = (PAYLOADS / "status_failed_window_closed.json").read_bytes()
    reply.wamid = json.loads(body)["entry"][0]["changes"][0]["value"]["statuses"][0]["id"]
    db.session.commit()
    _, result = routed(client, body)
    assert result.statuses == 1
    assert status_of(reply) == ("failed", "The lead's 24-hour window closed before this reply "
                                          "was delivered.")
    chat = db.session.get(Chat, reply.chat_id)
    db.session.refresh(chat)
    assert chat.awaiting_reply is True  # a reply that never arrived is no answer


def test_other_failures_keep_whatsapps_words(client, reply):
    routed(client, status_payload(reply.wamid, "failed", errors=[
        {"code": 131053, "title": "Media upload error",
         "error_data": {"details": "Unsupported Video mime type text/html."}}]))
    assert status_of(reply) == ("failed", "WhatsApp could not deliver this message: Media "
                                          "upload error: Unsupported Video mime type "
                                          "text/html (code 131053).")


def test_a_processing_error_is_kept_and_reprocess_events_retries_it(client, runner,
                                                                    monkeypatch):
    def broken(messages, now):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(inbound_messages, "route_and_store", broken)
    response, result = routed(client, text_payload(wa_id="5511900000041",
                                                   text="Are you there?"))
    assert response.status_code == 200
    assert result.failed == ("RuntimeError: database hiccup",)
    event = db.session.scalar(select(WebhookEvent))
    assert (event.error, event.failure) == ("RuntimeError: database hiccup",
                                            "processing_failed")
    assert (event.attempts, event.processed_at, count(Message)) == (1, None, 0)
    assert event.next_attempt_at is not None and event.dead_at is None  # retried later

    monkeypatch.undo()
    result = runner.invoke(args=["reprocess-events"])
    assert result.exit_code == 0, result.output
    assert f"Event {event.id}: processed (1 new messages" in result.output
    db.session.refresh(event)
    assert (event.error, event.attempts) == (None, 2) and event.processed_at is not None
    assert db.session.scalar(select(Message.body)) == "Are you there?"
    assert "No webhook events wait" in runner.invoke(args=["reprocess-events"]).output


def test_reprocess_events_reports_deliveries_that_still_fail(client, runner):
    post_signed(client, b"{{ not json")
    result = runner.invoke(args=["reprocess-events"])
    assert "failed again: The body is not valid JSON" in result.output
    assert "0 processed, 1 still failing." in result.output
    assert db.session.scalar(select(WebhookEvent.attempts)) == 2


def test_an_oversized_body_is_refused_before_it_is_read(client):
    response = client.post(URL, data=b"x" * (6 * 1024 * 1024),
                           headers={"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert response.status_code == 413 and "error" in response.json
    assert count(WebhookEvent) == 0
