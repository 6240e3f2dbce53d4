"""Each user's alerts (a sound, a desktop notification and a badge for new chats and new
messages in their chats): off until they turn them on, on /account or the list's prompt.

Revision ID: 0013_inbox_alerts
Revises: 0013_templates
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_inbox_alerts"
down_revision = "0013_templates"
branch_labels = None
depends_on = None


def upgrade():
    """One column, false for everyone until they choose."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("alerts_on", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade():
    """Drop the column."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("alerts_on")
