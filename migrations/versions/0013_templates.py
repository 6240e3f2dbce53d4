"""Replying beyond plain text: message templates, quick replies, and inbound media files.

`message_templates` holds the account's approved templates (read from Meta) and the sandbox
ones managers keep; `whatsapp_settings.templates_refreshed_at` says when Meta was last read.
`quick_replies` is the team's list. `message_media` keeps each inbound media message's
WhatsApp media id until the file is downloaded, then where it is kept and what it is.

Revision ID: 0013_templates
Revises: 0012_message_details
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_templates"
down_revision = "0012_message_details"
branch_labels = None
depends_on = None

_PENDING = "state = 'pending'"


def upgrade():
    """Three new tables and one added column (added, not altered: no table rebuild)."""
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("language", sa.String(length=15), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("parameter_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "name", "language",
                            name="uq_message_templates_source_name_language"),
    )
    op.create_table(
        "quick_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "message_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=100), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index("ix_message_media_chat", "message_media", ["chat_id", "state"])
    op.create_index("ix_message_media_due", "message_media", ["next_attempt_at"],
                    sqlite_where=sa.text(_PENDING), postgresql_where=sa.text(_PENDING))
    op.add_column("whatsapp_settings",
                  sa.Column("templates_refreshed_at", sa.DateTime(), nullable=True))


def downgrade():
    """Drop them again (a plain DROP COLUMN: rebuilding whatsapp_settings is not needed)."""
    op.execute("ALTER TABLE whatsapp_settings DROP COLUMN templates_refreshed_at")
    op.drop_index("ix_message_media_due", table_name="message_media")
    op.drop_index("ix_message_media_chat", table_name="message_media")
    op.drop_table("message_media")
    op.drop_table("quick_replies")
    op.drop_table("message_templates")
