"""Our own corpus of Cloud API deliveries (tests/payloads/), each through the real webhook.

Every message type, status, error and envelope the parser knows has a payload here, written
by the team from Meta's documented shapes, and each test says what Relay must store for it.
A type the parser learns without a payload here fails `test_the_corpus_covers_...`.
"""
import json

import pytest
from sqlalchemy import func, select

from tests.chat_helpers import add_message, make_chat
from tests.webhook_helpers import PAYLOADS, routed
from tests.words import failure_of, in_english
from webapp.domain.codes import Direction
from webapp.extensions import db
from webapp.message_text import line
from webapp.models import Chat, Lead, Message, WebhookEvent
from webapp.whatsapp.errors import READABLE, WINDOW_CLOSED
from webapp.whatsapp.placeholders import INTERACTIVE_REPLIES, KNOWN_TYPES

JOANA = ("5511987650101", None, "Joana Prado")
RAFAEL = ("5521998760202", None, "Rafael Teixeira")
MARTA = ("5531988770303", None, "Marta Quintana")
OTAVIO = ("5541997780404", None, "Otávio Mendes")
LIA = ("5561986650505", None, "Lia Campos")
UNSUPPORTED = "[Unsupported message] Message type is currently not supported."

# File → the messages stored from it, in their own time order: (lead, type, text).
MESSAGES = {
    "message_text": [(JOANA, "text", "Olá! Vocês entregam em Recife?")],
    "message_text_reply": [(JOANA, "text", "Pode ser amanhã às 10h?")],
    "message_text_forwarded": [(RAFAEL, "text", "[Forwarded] Vi essa promoção, ainda vale?")],
    "message_image": [(MARTA, "image", "[Photo] Foto do meu carro")],
    "message_image_without_caption": [(MARTA, "image", "[Photo]")],
    "message_image_forwarded_many_times": [
        (OTAVIO, "image", "[Forwarded many times] [Photo] Tabela de preços")],
    "message_video": [(LIA, "video", "[Video] Tour pela loja")],
    "message_gif": [(LIA, "gif", "[GIF]")],
    "message_audio": [(RAFAEL, "audio", "[Audio]")],
    "message_voice": [(RAFAEL, "audio", "[Voice message]")],
    "message_document": [
        (JOANA, "document", "[Document: orcamento-2026.pdf] Segue o orçamento")],
    "message_sticker": [(OTAVIO, "sticker", "[Sticker]")],
    "message_sticker_animated": [(OTAVIO, "sticker", "[Animated sticker]")],
    "message_location": [
        (MARTA, "location", "[Location] Loja Boa Vista, Rua da Aurora, 100, Recife")],
    "message_location_current": [(MARTA, "location", "[Location] -23.5614, -46.6559")],
    "message_contacts": [(LIA, "contacts", "[Contact card] Paulo Andrade")],
    "message_contacts_two": [(LIA, "contacts", "[Contact cards] Paulo Andrade, Beatriz Sá")],
    "message_button": [(JOANA, "button", "[Button] Quero uma proposta")],
    "message_interactive_button_reply": [(RAFAEL, "interactive", "[Button] Falar com vendedor")],
    "message_interactive_list_reply": [
        (MARTA, "interactive", "[List choice] Plano Anual — 12x sem juros")],
    "message_interactive_nfm_reply": [(OTAVIO, "interactive", "[Form reply] flow")],
    "message_interactive_call_permission_reply": [(LIA, "interactive", "[Interactive reply]")],
    "message_reaction": [(JOANA, "reaction", "[Reacted 👍]")],
    "message_reaction_removed": [(JOANA, "reaction", "[Removed a reaction]")],
    "message_order": [
        (RAFAEL, "order", "[Order] 2 × KIT-PRO-01, 1 × CABO-USB-C; Pode entregar sexta?")],
    "message_system": [(MARTA, "system", "[System] Marta Quintana changed their phone number "
                                         "from 5531988770303 to 5531988779999")],
    "message_revoke": [(OTAVIO, "revoke", "[Deleted a message]")],
    "message_edit": [(LIA, "edit", "[Edited] Na verdade são 15 unidades")],
    "message_request_welcome": [(RAFAEL, "request_welcome", "[Opened the chat]")],
    "message_ephemeral": [(MARTA, "ephemeral", "[Disappearing message]")],
    "message_unsupported": [(JOANA, "unsupported", UNSUPPORTED)],
    "message_unsupported_with_type": [
        (OTAVIO, "unsupported", "[Unsupported message] (type: poll)")],
    "message_unknown": [(LIA, "unknown", "[Unknown message]")],
    "message_new_type": [(RAFAEL, "scheduled_call", "[Scheduled call message]")],
    "message_referral": [(MARTA, "text", "Quero saber mais sobre a consultoria "
                                         "[From an ad: Consultoria grátis]")],
    "message_hidden_number": [
        ((None, "BR.1843309917256401", "Caio Ventura"), "text",
         "Oi, vi o anúncio. Qual o preço?")],
    "message_hidden_number_in_contact_only": [
        ((None, "BR.2250178843390112", "Nina Barros"), "image", "[Photo] Modelo que quero")],
    "message_number_and_user_id": [
        (("5561986650505", "BR.3306621049917733", "Lia Campos"), "text",
         "Mudei meu número para privado, é a Lia")],
    "envelope_many_entries_and_changes": [
        (JOANA, "image", "[Photo] A peça que quebrou"),
        (RAFAEL, "location", "[Location] Escritório Copacabana"),
        (JOANA, "text", "Consegue me ligar?")],
    "envelope_duplicate_message": [(LIA, "text", "Alô?")],
}
# File → the state of the reply it reports on, and the reason shown when it failed.
STATUSES = {
    "status_sent": ("sent", None),
    "status_delivered": ("delivered", None),
    "status_read": ("read", None),
    "status_played": ("read", None),  # a voice reply that was played has been read
    "status_failed_window_closed": ("failed", READABLE[WINDOW_CLOSED]),
    "status_failed_media": ("failed", "WhatsApp could not deliver this message: Media upload "
                                      "error: Downloading media from weblink failed with http "
                                      "code 404 (code 131053)."),
}
# Deliveries about other things (or errors outside any message): accepted, nothing stored.
IGNORED = ["field_account_update", "field_account_review_update",
           "field_message_template_status_update", "field_template_category_update",
           "field_phone_number_quality_update", "field_phone_number_name_update",
           "field_smb_message_echoes", "field_other_product", "error_in_value"]
