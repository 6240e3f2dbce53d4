"""Signatures and payload parsing, without Flask or a database."""
import json
import re

import pytest

from tests.webhook_helpers import PAYLOADS, batch, message_payload, text_payload
from tests.words import english
from webapp.message_text import line
from webapp.whatsapp.payload import PayloadError, check_delivery, parse_delivery
from webapp.whatsapp.signature import is_valid, sign


def parse(payload) -> object:
    """Parse a dict payload."""
    return parse_delivery(json.dumps(payload).encode())


def test_signature_is_an_hmac_of_the_raw_bytes():
    body = b'{"object": "whatsapp_business_account"}'
    header = sign(body, "s3cret")
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert is_valid(body, header, "s3cret")
    assert is_valid(body, header.upper().replace("SHA256=", "sha256="), "s3cret")
    assert not is_valid(body + b" ", header, "s3cret")  # re-serialised JSON is not the body
    assert not is_valid(body, header, "other")
    assert not is_valid(body, None, "s3cret")
    assert not is_valid(body, header[7:], "s3cret")  # without the sha256= prefix
    assert not is_valid(body, "sha256=zz", "s3cret")
    assert not is_valid(body, header, "")  # no secret, no trust


PLACEHOLDERS = [
    ({"type": "image", "image": {"id": "1", "caption": "My car"}}, "[Photo] My car"),
    ({"type": "image", "image": {"id": "1"}}, "[Photo]"),
    ({"type": "video", "video": {"id": "1", "caption": "Tour"}}, "[Video] Tour"),
    ({"type": "audio", "audio": {"id": "1", "voice": True}}, "[Voice message]"),
    ({"type": "audio", "audio": {"id": "1"}}, "[Audio]"),
    ({"type": "document", "document": {"filename": "quote.pdf", "caption": "See"}},
     "[Document: quote.pdf] See"),
    ({"type": "sticker", "sticker": {"animated": True}}, "[Animated sticker]"),
    ({"type": "location", "location": {"latitude": 1.5, "longitude": 2.5}},
     "[Location] 1.5, 2.5"),
    ({"type": "location", "location": {"latitude": 1, "longitude": 2, "name": "HQ",
                                       "address": "1 Main St"}}, "[Location] HQ, 1 Main St"),
    ({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ana Lima"}}]},
     "[Contact card] Ana Lima"),
    ({"type": "button", "button": {"text": "Yes", "payload": "YES"}}, "[Button] Yes"),
    ({"type": "interactive", "interactive": {"type": "button_reply",
                                             "button_reply": {"id": "b", "title": "Call me"}}},
     "[Button] Call me"),
    ({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {
        "id": "l", "title": "Plan B", "description": "Monthly"}}}, "[List choice] Plan B — Monthly"),
    ({"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "❤️"}}, "[Reacted ❤️]"),
    ({"type": "reaction", "reaction": {"message_id": "wamid.x"}}, "[Removed a reaction]"),
    ({"type": "order", "order": {"product_items": [{"product_retailer_id": "SKU1",
                                                    "quantity": 2}]}}, "[Order] 2 × SKU1"),
    ({"type": "system", "system": {"body": "Number changed"}}, "[System] Number changed"),
    ({"type": "unsupported", "errors": [{"code": 131051, "error_data": {
        "details": "Message type is currently not supported."}}]},
     "[Unsupported message] Message type is currently not supported."),
    ({"type": "revoke", "revoke": {"original_message_id": "wamid.x"}}, "[Deleted a message]"),
    ({"type": "edit", "edit": {"original_message_id": "wamid.x", "message": {
        "type": "text", "text": {"body": "Fixed typo"}}}}, "[Edited] Fixed typo"),
    ({"type": "text", "text": {"body": "hi"}, "context": {"forwarded": True}},
     "[Forwarded] hi"),
    ({"type": "text", "text": {"body": "hi"}, "referral": {"headline": "Spring sale"}},
     "hi [From an ad: Spring sale]"),
    ({"type": "request_welcome"}, "[Opened the chat]"),
    ({"type": "brand_new_kind"}, "[Brand new kind message]"),
    ({"type": "image", "image": "not an object"}, "[Photo]"),
]


@pytest.mark.parametrize("message, text", PLACEHOLDERS)
def test_every_type_reads_as_text_or_a_placeholder(message, text):
    [parsed] = parse(message_payload(message)).messages
    # Placeholders are facts beside the text; this is how an English reader reads them.
    assert english(line, parsed.details, parsed.text) == text
    assert parsed.type == message["type"]


def test_sender_ids_and_name():
    [message] = parse(text_payload(wa_id="5511911112222", name="Ana")).messages
    assert (message.wa_id, message.user_id, message.name) == ("5511911112222", None, "Ana")
    hidden = parse(text_payload(wa_id=None, user_id="BR.777", name="Bia")).messages[0]
    assert (hidden.wa_id, hidden.user_id, hidden.name) == (None, "BR.777", "Bia")


def test_a_contact_that_is_not_the_sender_lends_no_name():
    payload = text_payload(wa_id="111", name="Someone else")
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["from"] = "222"
    [message] = parse(payload).messages
    assert (message.wa_id, message.name) == ("222", "")


def test_messages_come_out_in_their_own_time_order():
    late = text_payload(text="second", at=None)
    early = text_payload(text="first")
    late_msg = late["entry"][0]["changes"][0]["value"]["messages"][0]
    early["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = \
        str(int(late_msg["timestamp"]) - 60)
    assert [m.text for m in parse(batch(late, early)).messages] == ["first", "second"]


def test_other_fields_and_products_are_ignored():
    delivery = parse({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}]}]})
    assert delivery.messages == () and delivery.ignored == ("account_update",)
    assert parse({"object": "instagram", "entry": "anything"}).ignored == ("object 'instagram'",)


