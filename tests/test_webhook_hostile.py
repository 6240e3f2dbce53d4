"""Deliveries an attacker or a broken client sends: NUL characters, odd shapes, absurd
numbers and times, deep nesting. Each odd message is refused (or kept readable) alone; the
rest of its delivery is stored and routed; nothing answered 200 is lost. Both databases."""
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.chat_helpers import add_message, make_chat
from tests.webhook_helpers import (
    URL,
    batch,
    message_payload,
    routed,
    signed_headers,
    status_payload,
    text_payload,
)
from tests.words import english, in_english
from webapp.domain.codes import Direction
from webapp.extensions import db
from webapp.message_text import line, preview_line
from webapp.models import Chat, Lead, Message, WebhookEvent
from webapp.services import inbound_messages
from webapp.whatsapp.simulate import fresh_wamid

GOOD_WA_ID = "5511955550001"
ODD_WA_ID = "5511955550002"
NUL, REPLACED = "\x00", "\ufffd"
# Python cannot even make this number (over 4,300 digits): it is written into the JSON text.
HUGE = "HUGE-NUMBER"
HUGE_DIGITS = b"9" * 5000


def good_payload() -> dict:
    """A plain text message from a lead who did nothing wrong."""
    return text_payload(wa_id=GOOD_WA_ID, name="Good Lead", text="I want a quote")


def odd_payload(**message) -> dict:
    """A delivery whose one message is changed by `message` (fields set; None deletes)."""
    payload = text_payload(wa_id=ODD_WA_ID, name="Odd Lead", text="odd")
    raw = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    for key, value in message.items():
        raw.pop(key) if value is None else raw.__setitem__(key, value)
    return payload


def as_json(payload: dict) -> bytes:
    """The payload as JSON, with a 5,000-digit number wherever it says HUGE."""
    return json.dumps(payload).encode().replace(f'"{HUGE}"'.encode(), HUGE_DIGITS)


