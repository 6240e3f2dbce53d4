"""Leads, their chats, messages and the routing decisions that placed them."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..db import UTCDateTime, utcnow
from ..domain.codes import ChatStatus, MessageStatus
from ..domain.limits import (
    LEAD_NAME_LENGTH,
    LEAD_SEARCH_LENGTH,
    LEAD_USER_ID_LENGTH,
    MESSAGE_TYPE_LENGTH,
    PREVIEW_LENGTH,
    WA_ID_LENGTH,
    WAMID_LENGTH,
)
from ..domain.search import search_text
from ..extensions import Model
from ..formatting import phone
from .settings import Group
from .users import User

if TYPE_CHECKING:
    from .replies import MessageMedia

# The partial indexes below cover open chats only.
_OPEN_ONLY = f"status = '{ChatStatus.OPEN}'"
# An open chat nobody has waits (since it opened): the waiting line's index covers those.
_WAITING = f"{_OPEN_ONLY} AND assignee_id IS NULL"


class Lead(Model):
    """A person writing to the business, known by wa_id and/or business-scoped user_id."""

    __tablename__ = "leads"
    __table_args__ = (
        # Searches look for a fragment anywhere in it: PostgreSQL serves that from a trigram
        # index; SQLite (small teams) reads this narrow index instead of the table.
        Index("ix_leads_search_text", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wa_id: Mapped[str | None] = mapped_column(String(WA_ID_LENGTH), unique=True)
    user_id: Mapped[str | None] = mapped_column(String(LEAD_USER_ID_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(LEAD_NAME_LENGTH), default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The name without case or accents and the number's digits (domain.search), kept in step
    # with both, so that searching is a plain comparison an index can serve.
    search_text: Mapped[str] = mapped_column(String(LEAD_SEARCH_LENGTH), default="",
                                             server_default="")

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @validates("name", "wa_id")
    def _follow_in_search_text(self, key: str, value: str | None) -> str | None:
        """A new name or number is searchable at once."""
        name = value if key == "name" else self.name
        number = value if key == "wa_id" else self.wa_id
        self.search_text = search_text(name, number)[:LEAD_SEARCH_LENGTH]
        return value

    @property
    def display_name(self) -> str:
        """The lead's profile name, else its number (international format), else its user id."""
        return self.name or phone(self.wa_id) or self.user_id or f"#{self.id}"


