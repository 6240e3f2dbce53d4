"""Placeholders are facts: messages and chat previews keep a placeholder's label and fields.

`messages.details` and `chats.last_message_details` hold what a placeholder says (its label
code, its fields, forwarded, from an ad), and the text beside it stays in `body` / the
preview; pages word the placeholder in the reader's language. The English placeholders
stored before ("[Photo] caption") are read back into facts; a line this cannot read is left
as it was (shown as stored).

Revision ID: 0012_message_details
Revises: 0011_lead_search
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0012_message_details"
down_revision = "0011_lead_search"
branch_labels = None
depends_on = None

BATCH = 1000
# The English labels written before, by their label code.
_LABELS = {
    "Photo": "photo", "Video": "video", "GIF": "gif", "Audio": "audio",
    "Voice message": "voice", "Document": "document", "Sticker": "sticker",
    "Animated sticker": "animated_sticker", "Location": "location",
    "Contact card": "contact_card", "Contact cards": "contact_cards", "Button": "button",
    "List choice": "list_choice", "Form reply": "form_reply",
    "Interactive reply": "interactive", "Removed a reaction": "reaction_removed",
    "Order": "order", "System": "system", "Unsupported message": "unsupported",
    "Deleted a message": "deleted", "Edited": "edited", "Empty message": "empty",
    "Opened the chat": "opened_chat", "Disappearing message": "disappearing",
}
_LINE = re.compile(r"(?:\[(?P<forwarded>Forwarded|Forwarded many times)\] )?"
                   r"(?:\[(?P<label>[^\[\]]+)\])?(?: ?(?P<rest>.*?))?"
                   r"(?: \[(?P<ad>From an ad(?:: [^\[\]]*)?)\])?", re.DOTALL)


def _label(text: str) -> dict | None:
    """The facts of a bracketed English label, or None."""
    if text in _LABELS:
        return {"label": _LABELS[text]}
    for pattern, code, arg in ((r"Document: (.+)", "document_named", "name"),
                               (r"Reacted (.+)", "reacted", "emoji"),
                               (r"(.+) message", "other", "kind")):
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found:
            return {"label": code, "args": {arg: found.group(1)}}
    return None


def facts_from_line(line: str) -> tuple[dict, str] | None:
    """(details, text) read from an English placeholder line; None when it holds none or
    cannot be read (the line then stays as it is)."""
    found = _LINE.fullmatch(line or "")
    if not found or not (found.group("label") or found.group("forwarded") or found.group("ad")):
        return None
    details: dict = {}
    text = found.group("rest") or ""
    if found.group("label"):
        label = _label(found.group("label"))
        if label is None:
            return None
        details.update(label)
        inner = re.fullmatch(r"\[([^\[\]]+)\] ?(.*)", text, re.DOTALL)
        if details["label"] == "edited" and inner and _label(inner.group(1)):
            details["inner"], text = _label(inner.group(1)), inner.group(2)
        kind = re.fullmatch(r"\(type: (.+)\)", text)
        if details["label"] == "unsupported" and kind:
            details["args"], text = {"kind": kind.group(1)}, ""
    if found.group("forwarded"):
        details["forwarded"] = "many" if "many" in found.group("forwarded") else "once"
    if found.group("ad"):
        details["ad"] = found.group("ad").partition(": ")[2]
    return details, text


def _convert(connection, table, key: str, text_column: str, details_column: str) -> None:
    """Read every bracketed line of one table's column back into facts, in batches."""
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table.c[key], table.c[text_column])
            .where(table.c[key] > last, table.c[text_column].like("%[%"))
            .order_by(table.c[key]).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1][0]
        for row_key, line in rows:
            read = facts_from_line(line)
            if read is not None:
                connection.execute(table.update().where(table.c[key] == row_key).values(
                    {details_column: read[0], text_column: read[1]}))


def upgrade():
    """Add the two columns (only added: altering would rebuild tables on SQLite), then read
    the stored placeholders into them."""
    op.add_column("messages", sa.Column("details", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("chats", sa.Column("last_message_details", sa.JSON(none_as_null=True),
                                     nullable=True))
    connection = op.get_bind()
    messages = sa.table("messages", sa.column("id", sa.Integer), sa.column("body", sa.Text),
                        sa.column("details", sa.JSON(none_as_null=True)))
    chats = sa.table("chats", sa.column("id", sa.Integer),
                     sa.column("last_message_preview", sa.String),
                     sa.column("last_message_details", sa.JSON(none_as_null=True)))
    _convert(connection, messages, "id", "body", "details")
    _convert(connection, chats, "id", "last_message_preview", "last_message_details")


def downgrade():
    """Drop the facts (converted lines keep only their text); a plain DROP COLUMN, as a
    rebuilt chats table would take its messages with it on SQLite."""
    op.execute("ALTER TABLE chats DROP COLUMN last_message_details")
    op.execute("ALTER TABLE messages DROP COLUMN details")
