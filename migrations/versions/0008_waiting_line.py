"""Away, capacity, the waiting line and reassigning unanswered chats.

Users: when they went Away, and their own maximum of open chats. Chats: when their current
assignee got them, since when their lead awaits a reply, and whether they were left
unanswered with nobody else to take them. Settings: the team's maximum of open chats, the
waiting line switch (on) and the minutes before an unanswered chat moves (off). An index
over the open chats nobody has, longest waiting first.

Existing chats are given their assignment time (the latest routing decision that gave them
to their assignee, else their opening) and, when awaiting a reply, the lead's latest message.

Revision ID: 0005_waiting_line
Revises: 0005_reply_outcome (file 0007)
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_waiting_line"
down_revision = "0005_reply_outcome"
branch_labels = None
depends_on = None

_WAITING = "status = 'open' AND assignee_id IS NULL"


def upgrade():
    """Add the columns and the index, and fill the chats' times from what is known."""
    op.add_column("users", sa.Column("away_since", sa.DateTime(), nullable=True))
    op.add_column("users", sa.Column("max_open_chats", sa.Integer(), nullable=True))
    for name in ("awaiting_since", "assigned_at", "overdue_since"):
        op.add_column("chats", sa.Column(name, sa.DateTime(), nullable=True))
    op.add_column("whatsapp_settings", sa.Column("max_open_chats", sa.Integer(), nullable=True))
    op.add_column("whatsapp_settings", sa.Column("give_waiting_chats", sa.Boolean(),
                                                 nullable=False, server_default=sa.true()))
    op.add_column("whatsapp_settings", sa.Column("reassign_unanswered_minutes", sa.Integer(),
                                                 nullable=True))
    op.create_index("ix_chats_waiting", "chats", ["opened_at", "id"],
                    sqlite_where=sa.text(_WAITING), postgresql_where=sa.text(_WAITING))
    op.execute(
        "UPDATE chats SET assigned_at = COALESCE((SELECT MAX(d.created_at) FROM "
        "routing_decisions d WHERE d.chat_id = chats.id AND d.assignee_id = chats.assignee_id), "
        "opened_at) WHERE assignee_id IS NOT NULL")
    op.execute("UPDATE chats SET awaiting_since = last_inbound_at WHERE awaiting_reply "
               "AND status = 'open'")


def downgrade():
    """Drop them again."""
    op.drop_index("ix_chats_waiting", table_name="chats")
    with op.batch_alter_table("whatsapp_settings") as table:
        for name in ("reassign_unanswered_minutes", "give_waiting_chats", "max_open_chats"):
            table.drop_column(name)
    with op.batch_alter_table("chats") as table:
        for name in ("overdue_since", "assigned_at", "awaiting_since"):
            table.drop_column(name)
    with op.batch_alter_table("users") as table:
        table.drop_column("max_open_chats")
        table.drop_column("away_since")
