"""Database plumbing: UTC timestamps, the database's clock, timeouts, SQLite pragmas and
write serialization."""
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, event, func, text, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

from .private_files import create_private_file

# Key of the PostgreSQL transaction-level advisory lock that serializes routing decisions.
ROUTING_LOCK_KEY = 7_311_001
# First key of the PostgreSQL advisory locks (two-int form: its own key space) that serialize
# the messages of one lead; the second key is a hash of the lead's WhatsApp id.
LEAD_LOCK_SPACE = 7_311
# Key space of the PostgreSQL advisory locks that serialize sign-in attempts on one account
# or one client address (the second key is a hash of the throttle key).
SIGN_IN_LOCK_SPACE = 7_312
# Where a session remembers which lead locks its current transaction holds.
_HELD_LEAD_LOCKS = "relay_lead_locks"
# SQLite's page cache per connection, in KiB (negative: a size, not pages). Its default
# 2 MiB made a large UPDATE (the expiry sweep's 100k chats, each touching several indexes)
# spill and re-read pages of the OS cache: the sweep took 2.6 s where 64 MiB takes 1.7 s. It
# is memory taken as pages are read, not reserved.
SQLITE_CACHE_SIZE = -65_536

# A session, or the request's scoped session (db.session) that stands in for one.
AnySession = Session | scoped_session[Any]


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC datetimes on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Convert an aware datetime to naive UTC for storage."""
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        """Mark a stored naive value as UTC."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def database_clock(session: AnySession, ahead: timedelta = timedelta(0)):
    """SQL for the database's current time plus `ahead`, as UTCDateTime stores it.

    Leases and expiry compare against this rather than the Python clock, so one host whose
    clock drifted cannot take a live lease or expire a chat early. PostgreSQL: the
    transaction's start time in UTC. SQLite: the host's clock read by SQLite, written like
    UTCDateTime writes (microseconds; SQLite gives milliseconds) so the text compares right.
    """
    if session.get_bind().dialect.name == "postgresql":
        clock = func.timezone("UTC", func.now())
        return type_coerce(clock + ahead if ahead else clock, UTCDateTime())
    return type_coerce(func.strftime("%Y-%m-%d %H:%M:%f000", "now",
                                     f"{ahead.total_seconds():+.3f} seconds"), UTCDateTime())


def engine_options(uri: str, *, connect_timeout: int, statement_timeout: int,
                   lock_timeout: int = 0, pool_timeout: int | None = None) -> dict[str, Any]:
    """Engine options that bound every wait on PostgreSQL (seconds; 0 = no statement
    limit) and keep statement parameters (lead data) out of error messages and logs.

    SQLite needs no timeouts here: it is a file on this host, and its busy timeout
    (setup_sqlite) bounds the wait for its write lock.
    """
    options: dict[str, Any] = {"hide_parameters": True}
    if uri.startswith("postgresql"):
        # No parallel plans: Relay's reads are short and index-driven, and starting a
        # parallel worker cost more than the query (the chat list at a million chats:
        # 30 ms with one worker for 3 ms of sorting; bench, issue 17).
        server_limits = (f"-c statement_timeout={statement_timeout * 1000}"
                         " -c max_parallel_workers_per_gather=0")
        if lock_timeout:
            server_limits += f" -c lock_timeout={lock_timeout * 1000}"
        options["connect_args"] = {"connect_timeout": connect_timeout, "options": server_limits}
        if pool_timeout is not None:
            options["pool_timeout"] = pool_timeout
    return options


def allow_statements_for(session: AnySession, limit: timedelta) -> None:
    """Raise the statement timeout until the transaction ends (a background job's work
    may take longer than a web request's)."""
    if session.get_bind().dialect.name == "postgresql":
        milliseconds = int(limit.total_seconds() * 1000)
        session.execute(text(f"SET LOCAL statement_timeout = {milliseconds}"))


def made_on(dialect: str) -> Callable[..., bool]:
    """Alembic's include_object for a database of this dialect: the models' schema without
    what is made on other dialects only (an index's `ddl_if(dialect=...)`, which
    autogenerate does not read by itself)."""
    def include(item, _name, kind, reflected, _compare_to) -> bool:
        only = getattr(item, "_ddl_if", None) if kind == "index" and not reflected else None
        return only is None or only.dialect in (None, dialect)
    return include


def setup_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for every transaction.

    Every SQLite transaction takes the write lock when it begins: SQLite has one writer
    anyway, and a deferred transaction that reads and then writes can fail to upgrade
    (SQLITE_BUSY_SNAPSHOT) under concurrency. Beginning IMMEDIATE also serializes routing.
    """
    if engine.dialect.name != "sqlite":
        return
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        create_private_file(Path(database))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size={SQLITE_CACHE_SIZE}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_routing(session: AnySession) -> None:
    """Serialize routing decisions until the current transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROUTING_LOCK_KEY})
    else:
        # SQLite transactions already begin IMMEDIATE (see setup_sqlite): touching the
        # connection starts one, which holds the database's single write lock.
        session.connection()


def lock_leads(session: AnySession, identities: Iterable[str | None]) -> None:
    """Serialize the messages of these leads (named by wa_id or user_id) until the
    transaction ends, so a message id is checked and a lead found by one delivery at a time.

    PostgreSQL: one advisory lock per id, taken in sorted order so that two deliveries
    naming the same leads never deadlock. Ids already locked in this transaction are not
    asked for again (a delivery locks all its leads, then routes each message).
    SQLite: the transaction's write lock already serializes everything.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.connection()
        return
    transaction = session.connection().get_transaction()  # the one the locks belong to
    held_by, held = session.info.get(_HELD_LEAD_LOCKS, (None, frozenset()))
    if held_by is not transaction:
        held = frozenset()
    # crc32 is stable across processes (hash() is not); shifted into int4's range.
    wanted = {zlib.crc32(identity.encode()) - 2**31 for identity in identities if identity}
    for key in sorted(wanted - held):
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                        {"space": LEAD_LOCK_SPACE, "key": key})
    session.info[_HELD_LEAD_LOCKS] = (transaction, held | wanted)


def serializes_all_writes(session: AnySession) -> bool:
    """True on SQLite, where every transaction holds the single write lock from its start."""
    return session.get_bind().dialect.name == "sqlite"


def lock_sign_in(session: AnySession, keys: Iterable[str]) -> None:
    """Serialize sign-in attempts on the same account or client address until the
    transaction ends, so that checking the throttle and counting the attempt are one step
    across every worker and host (PostgreSQL advisory locks, sorted: no deadlocks).
    SQLite: the transaction's write lock already serializes them.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.connection()
        return
    for key in sorted({zlib.crc32(key.encode()) - 2**31 for key in keys}):
        session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                        {"space": SIGN_IN_LOCK_SPACE, "key": key})
