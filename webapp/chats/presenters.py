"""How chats read on screen: timestamps for the browser, labels for types, states, reasons."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask

from ..domain import delivery
from ..domain.codes import Direction, MessageStatus
from ..domain.permissions import chat_refusal
from ..domain.window import time_left
from ..wording import WINDOW_CLOSED_NOTICE, blocked_notice, refusal_text

# Readable names for WhatsApp message types that are not plain text.
MESSAGE_TYPES = {
    "image": "Photo", "audio": "Audio", "voice": "Voice message", "video": "Video",
    "document": "Document", "sticker": "Sticker", "location": "Location",
    "contacts": "Contact card", "button": "Button reply", "interactive": "Interactive reply",
    "reaction": "Reaction", "order": "Order", "system": "System message",
    "template": "Template", "unsupported": "Unsupported message", "unknown": "Unknown message",
}
# Delivery states of outbound messages, as a person would say them.
DELIVERY_STATES: dict[str, str] = {
    MessageStatus.PENDING: "Sending…", MessageStatus.SANDBOX: "Sandbox — recorded, not sent",
    MessageStatus.SENT: "Sent", MessageStatus.DELIVERED: "Delivered", MessageStatus.READ: "Read",
    MessageStatus.FAILED: "Not delivered", MessageStatus.RECEIVED: "",
}


def iso_utc(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, for the browser (and the API) to read."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utc_text(moment: datetime | None) -> str:
    """A readable UTC time, shown until the browser turns it into local time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


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


# A window turns amber under SOON and red under URGENT.
SOON = timedelta(hours=2)
URGENT = timedelta(minutes=15)
SECOND, MINUTE = timedelta(seconds=1), timedelta(minutes=1)
# Windows on screen are rendered again at least this often: a polled list re-renders once its
# copy is this old (poll_is_current), a conversation's window polls itself. Until then each
# window carries what it will show, with a poll's slack, and the page swaps those words in.
WINDOW_RERENDER = MINUTE
WINDOW_STEPS_AHEAD = WINDOW_RERENDER + timedelta(seconds=10)


def window_urgency(left: timedelta) -> str:
    """How pressing the time left is: 'ok', 'soon', 'urgent' or 'closed'."""
    if left <= timedelta(0):
        return "closed"
    return "urgent" if left < URGENT else "soon" if left < SOON else "ok"


def window_text(left: timedelta) -> str:
    """What a response window says: '23 h 5 min left', or 'Window closed'."""
    return f"{duration_text(left)} left" if left > timedelta(0) else "Window closed"


def waited_text(chat, now: datetime) -> str:
    """How long an unassigned chat has waited, in whole minutes (a list re-renders each
    minute): '< 1 min', '12 min', '2 h 5 min'."""
    waited = now - chat.opened_at
    return "< 1 min" if waited < MINUTE else duration_text(waited // MINUTE * MINUTE)


def _until_next_change(left: timedelta) -> timedelta:
    """Whole seconds until the text of `left` may change: it shows minutes, in the last
    minute seconds (the units of duration_text; the thresholds are whole minutes)."""
    unit = MINUTE if left >= MINUTE else SECOND
    return ((left % unit) // SECOND + 1) * SECOND


@dataclass(frozen=True)
class WindowView:
    """A response window as the page shows it now, and the changes it will show next."""

    text: str
    urgency: str
    steps: list[tuple[int, str, str]]  # (seconds after rendering, text, urgency)


def window_view(expires_at: datetime | None, now: datetime) -> WindowView:
    """The window's words now and at each change over the next WINDOW_STEPS_AHEAD."""
    def label(left: timedelta) -> tuple[str, str]:
        return window_text(left), window_urgency(left)

    left = time_left(expires_at, now)
    current = shown = label(left)
    steps, ahead = [], timedelta(0)
    while left > timedelta(0):
        ahead += _until_next_change(left)
        if ahead > WINDOW_STEPS_AHEAD:
            break
        left = time_left(expires_at, now + ahead)
        if label(left) != shown:
            shown = label(left)
            steps.append((ahead // SECOND, *shown))
    return WindowView(*current, steps)


def poll_token(fingerprint: str, now: datetime) -> str:
    """What a polled list sends back: its fingerprint and when it was rendered."""
    return f"{fingerprint}.{int(now.timestamp())}"


def poll_is_current(token: str | None, fingerprint: str, now: datetime) -> bool:
    """Nothing changed since the list was rendered, and its windows' words still last."""
    held, _, rendered = (token or "").partition(".")
    return (held == fingerprint and rendered.isdigit()
            and now.timestamp() - int(rendered) < WINDOW_RERENDER.total_seconds())


def message_type_label(message_type: str) -> str:
    """A readable name for a message type ('' for plain text)."""
    if message_type == "text":
        return ""
    return MESSAGE_TYPES.get(message_type, message_type.replace("_", " ").capitalize())


def delivery_label(status: str) -> str:
    """A readable delivery state."""
    return DELIVERY_STATES.get(status, status.capitalize())


# A pending reply nobody can confirm (see domain.delivery): it may have reached the lead, so
# Relay never sends it again; the person decides.
UNCONFIRMED = "Not confirmed"
UNCONFIRMED_TEXT = ("Relay did not hear back whether WhatsApp took this reply, so it may have "
                    "reached the lead. Check with them before writing it again.")


def reply_unconfirmed(message, now: datetime) -> bool:
    """An outbound reply whose delivery nobody can confirm."""
    return message.direction == Direction.OUTBOUND and delivery.outcome_unknown(
        message.status, message.error, message.sent_at, now)


def reply_retryable(message) -> bool:
    """An outbound reply WhatsApp refused, which may be sent once more."""
    return message.direction == Direction.OUTBOUND and delivery.may_retry(message.status,
                                                                            message.wamid)


def reason_label(reason: str) -> str:
    """A routing reason as words ('manual_transfer' → 'Manual transfer')."""
    return reason.replace("_", " ").replace("-", " ").capitalize()


def init_app(app: Flask) -> None:
    """Make the presenters template filters, and who-may-do-what template globals, of `app`.

    Every area's templates use them, so the factory registers them on the app, whichever
    blueprints it serves.
    """
    for name, function in (("iso_utc", iso_utc), ("utc_text", utc_text),
                           ("message_type", message_type_label),
                           ("delivery", delivery_label), ("reason", reason_label)):
        app.add_template_filter(function, name)
    for name, value in (("chat_refusal", chat_refusal), ("refusal_text", refusal_text),
                        ("blocked_notice", blocked_notice),
                        ("window_closed_text", WINDOW_CLOSED_NOTICE),
                        ("window_view", window_view), ("waited_text", waited_text),
                        ("reply_unconfirmed", reply_unconfirmed),
                        ("reply_retryable", reply_retryable),
                        ("unconfirmed_label", UNCONFIRMED), ("unconfirmed_text", UNCONFIRMED_TEXT),
                        ("window_rerender_seconds", int(WINDOW_RERENDER.total_seconds()))):
        app.jinja_env.globals[name] = value
