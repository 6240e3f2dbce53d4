"""What replies are made of beyond plain text: message templates, the team's quick replies,
and the files of inbound media messages."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..domain.codes import MediaState
from ..domain.limits import (
    FILE_NAME_LENGTH,
    MEDIA_ERROR_LENGTH,
    MEDIA_ID_LENGTH,
    MEDIA_KIND_LENGTH,
    MIME_TYPE_LENGTH,
    QUICK_REPLY_TITLE_LENGTH,
    TEMPLATE_CATEGORY_LENGTH,
    TEMPLATE_LANGUAGE_LENGTH,
    TEMPLATE_NAME_LENGTH,
)
from ..extensions import Model
from .chats import Message

_PENDING = f"state = '{MediaState.PENDING}'"


class MessageTemplate(Model):
    """A template WhatsApp delivers outside the 24-hour window: read from the account
    (source cloud, approved ones only) or kept by managers for sandbox mode."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("source", "name", "language",
                                       name="uq_message_templates_source_name_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # a TemplateSource
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_LENGTH))
    language: Mapped[str] = mapped_column(String(TEMPLATE_LANGUAGE_LENGTH))
    category: Mapped[str] = mapped_column(String(TEMPLATE_CATEGORY_LENGTH))
    status: Mapped[str] = mapped_column(String(20), default="APPROVED")  # Meta's word
    body: Mapped[str] = mapped_column(Text)
    parameter_count: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class QuickReply(Model):
    """A ready-made text the team inserts with '/' in the reply box ({lead}, {me} filled)."""

    __tablename__ = "quick_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(QUICK_REPLY_TITLE_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MessageMedia(Model):
    """The file of an inbound media message: WhatsApp's media id until it is downloaded,
    then where it is kept (content-addressed under MEDIA_ROOT) and what it is."""

    __tablename__ = "message_media"
    __table_args__ = (
        # The fetcher reads the pending files that are due; nothing else is indexed for it.
        Index("ix_message_media_due", "next_attempt_at",
              sqlite_where=text(_PENDING), postgresql_where=text(_PENDING)),
        Index("ix_message_media_chat", "chat_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"),
                                            unique=True)
    # Kept beside the message so that the viewer check and the page's fingerprint need no join.
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    media_id: Mapped[str] = mapped_column(String(MEDIA_ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(MEDIA_KIND_LENGTH))  # domain.media.MEDIA_KINDS
    state: Mapped[str] = mapped_column(String(12), default=MediaState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mime_type: Mapped[str] = mapped_column(String(MIME_TYPE_LENGTH), default="")
    file_name: Mapped[str] = mapped_column(String(FILE_NAME_LENGTH), default="")
    size: Mapped[int | None] = mapped_column()
    # The path under MEDIA_ROOT, named by the content's SHA-256.
    path: Mapped[str | None] = mapped_column(String(100))
    # Why the last try failed: a code (domain.media, or relay:<kind>), or WhatsApp's code.
    error: Mapped[str | None] = mapped_column(String(MEDIA_ERROR_LENGTH))
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    message: Mapped[Message] = relationship(back_populates="media")
