"""People: managers and pre-sellers, and the presence rule as SQL."""
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import TypeGuard

from flask_login import UserMixin
from sqlalchemy import ColumnElement, Index, String, and_, false, or_
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import UTCDateTime, utcnow
from ..domain.limits import EMAIL_LENGTH, LOCALE_LENGTH, TIMEZONE_LENGTH, USER_NAME_LENGTH
from ..domain.presence import offline_cutoffs, online_cutoff
from ..extensions import Model

MANAGER = "manager"
PRE_SELLER = "pre-seller"
ROLES = (MANAGER, PRE_SELLER)


class User(UserMixin, Model):
    """A person who signs in: a manager or a pre-seller."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_role_active", "role", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(USER_NAME_LENGTH))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Presence: online = active, signed_in and seen within the presence timeout
    # (domain.presence; the same rule in SQL below).
    signed_in: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a signed-in pre-seller switched to Away; None = Available (signing in clears it).
    away_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # This pre-seller's own maximum of open chats; None = the team's (Settings → WhatsApp).
    max_open_chats: Mapped[int | None] = mapped_column()
    # Tiebreaker: when this pre-seller was last given a chat (never = None = first).
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Chosen on /account; None follows the deployment's DEFAULT_LOCALE / DEFAULT_TIMEZONE.
    locale: Mapped[str | None] = mapped_column(String(LOCALE_LENGTH))
    timezone: Mapped[str | None] = mapped_column(String(TIMEZONE_LENGTH))
    # Alerts for new chats and new messages in their chats (sound, notification, badge);
    # off until they turn them on (/account, or the prompt above their list).
    alerts_on: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users: deactivated people cannot sign in."""
        return self.active

    @property
    def is_manager(self) -> bool:
        """True for managers."""
        return self.role == MANAGER

    @property
    def is_pre_seller(self) -> bool:
        """True for pre-sellers."""
        return self.role == PRE_SELLER

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @classmethod
    def connected_clause(cls, now: datetime, timeout: timedelta) -> ColumnElement[bool]:
        """SQL: Available or Away at `now` (domain.presence.is_connected)."""
        return and_(cls.active.is_(True), cls.signed_in.is_(True),
                    cls.last_seen_at >= online_cutoff(now, timeout))

    @classmethod
    def online_clause(cls, now: datetime, timeout: timedelta) -> ColumnElement[bool]:
        """SQL: online at `now`, domain.presence.is_online's rule for set-based queries."""
        return and_(cls.connected_clause(now, timeout), cls.away_since.is_(None))

    @classmethod
    def offline_clause(cls, now: datetime, grace: timedelta,
                       timeout: timedelta) -> ColumnElement[bool]:
        """SQL: offline for longer than `grace` at `now` (domain.presence.offline_cutoffs)."""
        signed_out_before, signed_in_before = offline_cutoffs(now, grace, timeout)
        return or_(cls.active.is_(False), cls.last_seen_at.is_(None),
                   and_(cls.signed_in.is_(False), cls.last_seen_at < signed_out_before),
                   and_(cls.signed_in.is_(True), cls.last_seen_at < signed_in_before),
                   cls.away_since < signed_out_before)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


@cache
def _nobodys_password_hash() -> str:
    """A hash made exactly like stored ones (same method and cost) of a password nobody has."""
    return generate_password_hash(secrets.token_urlsafe(16))


def verify_password(user: User | None, password: str) -> TypeGuard[User]:
    """Check a password with the same work whether or not the account exists.

    An unknown e-mail is checked against a dummy hash, so answering it takes as long as a
    wrong password and the time taken does not reveal who has an account.
    """
    if user is None:
        check_password_hash(_nobodys_password_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)