# Bodies that are not Cloud API deliveries: 400 with a reason, kept.
MALFORMED = {
    "malformed_truncated": "not valid JSON",
    "malformed_entry_not_a_list": "'entry' must be a list",
}
# File → the one message refused alone (its place, why), and what was stored beside it.
REFUSED = {
    "refused_message_without_sender": (
        "entry[0].changes[1].value.messages[0]", "names no sender",
        [(JOANA, "text", "Vocês abrem sábado?")]),
    "refused_message_from_the_far_future": (
        "entry[0].changes[0].value.messages[1]", "is more than 5 minutes in the future",
        [(RAFAEL, "text", "Até amanhã!")]),
}
# What WhatsApp's documentation lists beyond message types, each needing a payload here.
DOCUMENTED_STATUSES = {"sent", "delivered", "read", "played", "failed"}
DOCUMENTED_FIELDS = {"account_update", "account_review_update", "message_template_status_update",
                     "template_category_update", "phone_number_quality_update",
                     "phone_number_name_update", "smb_message_echoes"}


def body(name: str) -> bytes:
    """A corpus file, byte for byte."""
    return (PAYLOADS / f"{name}.json").read_bytes()


def changes(name: str):
    """Every change of a corpus delivery."""
    for entry in json.loads(body(name))["entry"]:
        yield from entry["changes"]


def stored_messages() -> list[tuple]:
    """Every inbound message with its lead, in time order, as an English reader reads it
    (a placeholder is stored as facts and worded by the page)."""
    rows = db.session.execute(
        select(Lead.wa_id, Lead.user_id, Lead.name, Message.type, Message.details, Message.body)
        .join(Chat, Chat.id == Message.chat_id).join(Lead, Lead.id == Chat.lead_id)
        .where(Message.direction == Direction.INBOUND).order_by(Message.sent_at, Message.id)).all()
    with in_english():
        return [((wa_id, user_id, name), kind, line(details, text))
                for wa_id, user_id, name, kind, details, text in rows]


