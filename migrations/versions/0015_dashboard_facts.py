"""Dashboard facts: what the reports count, stored on the chat when it happens.

Each chat keeps why and to whom it went when it opened, the lead's first message, the first
reply (when, by whom, how many seconds after), and when a chat that waited was given out;
an index over the columns the reports count by, and one over routing decisions by time (for
transfers). Chats from before are filled in from their messages and routing decisions.

Revision ID: 0013_dashboard_facts
Revises: 0013_inbox_alerts
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_dashboard_facts"
down_revision = "0013_inbox_alerts"
branch_labels = None
depends_on = None

_SENT = "('sent', 'sandbox', 'delivered', 'read')"
# The chat's first routing decision (the one that placed it when it opened).
_FIRST_DECISION = ("(SELECT {column} FROM routing_decisions d WHERE d.chat_id = chats.id "
                   "ORDER BY d.created_at, d.id LIMIT 1)")
_FIRST_REPLY = ("(SELECT {column} FROM messages m WHERE m.chat_id = chats.id AND m.direction = "
                f"'out' AND m.status IN {_SENT} ORDER BY m.sent_at, m.id LIMIT 1)")
# Seconds between two timestamps, rounded, in each database's arithmetic.
_SECONDS = {
    "postgresql": "ROUND(EXTRACT(EPOCH FROM (first_reply_at - first_inbound_at)))",
    "sqlite": "ROUND((julianday(first_reply_at) - julianday(first_inbound_at)) * 86400)",
}


def upgrade():
    # Plain ADD COLUMNs, never a batch copy: on SQLite a batch drops and recreates the chats
    # table, and dropping it would cascade to every message and routing decision. (So the
    # two user ids are plain facts, without a foreign key SQLite could only add by a copy;
    # Relay never deletes users, it deactivates them.)
    op.add_column("chats", sa.Column("opened_reason", sa.String(length=40), nullable=True))
    op.add_column("chats", sa.Column("opened_assignee_id", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("first_inbound_at", sa.DateTime(), nullable=True))
    op.add_column("chats", sa.Column("first_reply_at", sa.DateTime(), nullable=True))
    op.add_column("chats", sa.Column("first_reply_by_id", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("first_response_seconds", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("waiting_ended_at", sa.DateTime(), nullable=True))
    _backfill()
    op.create_index("ix_chats_report", "chats",
                    ["opened_at", "opened_assignee_id", "opened_reason", "assignee_id", "status",
                     "first_reply_by_id", "first_response_seconds"])
    op.create_index("ix_chats_opened_reason", "chats", ["opened_reason", "opened_at"])
    op.create_index("ix_routing_decisions_moves", "routing_decisions",
                    ["created_at", "from_assignee_id", "assignee_id"])


def _backfill():
    """The facts of chats from before, from their decisions and messages (set-based)."""
    dialect = op.get_bind().dialect.name
    op.execute(
        "UPDATE chats SET "
        f"opened_reason = {_FIRST_DECISION.format(column='reason')}, "
        f"opened_assignee_id = {_FIRST_DECISION.format(column='assignee_id')}, "
        "first_inbound_at = (SELECT MIN(m.sent_at) FROM messages m WHERE m.chat_id = chats.id "
        "AND m.direction = 'in'), "
        f"first_reply_at = {_FIRST_REPLY.format(column='sent_at')}, "
        f"first_reply_by_id = {_FIRST_REPLY.format(column='sender_id')}")
    op.execute(f"UPDATE chats SET first_response_seconds = CASE WHEN first_reply_at >= "
               f"first_inbound_at THEN CAST({_SECONDS[dialect]} AS INTEGER) ELSE 0 END "
               "WHERE first_reply_at IS NOT NULL AND first_inbound_at IS NOT NULL")
    # A chat that opened unassigned waited until its next decision gave it to someone.
    op.execute(
        "UPDATE chats SET waiting_ended_at = (SELECT MIN(d.created_at) FROM routing_decisions d "
        "WHERE d.chat_id = chats.id AND d.assignee_id IS NOT NULL) "
        "WHERE opened_reason = 'unassigned'")


def downgrade():
    op.drop_index("ix_routing_decisions_moves", table_name="routing_decisions")
    op.drop_index("ix_chats_opened_reason", table_name="chats")
    op.drop_index("ix_chats_report", table_name="chats")
    # Plain DROP COLUMNs (SQLite 3.35+), for the same reason: no copy of the chats table.
    for column in ("waiting_ended_at", "first_response_seconds", "first_reply_by_id",
                   "first_reply_at", "first_inbound_at", "opened_assignee_id", "opened_reason"):
        op.drop_column("chats", column)
