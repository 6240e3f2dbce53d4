"""Index the open chats by their lead's latest message, for routing's chats-in-activity count.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    """Only open chats are indexed: routing scans the recent ones, however many chats exist."""
    op.create_index("ix_chats_open_inbound", "chats", ["last_inbound_at", "assignee_id"],
                    sqlite_where=sa.text("status = 'open'"),
                    postgresql_where=sa.text("status = 'open'"))


def downgrade():
    """Drop the index."""
    op.drop_index("ix_chats_open_inbound", table_name="chats")
