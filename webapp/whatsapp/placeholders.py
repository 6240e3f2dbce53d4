"""A placeholder for every kind of WhatsApp message, so nothing shows up blank.

Placeholders are stored as facts (a label code and its fields) beside the text WhatsApp sent,
and pages show them bracketed in the reader's language (`[Foto] legenda`, webapp.message_text)
so a reader can tell what WhatsApp sent from what the lead typed.
"""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Line:
    """A placeholder: its label (a code the page words) and what WhatsApp sent beside it."""

    label: str
    extra: str = ""
    args: dict = field(default_factory=dict)
    inner: dict | None = None  # an edited message's own placeholder


@dataclass(frozen=True)
class Described:
    """A message as stored: the text (the lead's words, or what WhatsApp sent) and the facts
    of its placeholder (None for plain text), which pages word in their reader's language."""

    body: str
    details: dict | None


def _text(value) -> str:
    """A string field, trimmed; '' when missing or not a string."""
    return value.strip() if isinstance(value, str) else ""


def _scalar(value) -> str:
    """A string or a number as text; '' for anything else (objects, lists, booleans)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _media(label: str) -> Callable[[dict], Line]:
    """A photo, video or GIF: its label and caption."""
    return lambda part: Line(label, _text(part.get("caption")))


def _audio(part: dict) -> Line:
    return Line("voice" if part.get("voice") else "audio")


def _document(part: dict) -> Line:
    name = _text(part.get("filename"))
    caption = _text(part.get("caption"))
    return Line("document_named", caption, {"name": name}) if name else Line("document", caption)


def _sticker(part: dict) -> Line:
    return Line("animated_sticker" if part.get("animated") else "sticker")


def _location(part: dict) -> Line:
    words = ", ".join(w for w in (_text(part.get("name")), _text(part.get("address"))) if w)
    if not words and "latitude" in part and "longitude" in part:
        words = f"{part['latitude']}, {part['longitude']}"
    return Line("location", words)


def _card_name(card: dict) -> str:
    """A contact card's name: WhatsApp's object, or a plain string as some clients send."""
    name = card.get("name")
    return _text(name.get("formatted_name") if isinstance(name, dict) else name)


def _contacts(cards: list) -> Line:
    names = [_card_name(card) for card in cards if isinstance(card, dict)]
    return Line("contact_card" if len(cards) == 1 else "contact_cards",
                ", ".join(name for name in names if name))


def _button(part: dict) -> Line:
    return Line("button", _text(part.get("text")) or _text(part.get("payload")))


def _list_reply(choice: dict) -> Line:
    described = " — ".join(w for w in (_text(choice.get("title")),
                                         _text(choice.get("description"))) if w)
    return Line("list_choice", described)


# Replies to our interactive messages, by their `interactive.type`.
INTERACTIVE_REPLIES: dict[str, Callable[[dict], Line]] = {
    "list_reply": _list_reply,
    "button_reply": lambda choice: Line("button", _text(choice.get("title"))),
    "nfm_reply": lambda choice: Line("form_reply", _text(choice.get("name"))),
}


def _interactive(part: dict) -> Line:
    kind = part.get("type")
    choice = part.get(kind) if isinstance(kind, str) else None
    if not isinstance(choice, dict) or kind not in INTERACTIVE_REPLIES:
        return Line("interactive")
    return INTERACTIVE_REPLIES[kind](choice)


def _reaction(part: dict) -> Line:
    emoji = _text(part.get("emoji"))
    return Line("reacted", args={"emoji": emoji}) if emoji else Line("reaction_removed")


def _product(item: dict) -> str:
    """'2 × SKU1': an ordered product's quantity and id."""
    quantity, product = item.get("quantity"), item.get("product_retailer_id")
    return f"{_scalar(quantity) or '1'} × {_scalar(product) or 'item'}"


