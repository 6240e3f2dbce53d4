"""How chats read on screen: timestamps for the browser, labels for types, states, reasons."""
from datetime import datetime, timedelta, timezone

from flask import Flask

from ..domain.window import time_left
from ..services import conversations

# Readable names for WhatsApp message types that are not plain text.
MESSAGE_TYPES = {
    "image": "Photo", "audio": "Audio", "voice": "Voice message", "video": "Video",
    "document": "Document", "sticker": "Sticker", "location": "Location",
    "contacts": "Contact card", "button": "Button reply", "interactive": "Interactive reply",
    "reaction": "Reaction", "order": "Order", "system": "System message",
    "template": "Template", "unsupported": "Unsupported message", "unknown": "Unknown message",
}
# Delivery states of outbound messages, as a person would say them.
DELIVERY_STATES = {
    "pending": "Sending…", "sandbox": "Sandbox — recorded, not sent", "sent": "Sent",
    "delivered": "Delivered", "read": "Read", "failed": "Not delivered", "received": "",
}


def iso_utc(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, for the browser (and the API) to read."""
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def utc_text(moment: datetime | None) -> str:
    """A readable UTC time, shown until the browser turns it into local time."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def duration_text(left: timedelta) -> str:
    """A calm, short duration: '23 h 5 min', '42 min', '50 s'."""
    seconds = int(left.total_seconds())
    if seconds <= 0:
        return "0 min"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


# The countdown turns amber under SOON and red under URGENT (app.js uses the same numbers).
SOON = timedelta(hours=2)
URGENT = timedelta(minutes=15)


def window_urgency(left: timedelta) -> str:
    """How pressing the time left is: 'ok', 'soon', 'urgent' or 'closed'."""
    if left <= timedelta(0):
        return "closed"
    return "urgent" if left < URGENT else "soon" if left < SOON else "ok"


def message_type_label(message_type: str) -> str:
    """A readable name for a message type ('' for plain text)."""
    if message_type == "text":
        return ""
    return MESSAGE_TYPES.get(message_type, message_type.replace("_", " ").capitalize())


def delivery_label(status: str) -> str:
    """A readable delivery state."""
    return DELIVERY_STATES.get(status, status.capitalize())


def reason_label(reason: str) -> str:
    """A routing reason as words ('manual_transfer' → 'Manual transfer')."""
    return reason.replace("_", " ").replace("-", " ").capitalize()


def init_app(app: Flask) -> None:
    """Make the presenters template filters, and who-may-do-what template globals, of `app`.

    Every area's templates use them, so the factory registers them on the app, whichever
    blueprints it serves.
    """
    for name, function in (("iso_utc", iso_utc), ("utc_text", utc_text),
                           ("duration", duration_text), ("urgency", window_urgency),
                           ("message_type", message_type_label),
                           ("delivery", delivery_label), ("reason", reason_label)):
        app.add_template_filter(function, name)
    for name, value in (("reply_blocked", conversations.reply_blocked_reason),
                        ("may_reply", conversations.may_reply),
                        ("may_close", conversations.may_close),
                        ("window_closed_text", conversations.WINDOW_CLOSED),
                        ("time_left", time_left)):
        app.jinja_env.globals[name] = value
