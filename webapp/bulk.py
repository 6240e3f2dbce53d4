"""Many rows in one statement: the delivery consumer's inserts and updates by primary key.

PostgreSQL: one INSERT … SELECT FROM unnest(arrays) or UPDATE … FROM unnest(arrays), one
array parameter per column, so a batch of any size is one short statement (a multi-row
VALUES list of thousands of parameters costs the driver more to prepare than the database
to run). New ids come from the table's sequence first, in one query. SQLite: the driver's
executemany, a loop in C over one prepared statement.
"""
from typing import cast

from sqlalchemy import Table, bindparam, insert, text, update
from sqlalchemy.engine import Dialect

from .db import AnySession


def _postgresql(session: AnySession) -> Dialect | None:
    """The dialect when the session talks to PostgreSQL, else None."""
    dialect = session.get_bind().dialect
    return dialect if dialect.name == "postgresql" else None


def new_ids(session: AnySession, table: Table, count: int) -> list[int]:
    """`count` ids from the table's sequence, ascending (PostgreSQL only)."""
    return sorted(session.scalars(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
             "FROM generate_series(1, :count)"), {"table": table.name, "count": count}))


def _table(model: type) -> Table:
    """A model's table."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


def insert_rows(session: AnySession, model: type, rows: list[dict], *,
                with_ids: bool = False) -> list[int]:
    """Insert the model's rows (every row with the same keys); their ids in order if asked
    for."""
    if not rows:
        return []
    table = _table(model)
    dialect = _postgresql(session)
    if dialect is None:
        if with_ids:
            return list(session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
        session.execute(insert(table), rows)
        return []
    ids = new_ids(session, table, len(rows)) if with_ids else []
    if with_ids:
        rows = [row | {"id": row_id} for row, row_id in zip(rows, ids, strict=True)]
    names = list(rows[0])
    arrays, params = _arrays(dialect, table, names, rows)
    columns = ", ".join(_quote(dialect, name) for name in names)
    session.execute(text(f"INSERT INTO {_quote(dialect, table.name)} ({columns}) "
                         f"SELECT * FROM unnest({arrays})"), params)
    return ids


def update_rows(session: AnySession, model: type, rows: list[dict]) -> None:
    """Update the model's rows by their "id" (every row with the same keys)."""
    if not rows:
        return
    table = _table(model)
    dialect = _postgresql(session)
    names = [name for name in rows[0] if name != "id"]
    if dialect is None:
        session.execute(update(table).where(table.c.id == bindparam("_id"))
                        .values({name: bindparam(name) for name in names}),
                        [{**row, "_id": row["id"]} for row in rows])
        return
    arrays, params = _arrays(dialect, table, ["id", *names], rows)
    target = _quote(dialect, table.name)
    sets = ", ".join(f"{_quote(dialect, name)} = v.{_quote(dialect, name)}" for name in names)
    aliases = ", ".join(_quote(dialect, name) for name in ["id", *names])
    session.execute(text(f"UPDATE {target} SET {sets} FROM unnest({arrays}) AS v({aliases}) "
                         f"WHERE {target}.id = v.id"), params)


def _arrays(dialect: Dialect, table: Table, names: list[str],
            rows: list[dict]) -> tuple[str, dict]:
    """The unnest arguments (one typed array parameter per column) and their values, each
    value prepared as the column's type would bind it."""
    parts, params = [], {}
    for n, name in enumerate(names):
        column = table.c[name]
        kind = column.type.compile(dialect=dialect)
        process = column.type._cached_bind_processor(dialect)
        values = [row[name] for row in rows]
        params[f"p{n}"] = [process(v) for v in values] if process else values
        parts.append(f"CAST(:p{n} AS {kind}[])")
    return ", ".join(parts), params


def _quote(dialect: Dialect, name: str) -> str:
    """An identifier as the dialect quotes it (only when it must be)."""
    return dialect.identifier_preparer.quote(name)
