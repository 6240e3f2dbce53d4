"""Server-side sessions, and a sign-in throttle every worker and host shares.

Revision ID: 0005_sessions
Revises: 0004_webhook_refusals
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_sessions"
down_revision = "0004_webhook_refusals"
branch_labels = None
depends_on = None


def upgrade():
    """Add user_sessions and sign_in_failures."""
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    op.create_index("ix_user_sessions_created_at", "user_sessions", ["created_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failures_account", "sign_in_failures",
                    ["account_key", "failed_at"])
    op.create_index("ix_sign_in_failures_address", "sign_in_failures",
                    ["address_key", "failed_at"])
    op.create_index("ix_sign_in_failures_failed_at", "sign_in_failures", ["failed_at"])


def downgrade():
    """Drop them again."""
    op.drop_table("sign_in_failures")
    op.drop_table("user_sessions")
