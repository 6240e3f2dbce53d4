"""Storing a delivery on a pooled DBAPI connection: the webhook's whole database work as
servers run it, in one statement and (on PostgreSQL) one round trip.

Under load the webhook is bound by Python CPU: per request, SQLAlchemy's Connection,
execution context and result, the pool's pre-ping (a `SELECT 1` round trip) and switching
the connection to autocommit and back cost more than the INSERT (profiled under gunicorn,
issue 13). So a server's request runs the same Core statement as deliveries.store,
compiled once for the dialect with its types' bind processing, on a DBAPI connection:

- PostgreSQL: of a small engine of the webhook's own, made from the app's (same URL,
  connect options and timeouts), whose connections stay in autocommit (the INSERT and its
  NOTIFY are one statement, so one transaction) and are not pinged before each use: a
  connection found broken is dropped with the rest of that pool and the store is tried
  once more on a new one. (Should the database have committed a delivery just as the
  connection broke, it is stored twice; its messages are still stored once, by wamid.)
- SQLite: the app's engine, whose connections already commit each statement by itself.

A driver error is raised as SQLAlchemy's, its parameters hidden.
"""
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Insert, Select, create_engine
from sqlalchemy.exc import DBAPIError, StatementError

from . import deliveries


class _Compiled:
    """A statement compiled once for a dialect, with positional parameters: its SQL, and
    how to bind its values (each through its type's processing, none through SQLAlchemy's
    per-execution bookkeeping)."""

    def __init__(self, statement: Insert | Select, engine: Engine) -> None:
        """Compile `statement` for `engine`'s dialect (PostgreSQL's with %s markers)."""
        dialect = engine.dialect
        if not dialect.positional:
            dialect = type(dialect)(paramstyle="format")  # type: ignore[call-arg]
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.binds = [(name, compiled.binds[name].type.bind_processor(engine.dialect))
                      for name in compiled.positiontup or ()]

    def parameters(self, values: dict) -> tuple:
        """The driver's parameters for these values."""
        return tuple(values[name] if process is None else process(values[name])
                     for name, process in self.binds)


# The webhook's own PostgreSQL pool, per process: a store holds a connection about a
# millisecond, so a few serve every thread (a burst opens up to 4 more, closed after use,
# then waits its turn): 4 workers stay within PostgreSQL's default 100 connections.
POOL_SIZE, MAX_OVERFLOW = 2, 4


def webhook_engine(app_engine: Engine, options: dict) -> Engine:
    """The engine deliveries are stored through: on PostgreSQL the webhook's own (see the
    module), made with the app's engine `options`; on SQLite the app's."""
    if app_engine.dialect.name != "postgresql":
        return app_engine
    return create_engine(app_engine.url, **{
        **options, "pool_pre_ping": False, "isolation_level": "AUTOCOMMIT",
        # In autocommit no transaction outlives its statement: nothing to roll back.
        "pool_reset_on_return": None, "pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW})


class PooledStore:
    """Stores deliveries through a pooled DBAPI connection of one engine."""

    def __init__(self, engine: Engine) -> None:
        """Compile the statements for `engine` (webhook_engine's)."""
        self.engine = engine
        self.dbapi_error = engine.dialect.loaded_dbapi.Error
        name = engine.dialect.name
        self.queued = _Compiled(deliveries.store_statement(name, refused=False), engine)
        self.refused = _Compiled(deliveries.store_statement(name, refused=True), engine)

    def store(self, body: bytes, now: datetime, refusal: str | None) -> int:
        """Store and commit one delivery (notifying on PostgreSQL when queued); its id."""
        compiled = self.refused if refusal is not None else self.queued
        params = compiled.parameters(deliveries.stored_values(body, now, refusal))
        try:
            return self._execute(compiled.sql, params)
        except _Broken:  # the connection had gone (a restarted database): once more
            pass
        try:
            return self._execute(compiled.sql, params)
        except _Broken as broken:
            raise self._wrapped(compiled.sql, params, broken.error) from broken.error

    def _execute(self, sql: str, params: Any) -> int:
        """Run the statement on a pooled connection (committing); the id it returns. A
        connection found broken is dropped with the pool's others (as old): _Broken."""
        try:
            raw = self.engine.raw_connection()
        except self.dbapi_error as error:  # no connection to be had
            raise self._wrapped(sql, params, error) from error
        try:
            cursor = raw.cursor()
            cursor.execute(sql, params)
            return cursor.fetchone()[0]  # type: ignore[index]  # (id, and pg_notify's void)
        except self.dbapi_error as error:
            if not self.engine.dialect.is_disconnect(error, raw.driver_connection, None):
                raise self._wrapped(sql, params, error) from error
            raw.invalidate(error)
            self.engine.dispose(close=False)
            raise _Broken(error) from error
        finally:
            raw.close()

    def _wrapped(self, sql: str, params: Any, error: Exception) -> StatementError:
        """The driver's error as SQLAlchemy's, its parameters hidden."""
        return DBAPIError.instance(sql, params, error, self.dbapi_error, hide_parameters=True,
                                   dialect=self.engine.dialect)


class _Broken(Exception):
    """The connection broke under the statement (its driver error in `error`)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(type(error).__name__)
        self.error = error
