"""Messages as people read them: a placeholder's stored facts in the reader's language, before
what WhatsApp sent ('[Foto] legenda' in a list; 'Foto' above the caption in a conversation).

Placeholders are built as facts by webapp.whatsapp.placeholders; a message stored before they
were (details empty) shows its text as it was stored.
"""
from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .whatsapp.errors import failure_text

# Each placeholder label code, as the reader says it; %(…)s are the label's own facts.
LABELS = {
    "photo": _l("Photo"), "video": _l("Video"), "gif": _l("GIF"), "audio": _l("Audio"),
    "voice": _l("Voice message"), "document": _l("Document"),
    "document_named": _l("Document: %(name)s"), "sticker": _l("Sticker"),
    "animated_sticker": _l("Animated sticker"), "location": _l("Location"),
    "contact_card": _l("Contact card"), "contact_cards": _l("Contact cards"),
    "button": _l("Button"), "list_choice": _l("List choice"), "form_reply": _l("Form reply"),
    "interactive": _l("Interactive reply"), "reacted": _l("Reacted %(emoji)s"),
    "reaction_removed": _l("Removed a reaction"), "order": _l("Order"), "system": _l("System"),
    "unsupported": _l("Unsupported message"), "deleted": _l("Deleted a message"),
    "edited": _l("Edited"), "empty": _l("Empty message"), "opened_chat": _l("Opened the chat"),
    "disappearing": _l("Disappearing message"), "other": _l("%(kind)s message"),
    "template": _l("Template %(name)s"),
}


def _label(details: dict) -> str:
    """'Foto', 'Documento: orcamento.pdf': a placeholder's label, '' when it has none."""
    label = details.get("label")
    if label not in LABELS:
        return ""
    return str(LABELS[label] % details.get("args", {}))


def labels(details: dict | None) -> tuple[list[str], str, str]:
    """(labels, words after them, the ad it came from): a placeholder in the reader's words."""
    if not details:
        return [], "", ""
    said = []
    if details.get("forwarded"):
        said.append(_("Forwarded many times") if details["forwarded"] == "many"
                    else _("Forwarded"))
    said += [_label(details), _label(details.get("inner") or {})]
    kind = details.get("args", {}).get("kind") if details.get("label") == "unsupported" else ""
    ad = ""
    if "ad" in details:
        ad = _("From an ad: %(ad)s", ad=details["ad"]) if details["ad"] else _("From an ad")
    return [label for label in said if label], \
        _("(type: %(kind)s)", kind=kind) if kind else "", ad


def line(details: dict | None, text: str | None) -> str:
    """The message as one line, for lists: '[Encaminhada] [Foto] legenda [De um anúncio]'.
    Without details (plain text, or stored before placeholders were facts) the text."""
    said, words, ad = labels(details)
    parts = [f"[{label}]" for label in said] + [words, text or ""] + ([f"[{ad}]"] if ad else [])
    return " ".join(part for part in parts if part)


def placeholder(message) -> str:
    """What a conversation shows above a message's text: 'Encaminhada · Foto' ('' for text)."""
    said, words, ad = labels(message.details)
    return " · ".join(part for part in [*said, words, ad] if part)


def reading(details: dict | None, text: str | None) -> str:
    """A message as a person reads it: 'Photo: Foto da nossa loja', 'Photo', or the text."""
    said, words, ad = labels(details)
    label = " · ".join(part for part in [*said, words, ad] if part)
    if label and text:
        return f"{label}: {text}"
    return label or text or ""


def preview_line(chat) -> str:
    """A chat's latest message, as its list shows it ('Photo: Foto da nossa loja')."""
    return reading(chat.last_message_details, chat.last_message_preview)


def failure(message) -> str:
    """Why a reply failed, in the reader's language."""
    return failure_text(message.error_code, message.error)


def init_app(app: Flask) -> None:
    """The message and preview lines, and failures, as template filters of `app`."""
    app.add_template_filter(failure, "failure")
    app.add_template_filter(placeholder, "placeholder")
    app.add_template_filter(preview_line, "preview_line")
