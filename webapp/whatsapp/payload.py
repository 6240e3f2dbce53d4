"""A webhook delivery parsed into typed records (whatsapp.records).

A delivery whose envelope is wrong raises PayloadError (answered 400); a message or status
of the wrong shape is refused alone, with where and why, and the rest is kept. Text is made
storable (NUL and lone surrogates become U+FFFD); identifiers carrying them are refused.
Only `messages` changes matter to Relay (inbound messages and the statuses of our replies);
every other field (account, template, quality updates, echoes...) is accepted and ignored.
"""
import json
import re
from datetime import UTC, datetime
from typing import Literal, overload

from ..domain.limits import (
    FILE_NAME_LENGTH,
    LEAD_NAME_LENGTH,
    LEAD_USER_ID_LENGTH,
    MEDIA_ID_LENGTH,
    MESSAGE_TYPE_LENGTH,
    MIME_TYPE_LENGTH,
    WA_ID_LENGTH,
    WAMID_LENGTH,
)
from ..domain.media import media_kind
from .placeholders import describe
from .records import Delivery, DeliveryError, InboundMessage, MediaRef, StatusUpdate

BUSINESS_ACCOUNT = "whatsapp_business_account"
MESSAGES_FIELD = "messages"
# Unix seconds between 2001 and 5138: anything else is not a WhatsApp timestamp (which
# times are believable is the domain's rule, domain.timestamps).
MIN_TIMESTAMP, MAX_TIMESTAMP = 1_000_000_000, 99_999_999_999
# ASCII digits only: "²³".isdigit() is true, and int() of 5,000 digits raises.
UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
# A longer JSON integer is read as a float (every field we read then refuses it): Python
# refuses to make an int of more than 4,300 digits, and nothing WhatsApp sends is that long.
MAX_INTEGER_DIGITS = 40
# What PostgreSQL's text (and UTF-8) cannot hold: NUL, and surrogates JSON may escape alone.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class PayloadError(ValueError):
    """The delivery is not JSON or not shaped like a Cloud API webhook; says where and why."""


def storable(text: str) -> str:
    """The text with every character no database can store replaced by U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text)


def check_delivery(body: bytes) -> None:
    """Refuse (PayloadError, the reason) a body parse_delivery would refuse, reading only
    its envelope: the webhook's check, while the consumer parses its messages later."""
    document = _document(body)
    if document.get("object", BUSINESS_ACCOUNT) == BUSINESS_ACCOUNT:
        for _ in _message_changes(document, []):
            pass


def parse_delivery(body: bytes) -> Delivery:
    """Parse the raw body of a webhook POST."""
    document = _document(body)
    product = document.get("object", BUSINESS_ACCOUNT)
    if product != BUSINESS_ACCOUNT:
        return Delivery((), (), (f"object {product!r}",))
    messages: list[InboundMessage] = []
    statuses: list[StatusUpdate] = []
    ignored: list[str] = []
    refused: list[str] = []
    for where, contacts, raw_messages, raw_statuses in _message_changes(document, ignored):
        known = [c for c in contacts if isinstance(c, dict)]
        for n, raw in enumerate(raw_messages):
            _read_alone(messages, refused, _message, raw, known, f"{where}.messages[{n}]")
        for n, raw in enumerate(raw_statuses):
            _read_alone(statuses, refused, _status, raw, f"{where}.statuses[{n}]")
    messages.sort(key=lambda message: message.sent_at)  # stable: ties keep delivery order
    return Delivery(tuple(messages), tuple(statuses), tuple(ignored), tuple(refused))


def _message_changes(document: dict, ignored: list[str]):
    """(location, contacts, messages, statuses) of every `messages` change, checking the
    envelope's shape (PayloadError); the other changes' fields go to `ignored`."""
    for where, change in _changes(document):
        if change["field"] != MESSAGES_FIELD:
            ignored.append(change["field"])
            continue
        value = change["value"]
        yield (where, _list(value, "contacts", where), _list(value, "messages", where),
               _list(value, "statuses", where))


