"""The delivery queue's indexes hold only the deliveries not yet processed.

The whole-table indexes on (processed_at, id) and (dead_at) grew with every delivery ever
received and each took an entry per INSERT; the partial ones hold the backlog and the dead,
and a queued delivery's INSERT touches one of them.

Revision ID: 0018_queue_indexes
Revises: 0017_report_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_queue_indexes"
down_revision = "0017_report_counts"
branch_labels = None
depends_on = None

UNPROCESSED = "processed_at IS NULL"
DEAD = "dead_at IS NOT NULL AND processed_at IS NULL"


def upgrade():
    """Replace the whole-table indexes with partial ones."""
    op.drop_index("ix_webhook_events_pending", table_name="webhook_events")
    op.drop_index("ix_webhook_events_dead", table_name="webhook_events")
    op.create_index("ix_webhook_events_unprocessed", "webhook_events", ["id"],
                    sqlite_where=sa.text(UNPROCESSED), postgresql_where=sa.text(UNPROCESSED))
    op.create_index("ix_webhook_events_dead", "webhook_events", ["dead_at", "id"],
                    sqlite_where=sa.text(DEAD), postgresql_where=sa.text(DEAD))


def downgrade():
    """The whole-table indexes again."""
    op.drop_index("ix_webhook_events_dead", table_name="webhook_events")
    op.drop_index("ix_webhook_events_unprocessed", table_name="webhook_events")
    op.create_index("ix_webhook_events_pending", "webhook_events", ["processed_at", "id"])
    op.create_index("ix_webhook_events_dead", "webhook_events", ["dead_at"])
