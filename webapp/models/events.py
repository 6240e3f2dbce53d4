"""Operational records: raw webhook deliveries, API tokens, job runs."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..domain.limits import API_TOKEN_NAME_LENGTH, API_TOKEN_PREFIX_LENGTH
from ..extensions import Model
from .users import User

# The deliveries a consumer or a manager may still act on (waiting, or dead).
_UNPROCESSED = "processed_at IS NULL"
_DEAD = "dead_at IS NOT NULL AND processed_at IS NULL"


class WebhookEvent(Model):
    """A webhook delivery stored raw before processing, so nothing is lost."""

    __tablename__ = "webhook_events"
    # Both indexes hold only the rows that are not processed, so a delivery's INSERT (the
    # webhook's whole work) updates one index beside the key, not two, and the consumer's
    # claim reads an index the size of the backlog, not of the whole history.
    __table_args__ = (Index("ix_webhook_events_unprocessed", "id",
                            sqlite_where=text(_UNPROCESSED), postgresql_where=text(_UNPROCESSED)),
                      Index("ix_webhook_events_dead", "dead_at", "id",
                            sqlite_where=text(_DEAD), postgresql_where=text(_DEAD)))

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why processing failed (the whole delivery, or the items kept for reprocessing).
    error: Mapped[str | None] = mapped_column(Text)
    # The messages and statuses refused alone (wrong shape, impossible time), one a line.
    refused: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # Queue state: a delivery waits until processed; one that failed waits until
    # next_attempt_at (None: at once), then after its last retry is dead with the reason's
    # code (domain.codes.DeliveryFailure) beside `error`.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure: Mapped[str | None] = mapped_column(String(30))
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiToken(Model):
    """A manager's bearer token for the read API, stored as a SHA-256 hash.

    A revoked token keeps its row (who had it, when it was last used) but never works again.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(API_TOKEN_NAME_LENGTH), server_default="API token")
    # The token's first characters, not secret: how people tell their tokens apart.
    prefix: Mapped[str | None] = mapped_column(String(API_TOKEN_PREFIX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def state(self, now: datetime) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class JobRun(Model):
    """A background job's last runs, and the lease that keeps it to one runner."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_result: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
