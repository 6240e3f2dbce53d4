"""Groups of pre-sellers and the WhatsApp Business distribution settings."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..domain.limits import GROUP_NAME_LENGTH
from ..domain.settings_rules import DEFAULT_TUNABLES, ONLINE_MODE
from ..extensions import Model, db
from .users import User

group_members = Table(
    "group_members",
    db.metadata,
    Column("group_id", Integer, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

settings_distribution_groups = Table(
    "settings_distribution_groups",
    db.metadata,
    Column("settings_id", Integer, ForeignKey("whatsapp_settings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), primary_key=True, index=True),
)

settings_alternate_recipients = Table(
    "settings_alternate_recipients",
    db.metadata,
    Column("settings_id", Integer, ForeignKey("whatsapp_settings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Group(Model):
    """A named set of pre-sellers, used by distribution and offline transfer."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(GROUP_NAME_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    members: Mapped[list[User]] = relationship(
        secondary=group_members, order_by=User.name, lazy="selectin")


class WhatsAppSettings(Model):
    """The single row of Settings → WhatsApp Business (id 1); the domain gives the defaults."""

    __tablename__ = "whatsapp_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_mode: Mapped[str] = mapped_column(String(20), default=ONLINE_MODE)
    offline_transfer_enabled: Mapped[bool] = mapped_column(default=False)
    offline_transfer_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    activity_window_minutes: Mapped[int] = mapped_column(
        default=DEFAULT_TUNABLES.activity_window_minutes)
    presence_timeout_seconds: Mapped[int] = mapped_column(
        default=DEFAULT_TUNABLES.presence_timeout_seconds)
    offline_grace_seconds: Mapped[int] = mapped_column(
        default=DEFAULT_TUNABLES.offline_grace_seconds)
    max_open_chats: Mapped[int | None] = mapped_column(default=DEFAULT_TUNABLES.max_open_chats)
    give_waiting_chats: Mapped[bool] = mapped_column(
        default=DEFAULT_TUNABLES.give_waiting_chats)
    reassign_unanswered_minutes: Mapped[int | None] = mapped_column(
        default=DEFAULT_TUNABLES.reassign_unanswered_minutes)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When the account's templates were last read from Meta (None: never).
    templates_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    distribution_groups: Mapped[list[Group]] = relationship(
        secondary=settings_distribution_groups, order_by=Group.name, lazy="select")
    alternate_recipients: Mapped[list[User]] = relationship(
        secondary=settings_alternate_recipients, order_by=User.name, lazy="select")
    offline_transfer_group: Mapped[Group | None] = relationship(lazy="joined")
