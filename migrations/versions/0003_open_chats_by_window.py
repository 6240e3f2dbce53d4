"""Index only the open chats by their window's end; drop an index nothing reads any more.

The expiry sweep reads open chats by window end; expired and closed chats never need that
order, and an index entry less per chat makes every chat update (and the expiry of a burst of
chats) cheaper. Chats by assignee and latest inbound message are read only while open, which
`ix_chats_open_inbound` already serves.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    """Swap the full (status, window) index for a partial one on open chats."""
    op.create_index("ix_chats_open_window", "chats", ["window_expires_at"],
                    sqlite_where=sa.text("status = 'open'"),
                    postgresql_where=sa.text("status = 'open'"))
    op.drop_index("ix_chats_status_window", table_name="chats")
    op.drop_index("ix_chats_assignee_last_inbound", table_name="chats")


def downgrade():
    """Put the full indexes back."""
    op.create_index("ix_chats_assignee_last_inbound", "chats", ["assignee_id", "last_inbound_at"])
    op.create_index("ix_chats_status_window", "chats", ["status", "window_expires_at"])
    op.drop_index("ix_chats_open_window", table_name="chats")