def the_event() -> WebhookEvent:
    """The one stored delivery, fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(WebhookEvent))


def stored_bodies(wa_id: str) -> list[str]:
    """The messages stored for a lead, as an English reader reads them (placeholders are
    stored as facts beside the text)."""
    rows = db.session.execute(select(Message.details, Message.body).join(Chat).join(Lead)
                              .where(Lead.wa_id == wa_id).order_by(Message.id)).all()
    with in_english():
        return [line(details, body) for details, body in rows]


def assert_good_lead_routed(pre_seller_id: int) -> None:
    """The innocent message of the delivery was stored and its chat given to the pre-seller."""
    assert stored_bodies(GOOD_WA_ID) == ["I want a quote"]
    chat = db.session.scalar(select(Chat).join(Lead).where(Lead.wa_id == GOOD_WA_ID))
    assert chat.assignee_id == pre_seller_id


@pytest.fixture
def online(make_user):
    """An online pre-seller who receives the routed chats."""
    return make_user(name="Olivia Online", online=True)


def test_nul_in_text_name_and_caption_is_kept_as_a_replacement_character(client, online):
    text = text_payload(wa_id=ODD_WA_ID, name=f"Lu{NUL}cia", text=f"Hi{NUL}there")
    photo = message_payload({"type": "image", "image": {"id": "1", "caption": f"my{NUL}car"}},
                            wa_id=ODD_WA_ID, name=f"Lu{NUL}cia")
    for payload in (text, photo):
        response, result = routed(client, payload)
        assert response.status_code == 200 and result.failed == ()
    assert stored_bodies(ODD_WA_ID) == [f"Hi{REPLACED}there", f"[Photo] my{REPLACED}car"]
    assert db.session.scalar(select(Lead.name)) == f"Lu{REPLACED}cia"
    chat = db.session.scalar(select(Chat))
    assert chat.assignee_id == online.id and english(preview_line, chat).startswith("Photo: my")


@pytest.mark.parametrize("field", ["id", "from"])
def test_nul_in_an_identifier_refuses_that_message_alone(client, online, field):
    odd = odd_payload(**{field: f"{fresh_wamid() if field == 'id' else ODD_WA_ID}{NUL}"})
    response, result = routed(client, batch(odd, good_payload()))
    assert response.status_code == 200 and result.failed == ()
    assert result.messages == 1
    [refusal] = list(result.refused)
    assert refusal.startswith("entry[0].changes[0].value.messages[0]: ")
    assert f"'{field}' holds a NUL" in refusal
    assert_good_lead_routed(online.id)
    event = the_event()
    assert event.refused == refusal and event.processed_at is not None and event.error is None


def test_nul_in_a_status_id_refuses_that_status_alone(client, online, pre_seller):
    reply = add_message(make_chat(pre_seller, awaiting_reply=False), "Our offer",
                        direction=Direction.OUTBOUND, sender=pre_seller)
    odd = status_payload(f"{reply.wamid}{NUL}", "read")
    response, result = routed(client, batch(odd, status_payload(reply.wamid, "delivered"),
                                         good_payload()))
    assert response.status_code == 200
    assert (result.messages, result.statuses) == (1, 1)
    assert list(result.refused) == [
        "entry[0].changes[0].value.statuses[0]: 'id' holds a NUL or an unpaired surrogate."]
    db.session.refresh(reply)
    assert reply.status == "delivered"
    assert_good_lead_routed(online.id)


def test_an_unpaired_surrogate_in_text_is_replaced_too(client, online):
    body = json.dumps(text_payload(wa_id=ODD_WA_ID, text="half \ud83d an emoji")).encode()
    assert b"\\ud83d" in body  # JSON carries it escaped, alone
    assert routed(client, body)[1].failed == ()
    assert stored_bodies(ODD_WA_ID) == [f"half {REPLACED} an emoji"]


READABLE_ANYWAY = [
    ({"type": "contacts", "contacts": [{"name": "Ana Lima"}]}, "[Contact card] Ana Lima"),
    ({"type": "unsupported", "errors": [{"code": 131051, "error_data": "Not supported."}]},
     "[Unsupported message] Not supported."),
    ({"type": "order", "order": {"product_items": 3, "text": "Please"}}, "[Order] Please"),
    ({"type": "text", "text": {"body": "big"}, "extra": HUGE}, "big"),
    ({"type": "order", "order": {"product_items": [{"quantity": {"x": 1},
                                                     "product_retailer_id": 42}]}},
     "[Order] 1 × 42"),
]


@pytest.mark.parametrize("odd, text", READABLE_ANYWAY,
                         ids=["contact-name-string", "error-data-string", "items-int",
                              "5000-digit-number", "quantity-object"])
def test_odd_optional_fields_still_give_a_readable_message(client, online, odd, text):
    body = as_json(batch(odd_payload(**odd), good_payload()))
    response, result = routed(client, body)
    assert response.status_code == 200 and result.failed == ()
    assert result.messages == 2 and result.refused == ()
    assert stored_bodies(ODD_WA_ID) == [text]
    assert_good_lead_routed(online.id)


REFUSED_ALONE = [
    ({"timestamp": "²³"}, "'timestamp' must be Unix seconds"),
    ({"timestamp": "1" * 5000}, "'timestamp' must be Unix seconds"),
    ({"timestamp": HUGE}, "'timestamp' must be Unix seconds"),
    ({"id": None}, "'id' must be a non-empty string"),
    ({"timestamp": "99999999999"}, "more than 5 minutes in the future"),
    ({"timestamp": "1199145600"}, "before WhatsApp existed"),  # 2008-01-01
]


@pytest.mark.parametrize("odd, reason", REFUSED_ALONE,
                         ids=["superscript-digits", "5000-digit-string", "5000-digit-number",
                              "no-id", "year-5138", "before-whatsapp"])
def test_a_message_of_the_wrong_shape_or_time_is_refused_alone(client, runner, online, odd,
                                                              reason):
    body = as_json(batch(odd_payload(**odd), good_payload()))
    response, result = routed(client, body)
    assert response.status_code == 200 and result.failed == ()
    [refusal] = list(result.refused)
    assert refusal.startswith("entry[0].changes[0].value.messages[0]") and reason in refusal
    assert stored_bodies(ODD_WA_ID) == [] and db.session.scalar(
        select(func.count(Lead.id)).where(Lead.wa_id == ODD_WA_ID)) == 0
    assert_good_lead_routed(online.id)
    event = the_event()
    assert event.refused == refusal and event.processed_at is not None
    assert "No webhook events wait" in runner.invoke(args=["reprocess-events"]).output


def test_a_future_time_within_the_clock_skew_is_believed(client, online):
    soon = datetime.now(UTC) + timedelta(minutes=4)
    response, result = routed(client, text_payload(wa_id=ODD_WA_ID, text="early", at=soon))
    assert result.messages == 1 and result.refused == ()
    chat = db.session.scalar(select(Chat))
    assert chat.window_expires_at < soon + timedelta(hours=24, minutes=1)


def test_a_100k_deep_nesting_is_a_400_with_its_reason_and_is_kept(client):
    body = b'{"entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = client.post(URL, data=body, headers=signed_headers(body))
    assert response.status_code == 400
    assert response.json["error"] == "The body is not valid JSON: it is nested too deeply."
    event = the_event()
    assert event.body == body and "nested too deeply" in event.error


def test_a_raw_body_with_nul_bytes_is_stored_and_refused_as_not_json(client):
    body = b'{"entry": ["a\x00b"]}'
    response = client.post(URL, data=body, headers=signed_headers(body))
    assert response.status_code == 400 and "not valid JSON" in response.json["error"]
    assert the_event().body == body


def test_a_message_whose_processing_fails_is_undone_alone_and_retried(client, runner, online,
                                                                     monkeypatch):
    real = inbound_messages.route_and_store

    def failing_for_the_odd_lead(messages, now):
        if any(message.wa_id == ODD_WA_ID for message in messages):
            raise RuntimeError("routing broke")
        return real(messages, now)

    monkeypatch.setattr(inbound_messages, "route_and_store", failing_for_the_odd_lead)
    odd = odd_payload()
    wamid = odd["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    response, result = routed(client, batch(odd, good_payload()))
    assert response.status_code == 200
    assert (bool(result.failed), result.messages) == (True, 1)
    assert_good_lead_routed(online.id)
    event = the_event()
    assert event.processed_at is None and event.failure == "items_failed"
    assert event.error == (f"entry[0].changes[0].value.messages[0] (wamid {wamid}): "
                           "RuntimeError: routing broke")

    monkeypatch.undo()
    result = runner.invoke(args=["reprocess-events"])
    assert f"Event {event.id}: processed (1 new messages, 1 duplicates" in result.output
    assert stored_bodies(ODD_WA_ID) == ["odd"] and stored_bodies(GOOD_WA_ID) == [
        "I want a quote"]
    event = the_event()
    assert event.processed_at is not None and event.error is None and event.attempts == 2