def reply_to_status_of(name: str, pre_seller) -> Message:
    """Our reply whose delivery state the corpus file reports."""
    [change] = changes(name)
    chat = make_chat(pre_seller, awaiting_reply=False)
    reply = add_message(chat, "Our offer", direction=Direction.OUTBOUND, sender=pre_seller)
    reply.wamid = change["value"]["statuses"][0]["id"]
    db.session.commit()
    return reply


def count(model) -> int:
    """Rows in a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_file_has_an_expectation_and_every_expectation_a_file():
    expected = {*MESSAGES, *STATUSES, *IGNORED, *MALFORMED, *REFUSED}
    assert {path.stem for path in PAYLOADS.glob("*.json")} == expected


def test_the_corpus_covers_every_type_the_parser_knows():
    messages, interactive, statuses, fields = set(), set(), set(), set()
    for name in [*MESSAGES, *STATUSES, *IGNORED]:
        for change in changes(name):
            fields.add(change["field"])
            for message in change["value"].get("messages", []):
                messages.add(message["type"])
                interactive.add(message.get("interactive", {}).get("type"))
            statuses.update(s["status"] for s in change["value"].get("statuses", []))
    assert KNOWN_TYPES - messages == set()
    assert set(INTERACTIVE_REPLIES) - interactive == set()
    assert DOCUMENTED_STATUSES - statuses == set()
    assert DOCUMENTED_FIELDS - fields == set()


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_each_message_is_stored_with_its_lead_and_text_or_placeholder(client, name):
    response, result = routed(client, body(name))
    assert response.status_code == 200, response.json
    assert stored_messages() == MESSAGES[name]
    assert count(Lead) == len({lead for lead, _, _ in MESSAGES[name]})


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_each_status_moves_our_reply_on(client, pre_seller, name):
    reply = reply_to_status_of(name, pre_seller)
    assert routed(client, body(name))[0].status_code == 200
    db.session.refresh(reply)
    assert (reply.status, failure_of(reply)) == STATUSES[name]


@pytest.mark.parametrize("name", IGNORED)
def test_deliveries_about_other_things_are_accepted_and_store_nothing(client, name):
    assert routed(client, body(name))[0].status_code == 200
    assert (count(Message), count(Lead)) == (0, 0)
    event = db.session.scalar(select(WebhookEvent))
    assert event.error is None and event.processed_at is not None


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_bodies_answer_400_with_a_reason_and_are_kept(client, name):
    response, result = routed(client, body(name))
    assert response.status_code == 400
    assert MALFORMED[name] in response.json["error"]
    event = db.session.scalar(select(WebhookEvent))
    assert event.body == body(name) and MALFORMED[name] in event.error
    assert count(Message) == 0


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_message_whatsapp_could_not_have_sent_is_refused_alone(client, name):
    response, result = routed(client, body(name))
    assert response.status_code == 200
    where, why, stored = REFUSED[name]
    [refusal] = list(result.refused)
    assert refusal.startswith(where) and why in refusal
    assert db.session.scalar(select(WebhookEvent.refused)) == refusal
    assert stored_messages() == stored


def test_the_whole_corpus_in_one_database_stores_each_message_once(client, pre_seller):
    replies = {name: reply_to_status_of(name, pre_seller) for name in STATUSES}
    deliveries = [*MESSAGES, *STATUSES, *IGNORED]
    for _ in range(2):  # Meta redelivers: the second round changes nothing
        for name in deliveries:
            assert routed(client, body(name))[0].status_code == 200, name
    # Leads seen in several files gain ids along the way: compare what was said.
    expected = [(kind, text) for name in MESSAGES for _, kind, text in MESSAGES[name]]
    assert sorted((kind, text) for _, kind, text in stored_messages()) == sorted(expected)
    for name, reply in replies.items():
        db.session.refresh(reply)
        assert (reply.status, failure_of(reply)) == STATUSES[name]
