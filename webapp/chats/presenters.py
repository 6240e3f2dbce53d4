"""How chats read on screen: machine times for the browser, the response window's words."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain import delivery
from ..domain.codes import Direction
from ..domain.permissions import chat_refusal
from ..domain.window import time_left
from ..formatting import duration
from ..wording import WINDOW_CLOSED_NOTICE, blocked_notice, refusal_text


def iso_utc(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, for the browser (and the API) to read."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
    if left > timedelta(0):
        return _("%(duration)s left", duration=duration(left))
    return _("Window closed")


def waiting_since(chat) -> datetime:
    """Since when the chat's lead waits: their first unanswered message while it awaits a
    reply (speed to lead), else since it opened (an unassigned chat in the waiting line)."""
    if chat.awaiting_reply:
        return chat.awaiting_since or chat.last_inbound_at or chat.opened_at
    return chat.opened_at


def waited_text(chat, now: datetime) -> str:
    """How long the chat's lead has waited, in whole minutes (a list re-renders each
    minute): '< 1 min', '12 min', '2 h 5 min'."""
    waited = now - waiting_since(chat)
    return _("< 1 min") if waited < MINUTE else duration(waited // MINUTE * MINUTE)


def _until_next_change(left: timedelta) -> timedelta:
    """Whole seconds until the text of `left` may change: it shows minutes, in the last
    minute seconds (the units of formatting.duration; the thresholds are whole minutes)."""
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


# A pending reply nobody can confirm (see domain.delivery): it may have reached the lead, so
# Relay never sends it again; the person decides.
UNCONFIRMED = _l("Not confirmed")
UNCONFIRMED_TEXT = _l("Relay did not hear back whether WhatsApp took this reply, so it may have "
                      "reached the lead. Check with them before writing it again.")


def reply_unconfirmed(message, now: datetime) -> bool:
    """An outbound reply whose delivery nobody can confirm."""
    return message.direction == Direction.OUTBOUND and delivery.outcome_unknown(
        message.status, message.error, message.sent_at, now)


def reply_retryable(message) -> bool:
    """An outbound reply WhatsApp refused, which may be sent once more."""
    return message.direction == Direction.OUTBOUND and delivery.may_retry(message.status,
                                                                            message.wamid)


def init_app(app: Flask) -> None:
    """Make the presenters template filters, and who-may-do-what template globals, of `app`.

    Every area's templates use them, so the factory registers them on the app, whichever
    blueprints it serves.
    """
    app.add_template_filter(iso_utc, "iso_utc")
    for name, value in (("chat_refusal", chat_refusal), ("refusal_text", refusal_text),
                        ("blocked_notice", blocked_notice),
                        ("window_closed_text", WINDOW_CLOSED_NOTICE),
                        ("window_view", window_view), ("waited_text", waited_text),
                        ("waiting_since", waiting_since),
                        ("reply_unconfirmed", reply_unconfirmed),
                        ("reply_retryable", reply_retryable),
                        ("unconfirmed_label", UNCONFIRMED), ("unconfirmed_text", UNCONFIRMED_TEXT),
                        ("window_rerender_seconds", int(WINDOW_RERENDER.total_seconds()))):
        app.jinja_env.globals[name] = value
