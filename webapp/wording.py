"""Words for the codes the domain decides: each refusal of a chat action is phrased here, once.

The domain answers with a code (domain.permissions); services raise their errors with these
sentences and pages show the same ones, so a person reads one wording wherever they meet it.
"""
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .domain.codes import ChatAction, DeliveryFailure, Presence, Refusal
from .domain.permissions import ChatFacts
from .domain.settings_rules import LIMITS, OPTIONAL_LIMITS, bounds
from .domain.templates import BOUNDS as TEMPLATE_BOUNDS
from .formatting import moment

# The reply box's standing notice once the response window has passed (the page's script
# shows it too when the countdown reaches zero).
WINDOW_CLOSED_NOTICE = _l("The 24-hour response window has closed: WhatsApp accepts a free-text "
                          "reply again after the lead's next message.")

# What each other refusal says to the person who tried.
_REFUSALS = {
    ChatAction.REPLY: {
        Refusal.NOT_ASSIGNEE: _l("Only the chat's assignee or a manager can answer this chat."),
        Refusal.CLOSED: _l("This chat is closed. The lead's next message opens a new chat."),
    },
    ChatAction.CLOSE: {
        Refusal.NOT_ASSIGNEE: _l("Only the chat's assignee or a manager can close it."),
        Refusal.CLOSED: _l("This chat is already closed."),
        Refusal.EXPIRED: _l("This chat has expired; it already left the active lists."),
    },
    ChatAction.TEMPLATE: {
        Refusal.NOT_ASSIGNEE: _l("Only the chat's assignee or a manager can send it a "
                                 "template."),
    },
    ChatAction.TRANSFER: {
        Refusal.NOT_MANAGER: _l("Only managers can transfer chats."),
        Refusal.CLOSED: _l("This chat was closed; it can no longer be transferred."),
    },
}


def refusal_text(action: str, refusal: Refusal, chat: ChatFacts, now: datetime) -> str:
    """Why `action` was refused, as a sentence for the person who tried it (their language,
    the time in their zone)."""
    action = ChatAction(action)
    if refusal in (Refusal.EXPIRED, Refusal.WINDOW_CLOSED) and action != ChatAction.CLOSE:
        return _window_closed(action, chat.window_expires_at, now)
    return str(_REFUSALS[action][refusal])


def _window_closed(action: ChatAction, closed_at: datetime | None, now: datetime) -> str:
    """A reply or transfer refused because the window closed, saying when it did if known."""
    if action == ChatAction.REPLY:
        if closed_at is None:
            return _("The 24-hour response window closed; WhatsApp only allows template "
                     "messages now.")
        return _("The 24-hour response window closed at %(moment)s; WhatsApp only allows "
                 "template messages now.", moment=moment(closed_at, now))
    if closed_at is None:
        return _("This chat's response window closed; it can no longer be transferred.")
    return _("This chat's response window closed at %(moment)s; it can no longer be "
             "transferred.", moment=moment(closed_at, now))


def blocked_notice(refusal: Refusal | None) -> str:
    """The reply box's notice for a refused reply: why nobody answers here now ('' if allowed)."""
    if refusal is None:
        return ""
    if refusal in (Refusal.EXPIRED, Refusal.WINDOW_CLOSED):
        return str(WINDOW_CLOSED_NOTICE)
    return str(_REFUSALS[ChatAction.REPLY][refusal])


# How a person's presence reads wherever it is shown.
_PRESENCE_WORDS = {Presence.AVAILABLE: _l("Available"), Presence.AWAY: _l("Away"),
                   Presence.OFFLINE: _l("Offline")}


def presence_word(state: Presence) -> str:
    """'Available', 'Away' or 'Offline', in the reader's language."""
    return str(_PRESENCE_WORDS[Presence(state)])


def open_chats_text(count: int, limit: int | None) -> str:
    """A pre-seller's load: '8 of 8 open chats' (with a limit), '3 open chats', '1 open chat'."""
    if limit is not None:
        return ngettext("%(count)d of %(num)d open chat", "%(count)d of %(num)d open chats",
                        limit, count=count)
    return ngettext("%(num)d open chat", "%(num)d open chats", count)


def problem_text(name: str, problem: str) -> str:
    """A settings rule's sentence (domain.settings_rules) in the reader's language, a
    number's bounds filled in."""
    lowest, highest = bounds(name) if name in LIMITS or name in OPTIONAL_LIMITS else (0, 0)
    return _(problem, min=lowest, max=highest)


def template_problem_text(problem: str) -> str:
    """A template rule's sentence (domain.templates) in the reader's language, its bound
    filled in."""
    return _(problem, max=TEMPLATE_BOUNDS.get(problem, 0))


# Why a webhook delivery failed (its stored code), for the dead-deliveries page.
_DELIVERY_FAILURES: dict[str, object] = {
    DeliveryFailure.BAD_PAYLOAD: _l("Not a WhatsApp delivery Relay can read; retrying will "
                                    "not change that."),
    DeliveryFailure.ITEMS_FAILED: _l("Some of its messages or statuses could not be "
                                     "processed; the others were."),
    DeliveryFailure.PROCESSING_FAILED: _l("It could not be processed."),
}


def delivery_failure_text(code: str | None) -> str:
    """Why a delivery failed, in the reader's language (its code as stored, if unknown)."""
    known = _DELIVERY_FAILURES.get(code) if code else None
    return str(known) if known is not None else (code or "")
