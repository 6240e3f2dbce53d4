"""Sign-in state kept on the server: live sessions and recent failed sign-ins."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import Model


class UserSession(Model):
    """A signed-in browser. The cookie carries a random token; only its hash is stored.

    Ending a session deletes its row, so a copied cookie stops working everywhere at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The absolute lifetime runs from here (SESSION_LIFETIME_HOURS); indexed for the cleanup.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SignInFailure(Model):
    """One failed (or not yet successful) sign-in, counted per account and per address.

    Both are stored as keyed hashes: the table never holds what someone typed as an e-mail
    (sometimes a password) nor a readable address, and every key has the same length.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_account", "account_key", "failed_at"),
        Index("ix_sign_in_failures_address", "address_key", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
