"""Webhook deliveries become a queue: when a failed one is tried again, why, and when it died.

Deliveries stored before and never processed are simply due: the consumer takes them first.

Revision ID: 0013_delivery_queue
Revises: 0013_dashboard_facts
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_delivery_queue"
down_revision = "0013_dashboard_facts"
branch_labels = None
depends_on = None


def upgrade():
    """Add webhook_events.next_attempt_at, failure and dead_at (indexed)."""
    with op.batch_alter_table("webhook_events") as batch:
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("failure", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("dead_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_webhook_events_dead", ["dead_at"])


def downgrade():
    """Drop the queue's columns."""
    with op.batch_alter_table("webhook_events") as batch:
        batch.drop_index("ix_webhook_events_dead")
        batch.drop_column("dead_at")
        batch.drop_column("failure")
        batch.drop_column("next_attempt_at")
