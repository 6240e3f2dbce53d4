"""Leads are searched without case or accents: a search text kept beside name and number.

`leads.search_text` holds the name in lower case without accents and the number's digits
(webapp.domain.search), filled here for every existing lead. PostgreSQL indexes it by
trigrams (pg_trgm), so a fragment anywhere in it is found by the index; SQLite gets a plain
index.

Revision ID: 0011_lead_search
Revises: 0010_decision_facts
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0011_lead_search"
down_revision = "0010_decision_facts"
branch_labels = None
depends_on = None

BATCH = 1000
SEARCH_LENGTH = 233  # the name (200), a space, the number (32)


def _search_text(name: str | None, number: str | None) -> str:
    """The folded name and the number's digits, as the application writes them."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", name or "")
                   if not unicodedata.combining(ch))
    folded = " ".join(bare.casefold().split())
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return " ".join(part for part in (folded, digits) if part)[:SEARCH_LENGTH]


def upgrade():
    """Add the column, fill it for every lead, index it.

    The column is only added, never altered: on SQLite altering it would rebuild the table,
    and dropping the old leads table would cascade to their chats.
    """
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("search_text", sa.String(SEARCH_LENGTH), nullable=False,
                                   server_default=""))
    leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("name", sa.String),
                     sa.column("wa_id", sa.String), sa.column("search_text", sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(leads.c.id, leads.c.name, leads.c.wa_id)
                                  .where(leads.c.id > last).order_by(leads.c.id)
                                  .limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        connection.execute(leads.update().where(leads.c.id == sa.bindparam("lead_id"))
                           .values(search_text=sa.bindparam("text")),
                           [{"lead_id": row.id, "text": _search_text(row.name, row.wa_id)}
                            for row in rows])
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_leads_search_text", "leads", ["search_text"], postgresql_using="gin",
                    postgresql_ops={"search_text": "gin_trgm_ops"})


def downgrade():
    """Drop the index and the column (pg_trgm stays: other things may use it)."""
    op.drop_index("ix_leads_search_text", table_name="leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("search_text")
