"""People: managers and pre-sellers."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import UTCDateTime, utcnow
from ..extensions import db

MANAGER = "manager"
PRE_SELLER = "pre-seller"
ROLES = (MANAGER, PRE_SELLER)


class User(UserMixin, db.Model):
    """A person who signs in: a manager or a pre-seller."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_role_active", "role", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Presence: online = signed_in and seen within the presence timeout (domain.presence).
    signed_in: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Tiebreaker: when this pre-seller was last given a chat (never = None = first).
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

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

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
