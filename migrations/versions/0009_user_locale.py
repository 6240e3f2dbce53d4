"""Each user's language and time zone (chosen on /account; empty follows the defaults).

Revision ID: 0009_user_locale
Revises: 0005_waiting_line
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_user_locale"
down_revision = "0005_waiting_line"
branch_labels = None
depends_on = None


def upgrade():
    """Two nullable columns: existing users follow DEFAULT_LOCALE and DEFAULT_TIMEZONE."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(10), nullable=True))
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))


def downgrade():
    """Drop the two columns."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
        batch.drop_column("locale")
