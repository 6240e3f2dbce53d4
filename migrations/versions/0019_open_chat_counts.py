"""Open chats per assignee read from one index: the team's counts without the table.

Team now, the next-chat preview and every routing decision count each pre-seller's open
chats (in activity, awaiting a reply, the oldest wait). With only window-ordered partial
indexes, PostgreSQL read those open chats through ix_chats_open_window, one heap page per
chat in window order; with a large history beside them that cost grew with the table. This
partial index holds every column those counts read, in assignee order, so they are an
index-only scan of the open chats.

Revision ID: 0019_open_chat_counts
Revises: 0018_queue_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_open_chat_counts"
down_revision = "0018_queue_indexes"
branch_labels = None
depends_on = None

OPEN_ONLY = "status = 'open'"
COLUMNS = ["assignee_id", "awaiting_reply", "last_inbound_at", "awaiting_since"]


def upgrade():
    """The covering index of open chats by assignee."""
    op.create_index("ix_chats_open_assignee", "chats", COLUMNS,
                    sqlite_where=sa.text(OPEN_ONLY), postgresql_where=sa.text(OPEN_ONLY))


def downgrade():
    """Without it."""
    op.drop_index("ix_chats_open_assignee", table_name="chats")