def _order(part: dict) -> Line:
    listed = part.get("product_items")
    items = [_product(item) for item in (listed if isinstance(listed, list) else [])
             if isinstance(item, dict)]
    return Line("order", "; ".join(w for w in (", ".join(items), _text(part.get("text"))) if w))


def _system(part: dict) -> Line:
    return Line("system", _text(part.get("body")))


def _error_details(error: dict) -> str:
    """An error's details, from WhatsApp's error_data object (or a bare string)."""
    data = error.get("error_data")
    return _text(data.get("details") if isinstance(data, dict) else data)


def _unsupported(message: dict) -> Line:
    """WhatsApp could not pass the message on: say so, with its kind or its reason (Meta's
    own words, kept as data)."""
    part = found if isinstance(found := message.get("unsupported"), dict) else {}
    errors = found if isinstance(found := message.get("errors"), list) else []
    reasons = [_error_details(e) or _text(e.get("title")) for e in errors if isinstance(e, dict)]
    kind = _text(part.get("type"))
    return Line("unsupported", args={"kind": kind}) if kind else \
        Line("unsupported", " ".join(reasons))


def _revoke(part: dict) -> Line:
    return Line("deleted")


def _edit(part: dict) -> Line:
    inner = part.get("message")
    if not isinstance(inner, dict):
        return Line("edited")
    described = describe(inner)
    return Line("edited", described.body, inner=described.details)


def _forwarded(message: dict) -> str | None:
    """Forwarded messages say so, like they do in WhatsApp: 'once' or 'many' (times)."""
    context = message.get("context")
    if not isinstance(context, dict):
        return None
    if context.get("frequently_forwarded"):
        return "many"
    return "once" if context.get("forwarded") else None


def _referral(message: dict) -> str | None:
    """Leads who arrive from an ad: which ad ('' when WhatsApp names none)."""
    referral = message.get("referral")
    if not isinstance(referral, dict):
        return None
    return _text(referral.get("headline")) or _text(referral.get("source_url"))


DESCRIBERS: dict[str, Callable] = {
    "image": _media("photo"), "video": _media("video"), "gif": _media("gif"),
    "audio": _audio, "document": _document, "sticker": _sticker, "location": _location,
    "contacts": _contacts, "button": _button, "interactive": _interactive,
    "reaction": _reaction, "order": _order, "system": _system,
    "revoke": _revoke, "edit": _edit,
}
FALLBACK_LABELS = {"request_welcome": "opened_chat", "ephemeral": "disappearing"}
# Every type with a placeholder of its own; any other reads as `[<Type> message]`.
KNOWN_TYPES = frozenset({"text", "unsupported", *DESCRIBERS, *FALLBACK_LABELS})


def describe(message: dict) -> Described:
    """The message's text, and for any other type (or a forwarded one, or one from an ad) the
    facts of its placeholder."""
    kind = found if isinstance(found := message.get("type"), str) else "unknown"
    part = message.get(kind)
    line = None
    if kind == "text":
        body = _text((part or {}).get("body") if isinstance(part, dict) else None)
        line = None if body else Line("empty")
    elif kind == "unsupported":
        line = _unsupported(message)
    elif kind in DESCRIBERS:
        expected_list = kind == "contacts"
        if expected_list and not isinstance(part, list):
            part = []
        elif not expected_list and not isinstance(part, dict):
            part = {}
        line = DESCRIBERS[kind](part)
    elif kind in FALLBACK_LABELS:
        line = Line(FALLBACK_LABELS[kind])
    else:  # a type WhatsApp added since: named as WhatsApp names it
        line = Line("other", args={"kind": kind.replace("_", " ").capitalize()})
    details: dict[str, object] = {"label": line.label} if line else {}
    if line and line.args:
        details["args"] = line.args
    if line and line.inner is not None:
        details["inner"] = line.inner
    forwarded, ad = _forwarded(message), _referral(message)
    if forwarded:
        details["forwarded"] = forwarded
    if ad is not None:
        details["ad"] = ad
    return Described(line.extra if line else body, details or None)
