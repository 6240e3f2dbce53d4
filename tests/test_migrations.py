"""The migrations make exactly the schema the models describe (on SQLite and PostgreSQL)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.db import made_on
from webapp.extensions import db


def test_the_migrated_database_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": made_on(connection.dialect.name)})
        differences = compare_metadata(context, db.metadata)
    # Alembic's own bookkeeping table is not a model.
    differences = [d for d in differences
                   if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
    assert differences == []
