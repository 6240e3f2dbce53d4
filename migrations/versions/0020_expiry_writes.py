"""Fewer chat indexes for the expiry sweep to rewrite.

Expiring a chat changes its status, so every index holding status (and on PostgreSQL,
where such an update can never be HOT, every index of the table) gets an entry per
expired chat. Two of them no longer earn that price since the dashboard reads the report
counts (0017): ix_chats_report covered the reports' reads of the chats themselves, and
ix_chats_opened_reason the waiting-line report's. What still reads chats by when they
opened (the minutes at a period's edges, a rebuild's ranges) needs only opened_at.
ix_chats_open_assignee (0019) serves PostgreSQL's index-only counts. SQLite does not read
those counts from it (the status is bound); of every statement the tests send, it picked it
only for a pre-seller's own open chats (assignee_id = ? AND status = ?), which
ix_chats_assignee_status_activity finds as directly. There it only cost writes.

Revision ID: 0020_expiry_writes
Revises: 0019_open_chat_counts
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_expiry_writes"
down_revision = "0019_open_chat_counts"
branch_labels = None
depends_on = None

OPEN_ONLY = "status = 'open'"
OPEN_ASSIGNEE = ["assignee_id", "awaiting_reply", "last_inbound_at", "awaiting_since"]


def upgrade():
    """By opened_at alone; the open chats' covering index on PostgreSQL only."""
    op.create_index("ix_chats_opened", "chats", ["opened_at"])
    op.drop_index("ix_chats_report", table_name="chats")
    op.drop_index("ix_chats_opened_reason", table_name="chats")
    if op.get_bind().dialect.name != "postgresql":
        op.drop_index("ix_chats_open_assignee", table_name="chats")


def downgrade():
    """The three indexes as 0019 left them."""
    if op.get_bind().dialect.name != "postgresql":
        op.create_index("ix_chats_open_assignee", "chats", OPEN_ASSIGNEE,
                        sqlite_where=sa.text(OPEN_ONLY))
    op.create_index("ix_chats_opened_reason", "chats", ["opened_reason", "opened_at"])
    op.create_index("ix_chats_report", "chats",
                    ["opened_at", "opened_assignee_id", "opened_reason", "assignee_id", "status",
                     "first_reply_by_id", "first_response_seconds"])
    op.drop_index("ix_chats_opened", table_name="chats")
