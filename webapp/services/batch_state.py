"""What a batch of inbound messages holds in memory while it is routed
(services.batch_routing): its leads, their open chats and what was decided, before
services.batch_writes writes it all in bulk."""
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.codes import ChatStatus
from ..domain.routing import Decision, PreSeller, Rules

# The chat columns a message (or an expiry) may change, written back by primary key.
CHAT_STATE = ("status", "version", "last_inbound_at", "window_expires_at", "last_message_at",
               "last_message_preview", "last_message_details", "awaiting_reply",
               "awaiting_since", "unread_count", "first_inbound_at", "expired_unanswered",
               "expired_holder_id")


@dataclass(eq=False)
class BatchLead:
    """A lead as the batch sees it; id None until inserted."""

    id: int | None
    wa_id: str | None
    user_id: str | None
    name: str
    owner_id: int | None
    chat: "BatchChat | None" = None
    stored: tuple | None = None  # (wa_id, user_id, name, owner_id) as read; None if new

    def changed(self) -> bool:
        """Whether its row must be written."""
        return self.stored != (self.wa_id, self.user_id, self.name, self.owner_id)


@dataclass(eq=False)
class BatchChat:
    """An open chat as the batch sees it (attribute names as on the model)."""

    lead: BatchLead
    id: int | None = None
    status: str = ChatStatus.OPEN
    version: int = 1
    assignee_id: int | None = None
    group_id: int | None = None
    last_inbound_at: datetime | None = None
    window_expires_at: datetime | None = None
    last_message_at: datetime | None = None
    last_message_preview: str = ""
    last_message_details: dict | None = None
    awaiting_reply: bool = True
    awaiting_since: datetime | None = None
    unread_count: int = 0
    first_inbound_at: datetime | None = None  # a dashboard fact (services.chat_facts)
    expired_unanswered: bool = False  # dashboard facts of an expiry (record_expiry)
    expired_holder_id: int | None = None
    opened_at: datetime | None = None  # read, to count an expiry (report counts)
    first_reply_at: datetime | None = None
    decision: Decision | None = None


@dataclass
class Batch:
    """What the batch read, and what it decided."""

    now: datetime
    by_wa_id: dict[str, BatchLead] = field(default_factory=dict)
    by_user_id: dict[str, BatchLead] = field(default_factory=dict)
    new_leads: list[BatchLead] = field(default_factory=list)
    chats: list[BatchChat] = field(default_factory=list)  # read, then opened, in order
    rules: Rules | None = None
    people: dict[int, PreSeller] = field(default_factory=dict)
