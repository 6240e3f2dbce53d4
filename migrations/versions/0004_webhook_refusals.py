"""Webhook events keep the messages and statuses refused alone (where and why).

Revision ID: 0004_webhook_refusals
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_webhook_refusals"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    """Add webhook_events.refused."""
    with op.batch_alter_table("webhook_events") as batch:
        batch.add_column(sa.Column("refused", sa.Text(), nullable=True))


def downgrade():
    """Drop webhook_events.refused."""
    with op.batch_alter_table("webhook_events") as batch:
        batch.drop_column("refused")
