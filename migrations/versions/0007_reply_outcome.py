"""Keep the Cloud API's error code of a reply that could not be sent.

A reply is now saved as pending before it is sent and its outcome recorded after: sent with
its wamid, or failed with WhatsApp's error code (this column) and a readable reason.

Revision ID: 0005_reply_outcome
Revises: 0006_api_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_reply_outcome"
down_revision = "0006_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    """Add messages.error_code."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("error_code", sa.Integer(), nullable=True))


def downgrade():
    """Drop messages.error_code."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("error_code")