class Chat(Model):
    """One conversation with a lead, open until it expires or is closed."""

    __tablename__ = "chats"
    __table_args__ = (
        # One open chat per lead, enforced by the database itself.
        Index("uq_chats_open_lead", "lead_id", unique=True,
              sqlite_where=text(_OPEN_ONLY), postgresql_where=text(_OPEN_ONLY)),
        Index("ix_chats_assignee_status_activity", "assignee_id", "status", "last_message_at"),
        # Expiry reads open chats by window end; routing and the offline sweep read open
        # chats by latest inbound message. Only open chats are indexed for either.
        Index("ix_chats_open_window", "window_expires_at",
              sqlite_where=text(_OPEN_ONLY), postgresql_where=text(_OPEN_ONLY)),
        Index("ix_chats_status_activity", "status", "last_message_at"),
        Index("ix_chats_group_status", "group_id", "status"),
        Index("ix_chats_open_inbound", "last_inbound_at", "assignee_id",
              sqlite_where=text(_OPEN_ONLY), postgresql_where=text(_OPEN_ONLY)),
        # The team's counts of open chats per assignee (routing, team now, the next-chat
        # preview): every column they read, so an index-only scan of the open chats. Only on
        # PostgreSQL: SQLite does not read the counts from it (the status is bound), so
        # there it would mostly cost writes (migration 0020).
        Index("ix_chats_open_assignee", "assignee_id", "awaiting_reply", "last_inbound_at",
              "awaiting_since", postgresql_where=text(_OPEN_ONLY)).ddl_if(dialect="postgresql"),
        # The waiting line: open chats nobody has, longest waiting first.
        Index("ix_chats_waiting", "opened_at", "id",
              sqlite_where=text(_WAITING), postgresql_where=text(_WAITING)),
        # The minutes at a report period's edges are summed from the chats that opened then
        # (the rest is in the report counts). Just opened_at: expiry rewrites every index
        # holding status, and on PostgreSQL every index (migration 0020).
        Index("ix_chats_opened", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default=ChatStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_message_preview: Mapped[str] = mapped_column(String(PREVIEW_LENGTH), default="")
    # The latest message's placeholder facts (webapp.message_text words them), if any.
    last_message_details: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    window_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # True while the lead spoke last and nobody has answered yet; since when (the lead's
    # first message after the last answer).
    awaiting_reply: Mapped[bool] = mapped_column(default=True)
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its current assignee was given it (reassign unanswered counts from here).
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Left unanswered too long with nobody else to take it (reassign unanswered).
    overdue_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unread_count: Mapped[int] = mapped_column(default=0)
    # Facts the dashboard reports on, stored when they happen (services.chat_facts): why and
    # to whom the chat went when it opened; the lead's first message and the first reply
    # (who sent it, how many seconds after); when a chat that waited was given to someone.
    opened_reason: Mapped[str | None] = mapped_column(String(40))  # a RoutingReason
    # (User ids as plain facts: users are deactivated, never deleted; migration 0013 says
    # why these two have no foreign key.)
    opened_assignee_id: Mapped[int | None] = mapped_column()
    first_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_reply_by_id: Mapped[int | None] = mapped_column()
    first_response_seconds: Mapped[int | None] = mapped_column()
    waiting_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Its time in the waiting line, whole seconds (set with waiting_ended_at); whether it
    # expired with no reply sent, and who had it then (the report counts are rebuilt from
    # these; a reply sent later, reviving it, does not undo the expiry).
    waited_seconds: Mapped[int | None] = mapped_column()
    expired_unanswered: Mapped[bool] = mapped_column(default=False, server_default=false())
    expired_holder_id: Mapped[int | None] = mapped_column()
    # Bumped on every change of assignee or status: the transfer dialog's optimistic lock.
    version: Mapped[int] = mapped_column(default=1)

    lead: Mapped[Lead] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    group: Mapped[Group | None] = relationship()


class Message(Model):
    """One WhatsApp message, inbound from the lead or outbound from us."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_chat_sent", "chat_id", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))  # a Direction
    wamid: Mapped[str | None] = mapped_column(String(WAMID_LENGTH), unique=True)
    type: Mapped[str] = mapped_column(String(MESSAGE_TYPE_LENGTH), default="text")
    body: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the message's own timestamp
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.RECEIVED)
    # A placeholder's facts for anything but plain text (whatsapp.placeholders); pages word
    # them in the reader's language before `body`. None: plain text, or stored before.
    details: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    error: Mapped[str | None] = mapped_column(Text)
    # The Cloud API's error code when sending failed (the fact; `error` is its sentence).
    error_code: Mapped[int | None] = mapped_column()
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    sender: Mapped[User | None] = relationship()
    # The file of an inbound media message (None for any other message).
    media: Mapped["MessageMedia | None"] = relationship(back_populates="message")


class RoutingDecision(Model):
    """Why a chat went where it did: one row per routing or transfer."""

    __tablename__ = "routing_decisions"
    __table_args__ = (
        Index("ix_routing_decisions_chat", "chat_id", "created_at"),
        # The dashboard counts transfers in and out by when they happened.
        Index("ix_routing_decisions_moves", "created_at", "from_assignee_id", "assignee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(40))  # a RoutingReason
    from_assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The facts behind the reason (webapp.domain.routing; worded by webapp.decision_text).
    facts: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # A decision recorded before facts were kept, whose sentence could not be turned into
    # facts, keeps that sentence here (English); nothing new is written to it.
    legacy_detail: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    from_assignee: Mapped[User | None] = relationship(foreign_keys=[from_assignee_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    group: Mapped[Group | None] = relationship()
