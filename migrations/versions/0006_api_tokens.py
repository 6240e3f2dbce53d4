"""API tokens get a name, a visible prefix, an optional expiry and a revocation time.

Revision ID: 0006_api_tokens
Revises: 0005_sessions
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_api_tokens"
down_revision = "0005_sessions"
branch_labels = None
depends_on = None


def upgrade():
    """Add name, prefix, expires_at and revoked_at to api_tokens (older tokens: no prefix)."""
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=80), nullable=False,
                                      server_default="API token"))
        batch_op.add_column(sa.Column("prefix", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))


def downgrade():
    """Drop them again."""
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("prefix")
        batch_op.drop_column("name")