def _document(body: bytes) -> dict:
    """The body as a JSON object, or PayloadError saying why it is not one."""
    try:
        document = json.loads(body, parse_int=_integer)
    except UnicodeDecodeError as error:
        raise PayloadError("The body is not UTF-8 text.") from error
    except json.JSONDecodeError as error:
        raise PayloadError(f"The body is not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}.") from error
    except RecursionError as error:
        raise PayloadError("The body is not valid JSON: it is nested too deeply.") from error
    if not isinstance(document, dict):
        raise PayloadError("The body must be a JSON object with an 'entry' list.")
    return document


def _integer(digits: str) -> int | float:
    """A JSON integer; an absurdly long one becomes a float rather than an error."""
    return int(digits) if len(digits) <= MAX_INTEGER_DIGITS else float(digits)


def _read_alone(records: list, refused: list, read, raw, *args) -> None:
    """Read one message or status; a wrong one is refused alone, never the delivery.

    Besides our own PayloadError, the shape errors Python raises on an unexpected type
    (a string where an object belongs...) refuse the item: one odd message must not cost
    the delivery's other messages.
    """
    where = args[-1]
    try:
        records.append(read(raw, *args))
    except PayloadError as error:
        refused.append(str(error))
    except (TypeError, AttributeError, ValueError) as error:
        refused.append(f"{where}: could not be read ({type(error).__name__}).")


def _changes(document: dict):
    """Every (location, change) of every entry, checking the envelope's shape."""
    entries = document.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("'entry' must be a list.")
    for e, entry in enumerate(entries):
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise PayloadError(f"entry[{e}] must be an object with a 'changes' list.")
        for c, change in enumerate(changes):
            where = f"entry[{e}].changes[{c}]"
            if not isinstance(change, dict) or not isinstance(change.get("field"), str):
                raise PayloadError(f"{where} must be an object with a 'field' name.")
            if not isinstance(change.get("value"), dict):
                raise PayloadError(f"{where}.value must be an object.")
            yield where + ".value", change


def _list(value: dict, key: str, where: str) -> list:
    """An optional list inside a change's value."""
    items = value.get(key, [])
    if not isinstance(items, list):
        raise PayloadError(f"{where}.{key} must be a list.")
    return items


@overload
def _identifier(raw: dict, key: str, limit: int, where: str, *,
                required: Literal[True]) -> str: ...
@overload
def _identifier(raw: dict, key: str, limit: int, where: str, *,
                required: bool = False) -> str | None: ...
def _identifier(raw: dict, key: str, limit: int, where: str, *,
                required: bool = False) -> str | None:
    """A string id such as a wamid or a wa_id, checked against its column size."""
    value = raw.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{where}: '{key}' must be a non-empty string.")
    if len(value) > limit:
        raise PayloadError(f"{where}: '{key}' is longer than {limit} characters.")
    if UNSTORABLE.search(value):
        raise PayloadError(f"{where}: '{key}' holds a NUL or an unpaired surrogate.")
    return value.strip()


def _timestamp(raw: dict, where: str) -> datetime:
    """The Unix seconds WhatsApp sends as a string, as an aware UTC datetime."""
    value = raw.get("timestamp")
    if isinstance(value, str) and UNIX_SECONDS.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) \
            or not MIN_TIMESTAMP <= value <= MAX_TIMESTAMP:
        raise PayloadError(f"{where}: 'timestamp' must be Unix seconds.")
    return datetime.fromtimestamp(value, tz=UTC)


