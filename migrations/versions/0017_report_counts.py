"""Report counts: the dashboard's figures kept per UTC day, hour and quarter hour as they
happen, so a report reads a few thousand rows whatever the number of chats (issue 17).

Chats gain the facts the counts are rebuilt from: seconds in the waiting line, whether the
chat expired unanswered and who had it then (filled in from what is known: an expired chat
whose first reply, if any, came after its window closed). The counts are then computed from
the chats' facts by the app's own rebuild (`flask rebuild-report-counts`), the same
INSERT … SELECT per grain on both databases.

Revision ID: 0017_report_counts
Revises: 0013_delivery_queue
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_report_counts"
down_revision = "0013_delivery_queue"
branch_labels = None
depends_on = None

# The count columns as this revision made them (models.report_counts).
_REASONS = ("owner", "distribution", "group", "alternate", "unassigned",
            "offline_parent_transfer", "unrecorded")
_BUCKETS = 26
_COUNTS = (*(f"new_{reason}" for reason in _REASONS), "expired", "transfers_in",
           "transfers_out", *(f"reply_{i:02d}" for i in range(_BUCKETS)),
           *(f"wait_{i:02d}" for i in range(_BUCKETS)))
# Seconds between two timestamps, rounded, in each database's arithmetic.
_WAITED = {
    "postgresql": "ROUND(EXTRACT(EPOCH FROM (waiting_ended_at - opened_at)))",
    "sqlite": "ROUND((julianday(waiting_ended_at) - julianday(opened_at)) * 86400)",
}


def upgrade():
    # Plain ADD COLUMNs, never a batch copy (0015 says why: a copy of chats cascades).
    op.add_column("chats", sa.Column("waited_seconds", sa.Integer(), nullable=True))
    op.add_column("chats", sa.Column("expired_unanswered", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("chats", sa.Column("expired_holder_id", sa.Integer(), nullable=True))
    dialect = op.get_bind().dialect.name
    op.execute(f"UPDATE chats SET waited_seconds = CASE WHEN waiting_ended_at >= opened_at "
               f"THEN CAST({_WAITED[dialect]} AS INTEGER) ELSE 0 END "
               "WHERE waiting_ended_at IS NOT NULL")
    op.execute("UPDATE chats SET expired_holder_id = assignee_id, expired_unanswered = "
               "COALESCE(first_reply_at IS NULL OR first_reply_at >= window_expires_at, "
               f"{'false' if dialect == 'postgresql' else '0'}) "
               "WHERE status = 'expired'")
    op.create_table(
        "report_counts",
        sa.Column("grain", sa.String(length=7), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0")
          for name in _COUNTS),
        sa.PrimaryKeyConstraint("grain", "start", "user_id"))
    from webapp.services.report_counts import rebuild
    rebuild(op.get_bind())


def downgrade():
    op.drop_table("report_counts")
    for column in ("expired_holder_id", "expired_unanswered", "waited_seconds"):
        op.drop_column("chats", column)
