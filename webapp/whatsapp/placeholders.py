"""A readable line for every kind of WhatsApp message, so nothing shows up blank.

Placeholders are bracketed (`[Photo] caption`) so a reader can tell what WhatsApp sent from
what the lead typed.
"""
from collections.abc import Callable


def _text(value) -> str:
    """A string field, trimmed; '' when missing or not a string."""
    return value.strip() if isinstance(value, str) else ""


def _scalar(value) -> str:
    """A string or a number as text; '' for anything else (objects, lists, booleans)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _with(label: str, extra: str) -> str:
    """`[label] extra`, or just `[label]`."""
    return f"[{label}] {extra}".rstrip()


def _media(label: str) -> Callable[[dict], str]:
    """A photo, video or GIF: its label and caption."""
    return lambda part: _with(label, _text(part.get("caption")))


def _audio(part: dict) -> str:
    return "[Voice message]" if part.get("voice") else "[Audio]"


def _document(part: dict) -> str:
    name = _text(part.get("filename"))
    return _with(f"Document: {name}" if name else "Document", _text(part.get("caption")))


def _sticker(part: dict) -> str:
    return "[Animated sticker]" if part.get("animated") else "[Sticker]"


def _location(part: dict) -> str:
    words = ", ".join(w for w in (_text(part.get("name")), _text(part.get("address"))) if w)
    if not words and "latitude" in part and "longitude" in part:
        words = f"{part['latitude']}, {part['longitude']}"
    return _with("Location", words)


def _card_name(card: dict) -> str:
    """A contact card's name: WhatsApp's object, or a plain string as some clients send."""
    name = card.get("name")
    return _text(name.get("formatted_name") if isinstance(name, dict) else name)


def _contacts(cards: list) -> str:
    names = [_card_name(card) for card in cards if isinstance(card, dict)]
    return _with("Contact card" if len(cards) == 1 else "Contact cards",
                 ", ".join(name for name in names if name))


def _button(part: dict) -> str:
    return _with("Button", _text(part.get("text")) or _text(part.get("payload")))


def _list_reply(choice: dict) -> str:
    described = " — ".join(w for w in (_text(choice.get("title")),
                                         _text(choice.get("description"))) if w)
    return _with("List choice", described)


# Replies to our interactive messages, by their `interactive.type`.
INTERACTIVE_REPLIES: dict[str, Callable[[dict], str]] = {
    "list_reply": _list_reply,
    "button_reply": lambda choice: _with("Button", _text(choice.get("title"))),
    "nfm_reply": lambda choice: _with("Form reply", _text(choice.get("name"))),
}


def _interactive(part: dict) -> str:
    kind = part.get("type")
    choice = part.get(kind) if isinstance(kind, str) else None
    if not isinstance(choice, dict) or kind not in INTERACTIVE_REPLIES:
        return "[Interactive reply]"
    return INTERACTIVE_REPLIES[kind](choice)


def _reaction(part: dict) -> str:
    emoji = _text(part.get("emoji"))
    return f"[Reacted {emoji}]" if emoji else "[Removed a reaction]"


def _product(item: dict) -> str:
    """'2 × SKU1': an ordered product's quantity and id."""
    quantity, product = item.get("quantity"), item.get("product_retailer_id")
    return f"{_scalar(quantity) or '1'} × {_scalar(product) or 'item'}"


def _order(part: dict) -> str:
    listed = part.get("product_items")
    items = [_product(item) for item in (listed if isinstance(listed, list) else [])
             if isinstance(item, dict)]
    return _with("Order", "; ".join(w for w in (", ".join(items), _text(part.get("text"))) if w))


def _system(part: dict) -> str:
    return _with("System", _text(part.get("body")))


def _error_details(error: dict) -> str:
    """An error's details, from WhatsApp's error_data object (or a bare string)."""
    data = error.get("error_data")
    return _text(data.get("details") if isinstance(data, dict) else data)


def _unsupported(message: dict) -> str:
    """WhatsApp could not pass the message on: say so, with its kind or its reason."""
    part = found if isinstance(found := message.get("unsupported"), dict) else {}
    errors = found if isinstance(found := message.get("errors"), list) else []
    reasons = [_error_details(e) or _text(e.get("title")) for e in errors if isinstance(e, dict)]
    kind = _text(part.get("type"))
    return _with("Unsupported message", f"(type: {kind})" if kind else " ".join(reasons))


def _revoke(part: dict) -> str:
    return "[Deleted a message]"


def _edit(part: dict) -> str:
    inner = part.get("message")
    return _with("Edited", describe(inner) if isinstance(inner, dict) else "")


def _forwarded_prefix(message: dict) -> str:
    """Forwarded messages say so, like they do in WhatsApp."""
    context = message.get("context")
    if not isinstance(context, dict):
        return ""
    if context.get("frequently_forwarded"):
        return "[Forwarded many times] "
    return "[Forwarded] " if context.get("forwarded") else ""


def _referral_suffix(message: dict) -> str:
    """Leads who arrive from an ad: say which ad."""
    referral = message.get("referral")
    if not isinstance(referral, dict):
        return ""
    headline = _text(referral.get("headline")) or _text(referral.get("source_url"))
    return f" [From an ad: {headline}]" if headline else " [From an ad]"


DESCRIBERS: dict[str, Callable] = {
    "image": _media("Photo"), "video": _media("Video"), "gif": _media("GIF"),
    "audio": _audio, "document": _document, "sticker": _sticker, "location": _location,
    "contacts": _contacts, "button": _button, "interactive": _interactive,
    "reaction": _reaction, "order": _order, "system": _system,
    "revoke": _revoke, "edit": _edit,
}
FALLBACK_LABELS = {"request_welcome": "Opened the chat", "ephemeral": "Disappearing message"}
# Every type with a placeholder of its own; any other reads as `[<Type> message]`.
KNOWN_TYPES = frozenset({"text", "unsupported", *DESCRIBERS, *FALLBACK_LABELS})


def describe(message: dict) -> str:
    """The message's text, or a readable placeholder for any other type."""
    kind = found if isinstance(found := message.get("type"), str) else "unknown"
    part = message.get(kind)
    if kind == "text":
        body = _text((part or {}).get("body") if isinstance(part, dict) else None)
        line = body or "[Empty message]"
    elif kind == "unsupported":
        line = _unsupported(message)
    elif kind in DESCRIBERS:
        expected_list = kind == "contacts"
        if expected_list and not isinstance(part, list):
            part = []
        elif not expected_list and not isinstance(part, dict):
            part = {}
        line = DESCRIBERS[kind](part)
    else:
        line = f"[{FALLBACK_LABELS.get(kind, kind.replace('_', ' ').capitalize() + ' message')}]"
    return _forwarded_prefix(message) + line + _referral_suffix(message)
