"""A webhook delivery parsed into typed records; a wrong shape raises PayloadError.

Only `messages` changes matter to Relay (inbound messages and the statuses of our replies);
every other field (account, template, quality updates, echoes...) is accepted and ignored.
"""
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from ..domain.limits import (LEAD_NAME_LENGTH, LEAD_USER_ID_LENGTH, MESSAGE_TYPE_LENGTH,
                             WA_ID_LENGTH, WAMID_LENGTH)
from .placeholders import describe

BUSINESS_ACCOUNT = "whatsapp_business_account"
MESSAGES_FIELD = "messages"
# Unix seconds between 2001 and 5138: anything else is not a WhatsApp timestamp.
MIN_TIMESTAMP, MAX_TIMESTAMP = 1_000_000_000, 99_999_999_999


class PayloadError(ValueError):
    """The delivery is not JSON or not shaped like a Cloud API webhook; says where and why."""


@dataclass(frozen=True)
class InboundMessage:
    """A message from a lead, with its text or a readable placeholder."""

    wamid: str
    wa_id: str | None
    user_id: str | None
    name: str
    sent_at: datetime
    type: str
    text: str


@dataclass(frozen=True)
class DeliveryError:
    """Why WhatsApp could not deliver one of our messages."""

    code: int | None
    title: str
    details: str


@dataclass(frozen=True)
class StatusUpdate:
    """The delivery state of one of our outbound messages."""

    wamid: str
    status: str
    at: datetime
    errors: tuple[DeliveryError, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """Everything one webhook POST carried: messages in their own time order, statuses."""

    messages: tuple[InboundMessage, ...]
    statuses: tuple[StatusUpdate, ...]
    ignored: tuple[str, ...]


def parse_delivery(body: bytes) -> Delivery:
    """Parse the raw body of a webhook POST."""
    try:
        document = json.loads(body)
    except UnicodeDecodeError as error:
        raise PayloadError("The body is not UTF-8 text.") from error
    except json.JSONDecodeError as error:
        raise PayloadError(f"The body is not valid JSON: {error.msg} at line {error.lineno}, "
                           f"column {error.colno}.") from error
    if not isinstance(document, dict):
        raise PayloadError("The body must be a JSON object with an 'entry' list.")
    product = document.get("object", BUSINESS_ACCOUNT)
    if product != BUSINESS_ACCOUNT:
        return Delivery((), (), (f"object {product!r}",))
    messages, statuses, ignored = [], [], []
    for where, change in _changes(document):
        if change["field"] != MESSAGES_FIELD:
            ignored.append(change["field"])
            continue
        value = change["value"]
        contacts = [c for c in _list(value, "contacts", where) if isinstance(c, dict)]
        for n, raw in enumerate(_list(value, "messages", where)):
            messages.append(_message(raw, contacts, f"{where}.messages[{n}]"))
        for n, raw in enumerate(_list(value, "statuses", where)):
            statuses.append(_status(raw, f"{where}.statuses[{n}]"))
    messages.sort(key=lambda message: message.sent_at)  # stable: ties keep delivery order
    return Delivery(tuple(messages), tuple(statuses), tuple(ignored))


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


def _identifier(raw: dict, key: str, limit: int, where: str, required: bool = False) -> str | None:
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
    return value.strip()


def _timestamp(raw: dict, where: str) -> datetime:
    """The Unix seconds WhatsApp sends as a string, as an aware UTC datetime."""
    value = raw.get("timestamp")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) \
            or not MIN_TIMESTAMP <= value <= MAX_TIMESTAMP:
        raise PayloadError(f"{where}: 'timestamp' must be Unix seconds.")
    return datetime.fromtimestamp(value, tz=timezone.utc)


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
    profile = contact.get("profile") if isinstance(contact.get("profile"), dict) else {}
    name = profile.get("name") if isinstance(profile.get("name"), str) else ""
    return wa_id, user_id, name.strip()[:LEAD_NAME_LENGTH]


def _message(raw, contacts: list[dict], where: str) -> InboundMessage:
    """One inbound message."""
    if not isinstance(raw, dict):
        raise PayloadError(f"{where} must be an object.")
    wamid = _identifier(raw, "id", WAMID_LENGTH, where, required=True)
    wa_id, user_id, name = _sender(raw, contacts, where)
    kind = raw.get("type") if isinstance(raw.get("type"), str) else "unknown"
    return InboundMessage(wamid=wamid, wa_id=wa_id, user_id=user_id, name=name,
                          sent_at=_timestamp(raw, where), type=kind[:MESSAGE_TYPE_LENGTH],
                          text=describe(raw))


def _status(raw, where: str) -> StatusUpdate:
    """One delivery state of an outbound message."""
    if not isinstance(raw, dict):
        raise PayloadError(f"{where} must be an object.")
    wamid = _identifier(raw, "id", WAMID_LENGTH, where, required=True)
    status = raw.get("status")
    if not isinstance(status, str) or not status:
        raise PayloadError(f"{where}: 'status' must be a string.")
    errors = raw.get("errors") if isinstance(raw.get("errors"), list) else []
    return StatusUpdate(wamid=wamid, status=status.lower(), at=_timestamp(raw, where),
                        errors=tuple(error_from_json(e) for e in errors if isinstance(e, dict)))


def error_from_json(raw: dict) -> DeliveryError:
    """An error object as WhatsApp writes it in statuses and API answers."""
    code = raw.get("code")
    data = raw.get("error_data") if isinstance(raw.get("error_data"), dict) else {}
    details = data.get("details") if isinstance(data.get("details"), str) else ""
    title = raw.get("title") or raw.get("message") or ""
    return DeliveryError(code=code if isinstance(code, int) else None,
                         title=title if isinstance(title, str) else "", details=details)