def _sender(raw: dict, contacts: list[dict], where: str) -> tuple[str | None, str | None, str]:
    """The lead's wa_id, business-scoped user_id and profile name.

    A lead who hides their number has no `from`, only a user_id (on the message or in
    `contacts`). A contact counts as the sender only when one of its ids matches, or when
    it is the only one and the message names nobody.
    """
    wa_id = _identifier(raw, "from", WA_ID_LENGTH, where)
    user_id = _identifier(raw, "from_user_id", LEAD_USER_ID_LENGTH, where)
    matching = [c for c in contacts if (wa_id and c.get("wa_id") == wa_id)
                or (user_id and c.get("user_id") == user_id)]
    if not matching and not wa_id and not user_id and len(contacts) == 1:
        matching = contacts
    contact = matching[0] if matching else {}
    wa_id = wa_id or _identifier(contact, "wa_id", WA_ID_LENGTH, where + ".contact")
    user_id = user_id or _identifier(contact, "user_id", LEAD_USER_ID_LENGTH,
                                     where + ".contact")
    if not wa_id and not user_id:
        raise PayloadError(f"{where}: the message names no sender ('from' or a user_id).")
    profile = found if isinstance(found := contact.get("profile"), dict) else {}
    name = found if isinstance(found := profile.get("name"), str) else ""
    return wa_id, user_id, storable(name.strip()[:LEAD_NAME_LENGTH])


def _message(raw, contacts: list[dict], where: str) -> InboundMessage:
    """One inbound message."""
    if not isinstance(raw, dict):
        raise PayloadError(f"{where} must be an object.")
    wamid = _identifier(raw, "id", WAMID_LENGTH, where, required=True)
    wa_id, user_id, name = _sender(raw, contacts, where)
    kind = found if isinstance(found := raw.get("type"), str) else "unknown"
    described = describe(raw)
    return InboundMessage(wamid=wamid, wa_id=wa_id, user_id=user_id, name=name,
                          sent_at=_timestamp(raw, where),
                          type=storable(kind[:MESSAGE_TYPE_LENGTH]),
                          text=storable(described.body), details=_storable(described.details),
                          where=where, media=_media(raw, kind))


def _media(raw: dict, kind: str) -> MediaRef | None:
    """The media reference of a message with a file; None without one, or with an id no
    file could have (the message itself is still stored, with its placeholder)."""
    stored_as = media_kind(kind)
    part = raw.get(kind)
    if stored_as is None or not isinstance(part, dict):
        return None
    media_id = part.get("id")
    if not isinstance(media_id, str) or not media_id.strip() or len(media_id) > MEDIA_ID_LENGTH \
            or UNSTORABLE.search(media_id):
        return None
    mime = part.get("mime_type")
    name = part.get("filename")
    return MediaRef(media_id=media_id.strip(), kind=stored_as,
                    mime_type=storable(mime[:MIME_TYPE_LENGTH]) if isinstance(mime, str) else "",
                    file_name=storable(name.strip()[:FILE_NAME_LENGTH])
                    if isinstance(name, str) else "")


def _storable(facts):
    """Facts with every string made storable (they are kept as JSON)."""
    if isinstance(facts, dict):
        return {key: _storable(value) for key, value in facts.items()}
    return storable(facts) if isinstance(facts, str) else facts


def _status(raw, where: str) -> StatusUpdate:
    """One delivery state of an outbound message."""
    if not isinstance(raw, dict):
        raise PayloadError(f"{where} must be an object.")
    wamid = _identifier(raw, "id", WAMID_LENGTH, where, required=True)
    status = raw.get("status")
    if not isinstance(status, str) or not status:
        raise PayloadError(f"{where}: 'status' must be a string.")
    errors = found if isinstance(found := raw.get("errors"), list) else []
    return StatusUpdate(wamid=wamid, status=status.lower(), at=_timestamp(raw, where),
                        errors=tuple(error_from_json(e) for e in errors if isinstance(e, dict)))


def error_from_json(raw: dict) -> DeliveryError:
    """An error object as WhatsApp writes it in statuses and API answers."""
    code = raw.get("code")
    data = found if isinstance(found := raw.get("error_data"), dict) else {}
    details = found if isinstance(found := data.get("details"), str) else ""
    title = raw.get("title") or raw.get("message") or ""
    return DeliveryError(code=code if isinstance(code, int) else None,
                         title=storable(title) if isinstance(title, str) else "",
                         details=storable(details))
