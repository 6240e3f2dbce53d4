"""Who may reply to, close or transfer a chat now, and if not, why: one rule for pages and
services alike. Pure: the caller hands in the chat's facts, the person and `now`."""
from datetime import datetime
from typing import Protocol

from .codes import ChatAction, ChatStatus, Refusal
from .window import is_open


class ChatFacts(Protocol):
    """What the rule reads of a chat (a Chat row has these attributes)."""

    @property
    def status(self) -> str: ...

    @property
    def assignee_id(self) -> int | None: ...

    @property
    def window_expires_at(self) -> datetime | None: ...


class Person(Protocol):
    """What the rule reads of the person acting (a User row has these attributes)."""

    @property
    def id(self) -> int: ...

    @property
    def is_manager(self) -> bool: ...


def chat_refusal(action: str, chat: ChatFacts, person: Person, now: datetime) -> Refusal | None:
    """Why `person` may not do `action` to `chat` now; None when they may.

    Managers act on any chat and alone transfer; a pre-seller replies to and closes their
    own chats. Only an open chat takes any action; replies and transfers also need its
    response window open, while a chat past its window may still be closed. A template is
    what WhatsApp allows outside the window: it may be sent from any chat, even expired or
    closed, to revive the lead.
    """
    if action == ChatAction.TRANSFER and not person.is_manager:
        return Refusal.NOT_MANAGER
    if not person.is_manager and chat.assignee_id != person.id:
        return Refusal.NOT_ASSIGNEE
    if action == ChatAction.TEMPLATE:
        return None
    if chat.status == ChatStatus.CLOSED:
        return Refusal.CLOSED
    if chat.status != ChatStatus.OPEN:
        return Refusal.EXPIRED
    if action != ChatAction.CLOSE and not is_open(chat.window_expires_at, now):
        return Refusal.WINDOW_CLOSED
    return None