@pytest.mark.parametrize("body, reason", [
    (b"{{", "not valid JSON"),
    (b"\xff\xfe\xfa", "not"),
    (b"[]", "JSON object"),
    (b'{"object": "whatsapp_business_account"}', "'entry' must be a list"),
    (b'{"entry": [{"id": "1"}]}', "entry[0] must be an object with a 'changes' list"),
    (b'{"entry": [{"changes": [{"value": {}}]}]}', "'field' name"),
    (b'{"entry": [{"changes": [{"field": "messages", "value": []}]}]}', "value must be an obj"),
    (b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": {}}}]}]}',
     "messages must be a list"),
])
def test_wrong_shapes_say_where_and_why(body, reason):
    with pytest.raises(PayloadError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        parse_delivery(body)


@pytest.mark.parametrize("change, reason", [
    ({"id": None}, "'id' must be a non-empty string"),
    ({"timestamp": "yesterday"}, "'timestamp' must be Unix seconds"),
    ({"timestamp": "99"}, "'timestamp' must be Unix seconds"),
    ({"from": "1" * 40}, "'from' is longer than 32"),
])
def test_a_message_without_what_we_need_is_refused(change, reason):
    payload = text_payload()
    payload["entry"][0]["changes"][0]["value"]["messages"][0].update(change)
    delivery = parse(payload)  # refused alone: the delivery itself is fine
    assert delivery.messages == ()
    [refusal] = delivery.refused
    assert refusal.startswith("entry[0].changes[0].value.messages[0]: ") and reason in refusal


def test_a_message_naming_no_sender_is_refused():
    payload = text_payload()
    value = payload["entry"][0]["changes"][0]["value"]
    del value["messages"][0]["from"]
    value["contacts"] = []
    [refusal] = parse(payload).refused
    assert re.search(r"messages\[0\]: the message names no sender", refusal)


def test_statuses_with_their_errors():
    delivery = parse({"entry": [{"changes": [{"field": "messages", "value": {"statuses": [
        {"id": "wamid.A", "status": "FAILED", "timestamp": "1700000000", "errors": [
            {"code": 131047, "title": "Re-engagement message",
             "error_data": {"details": "More than 24 hours"}}]}]}}]}]})
    [status] = delivery.statuses
    assert (status.wamid, status.status) == ("wamid.A", "failed")
    assert (status.errors[0].code, status.errors[0].details) == (131047, "More than 24 hours")


CHECKED_BODIES = [
    b"{{", b"\xff\xfe\xfa", b"[]", b"{}", b'{"object": "instagram", "entry": 1}',
    b'{"object": "whatsapp_business_account"}', b'{"entry": [{"id": "1"}]}',
    b'{"entry": [{"changes": [{"value": {}}]}]}',
    b'{"entry": [{"changes": [{"field": "messages", "value": []}]}]}',
    b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": {}}}]}]}',
    b'{"entry": [{"changes": [{"field": "messages", "value": {"contacts": 1}}]}]}',
    b'{"entry": [{"changes": [{"field": "messages", "value": {"statuses": "x"}}]}]}',
    b'{"entry": [{"changes": [{"field": "other", "value": {"statuses": "x"}}]}]}',
    b'{"entry": [{"changes": [{"field": "messages", "value": {"messages": [1, {}]}}]}]}',
    b"[" * 100_000 + b"]" * 100_000,
] + sorted(path.read_bytes() for path in PAYLOADS.glob("*.json"))


@pytest.mark.parametrize("body", CHECKED_BODIES, ids=range(len(CHECKED_BODIES)))
def test_the_webhooks_check_refuses_exactly_what_parsing_refuses(body):
    """check_delivery (the webhook's, envelope only) and parse_delivery (the consumer's)
    refuse the same bodies with the same reason."""
    def outcome(read):
        try:
            read(body)
        except PayloadError as error:
            return str(error)
        return None

    assert outcome(check_delivery) == outcome(parse_delivery)
