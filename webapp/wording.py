"""Words for the codes the domain decides: each refusal of a chat action is phrased here, once.

The domain answers with a code (domain.permissions); services raise their errors with these
sentences and pages show the same ones, so a person reads one wording wherever they meet it.
"""
from datetime import datetime

from .domain.codes import ChatAction, Presence, Refusal
from .domain.permissions import ChatFacts

# The reply box's standing notice once the response window has passed (the page's script
# shows it too when the countdown reaches zero).
WINDOW_CLOSED_NOTICE = ("The 24-hour response window has closed: WhatsApp accepts a free-text "
                        "reply again after the lead's next message.")

_REPLY_WINDOW = ("The 24-hour response window closed{at}; WhatsApp only allows template "
                 "messages now.")
_TRANSFER_WINDOW = "This chat's response window closed{at}; it can no longer be transferred."
# What each refusal says to the person who tried; {at} is when the window closed.
_REFUSALS = {
    ChatAction.REPLY: {
        Refusal.NOT_ASSIGNEE: "Only the chat's assignee or a manager can answer this chat.",
        Refusal.CLOSED: "This chat is closed. The lead's next message opens a new chat.",
        Refusal.EXPIRED: _REPLY_WINDOW,
        Refusal.WINDOW_CLOSED: _REPLY_WINDOW,
    },
    ChatAction.CLOSE: {
        Refusal.NOT_ASSIGNEE: "Only the chat's assignee or a manager can close it.",
        Refusal.CLOSED: "This chat is already closed.",
        Refusal.EXPIRED: "This chat has expired; it already left the active lists.",
    },
    ChatAction.TRANSFER: {
        Refusal.NOT_MANAGER: "Only managers can transfer chats.",
        Refusal.CLOSED: "This chat was closed; it can no longer be transferred.",
        Refusal.EXPIRED: _TRANSFER_WINDOW,
        Refusal.WINDOW_CLOSED: _TRANSFER_WINDOW,
    },
}


def refusal_text(action: str, refusal: Refusal, chat: ChatFacts, now: datetime) -> str:
    """Why `action` was refused, as a sentence for the person who tried it."""
    closed_at = chat.window_expires_at
    at = f" at {moment(closed_at, now)}" if closed_at else ""
    return _REFUSALS[ChatAction(action)][refusal].format(at=at)


def blocked_notice(refusal: Refusal | None) -> str:
    """The reply box's notice for a refused reply: why nobody answers here now ('' if allowed)."""
    if refusal is None:
        return ""
    if refusal in (Refusal.EXPIRED, Refusal.WINDOW_CLOSED):
        return WINDOW_CLOSED_NOTICE
    return _REFUSALS[ChatAction.REPLY][refusal]


def moment(at: datetime, now: datetime) -> str:
    """'14:05 UTC' today, else '2026-11-23 14:05 UTC'."""
    return f"{at:%H:%M} UTC" if at.date() == now.date() else f"{at:%Y-%m-%d %H:%M} UTC"


# How a person's presence reads wherever it is shown.
_PRESENCE_WORDS = {Presence.AVAILABLE: "Available", Presence.AWAY: "Away",
                   Presence.OFFLINE: "Offline"}


def presence_word(state: Presence) -> str:
    """'Available', 'Away' or 'Offline'."""
    return _PRESENCE_WORDS[Presence(state)]


def open_chats_text(count: int, limit: int | None) -> str:
    """A pre-seller's load: '8 of 8 open chats' (with a limit), '3 open chats', '1 open chat'."""
    if limit is not None:
        return f"{count} of {limit} open chats"
    return f"{count} open chat{'' if count == 1 else 's'}"
