"""The report counts (models.report_counts), kept when each counted fact happens.

Every counted event is immutable once it happened (a chat opened, expired unanswered, was
first answered, left the waiting line, was transferred), so its counts are only ever
incremented, in the transaction that records the fact: one upsert per (grain, start,
person), `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` on both databases, so two
writers at once never lose a count. Set-based callers (the batch path, the expiry sweep,
the waiting line) pass all their events at once: they are grouped first, one row per key.

Each chat's facts (services.chat_facts) stay the source of truth: `rebuild` recomputes
every count from them in one INSERT … SELECT per grain, and `counted_between` reads the
same sums for a span the counts do not cover (the minutes at a period's edges).
"""
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from ..db import UTCDateTime
from ..domain.codes import RoutingReason
from ..domain.reports import TIME_BUCKETS, bucket_starts, time_bucket
from ..extensions import db
from ..models import Chat, RoutingDecision, report_counts
from ..models.report_counts import (
    COUNT_COLUMNS,
    DAY,
    HOUR,
    NEW_COLUMNS,
    NOBODY,
    QUARTER,
    REPLY_COLUMNS,
    WAIT_COLUMNS,
)

# Decisions that move a chat from one pre-seller to another (counted in and out).
TRANSFERS = (RoutingReason.MANUAL_TRANSFER, RoutingReason.OFFLINE_TRANSFER,
             RoutingReason.REASSIGNED)
_KEY = ("grain", "start", "user_id")

# One event's counts: (when it is counted, who, column, how many).
Event = tuple[datetime, int | None, str, int]


def new_column(reason: str | None) -> str:
    """The column a new chat opened for this reason is counted in."""
    return NEW_COLUMNS.get(reason, NEW_COLUMNS[None])


# --- the write sites, one helper each ---------------------------------------------------

def count_openings(openings: Iterable[tuple[datetime, int | None, str | None]]) -> None:
    """New chats (opened at, to whom, why): per day and hour and person, and per quarter
    hour for the whole team (the volume)."""
    events: list[Event] = []
    quarters: list[tuple[str, datetime, int, str, int]] = []
    for opened_at, assignee_id, reason in openings:
        events.append((opened_at, assignee_id, new_column(reason), 1))
        quarters.append((QUARTER, bucket_starts(opened_at)[2], NOBODY, new_column(reason), 1))
    _add([*_by_day_and_hour(events), *quarters])


def count_first_reply(opened_at: datetime, replier_id: int | None, seconds: int) -> None:
    """A chat's first reply: its response time, counted by when the chat opened."""
    _add(_by_day_and_hour([(opened_at, replier_id, REPLY_COLUMNS[time_bucket(seconds)], 1)]))


def count_expired_unanswered(chats: Iterable[tuple[datetime, int | None, int]]) -> None:
    """Chats that expired with no reply sent: (when they opened, or the UTC hour they
    opened in; who had them; how many)."""
    _add(_by_day_and_hour([(opened_at, holder, "expired", n) for opened_at, holder, n in chats]))


def count_wait_ends(chats: Iterable[tuple[datetime, int]]) -> None:
    """Chats (opened at, seconds waited) given out from the waiting line."""
    _add(_by_day_and_hour([(opened_at, NOBODY, WAIT_COLUMNS[time_bucket(seconds)], 1)
                           for opened_at, seconds in chats]))


def count_transfer(at: datetime, reason: str, from_id: int | None, to_id: int | None) -> None:
    """A routing decision: a transfer between two pre-sellers counts out and in, when it
    was decided; any other decision counts nothing."""
    if reason in TRANSFERS and from_id is not None:
        _add(_by_day_and_hour([(at, from_id, "transfers_out", 1),
                               (at, to_id, "transfers_in", 1)]))


def _by_day_and_hour(events: Iterable[Event]):
    """Each event counted in its UTC day and its UTC hour."""
    for at, user_id, column, count in events:
        day, hour, _ = bucket_starts(at)
        who = NOBODY if user_id is None else user_id
        yield DAY, day, who, column, count
        yield HOUR, hour, who, column, count


def _add(counts: Iterable[tuple[str, datetime, int, str, int]]) -> None:
    """Add the counts: grouped by row, then one upsert (an executemany) of every row, in key
    order, so two writers always lock the rows they share in the same order (no deadlock);
    a row sets the columns any row of the call touches (0 for those it does not)."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for grain, start, user_id, column, count in counts:
        rows[(grain, start, user_id)][column] += count
    if not rows:
        return
    columns = sorted({name for counted in rows.values() for name in counted})
    params = [{**dict(zip(_KEY, key, strict=True)),
               **{name: rows[key].get(name, 0) for name in columns}} for key in sorted(rows)]
    upsert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    statement = upsert(report_counts)
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: report_counts.c[name] + statement.excluded[name] for name in columns})
    db.session.execute(statement, params)


# --- what the counts hold, computed from the facts -----------------------------------------

Bucket = Callable[[ColumnElement], ColumnElement]


def _zeros(**values) -> list:
    """Every count column, 0 unless given."""
    return [values.get(name, literal_column("0")).label(name) for name in COUNT_COLUMNS]


def _times(seconds, columns: tuple[str, ...]) -> dict:
    """1 in the column of the bucket the seconds fall in, 0 in the others."""
    bounds = (-1, *TIME_BUCKETS)
    values = {name: case((and_(seconds > low, seconds <= high), 1), else_=0)
              for name, low, high in zip(columns, bounds, bounds[1:], strict=False)}
    values[columns[-1]] = case((seconds > TIME_BUCKETS[-1], 1), else_=0)
    return values


def _sources(bucket: Bucket | None, since: datetime | None = None,
             until: datetime | None = None, team: bool = False) -> list[Select]:
    """One SELECT per kind of fact, each giving (start, user_id, every count column) per
    fact: `bucket` makes the start from the fact's time (None: no start column), `since`
    and `until` bound that time, `team` counts only new chats, for nobody in particular."""

    def head(at) -> list:
        return [bucket(at).label("start")] if bucket is not None else []

    def within(at) -> list:
        return ([at >= since] if since is not None else []) + (
            [at < until] if until is not None else [])

    def who(column) -> ColumnElement:
        return literal_column(str(NOBODY)) if team else func.coalesce(column, NOBODY)

    known = [str(reason) for reason in NEW_COLUMNS if reason is not None]
    news = {NEW_COLUMNS[reason]: case((Chat.opened_reason == reason, 1), else_=0)
            for reason in known}
    news[NEW_COLUMNS[None]] = case((or_(Chat.opened_reason.is_(None),
                                        not_(Chat.opened_reason.in_(known))), 1), else_=0)
    opened = [select(*head(Chat.opened_at), who(Chat.opened_assignee_id).label("user_id"),
                     *_zeros(**news)).where(*within(Chat.opened_at))]
    if team:
        return opened
    moves = and_(RoutingDecision.reason.in_(TRANSFERS),
                 RoutingDecision.from_assignee_id.is_not(None),
                 *within(RoutingDecision.created_at))
    return [
        *opened,
        select(*head(Chat.opened_at), who(Chat.expired_holder_id).label("user_id"),
               *_zeros(expired=literal_column("1")))
        .where(Chat.expired_unanswered.is_(True), *within(Chat.opened_at)),
        select(*head(Chat.opened_at), who(Chat.first_reply_by_id).label("user_id"),
               *_zeros(**_times(Chat.first_response_seconds, REPLY_COLUMNS)))
        .where(Chat.first_response_seconds.is_not(None), *within(Chat.opened_at)),
        select(*head(Chat.opened_at), literal_column(str(NOBODY)).label("user_id"),
               *_zeros(**_times(Chat.waited_seconds, WAIT_COLUMNS)))
        .where(Chat.opened_reason == RoutingReason.UNASSIGNED,
               Chat.waited_seconds.is_not(None), *within(Chat.opened_at)),
        select(*head(RoutingDecision.created_at),
               who(RoutingDecision.from_assignee_id).label("user_id"),
               *_zeros(transfers_out=literal_column("1"))).where(moves),
        select(*head(RoutingDecision.created_at),
               who(RoutingDecision.assignee_id).label("user_id"),
               *_zeros(transfers_in=literal_column("1"))).where(moves),
    ]


def _summed(sources: list[Select], by: tuple[str, ...]) -> Select:
    """The sources' counts added up per `by` columns."""
    facts = union_all(*sources).subquery()
    return (select(*(facts.c[name] for name in by),
                   *(cast(func.sum(facts.c[name]), Integer).label(name)
                     for name in COUNT_COLUMNS))
            .group_by(*(facts.c[name] for name in by)))


def counted_between(since: datetime, until: datetime) -> dict[int, dict[str, int]]:
    """The counts of [since, until) per person, summed from the chats' facts: the spans at
    a period's edges that no whole UTC hour covers."""
    rows = db.session.execute(_summed(_sources(None, since, until), ("user_id",))).all()
    return {row.user_id: {name: getattr(row, name) or 0 for name in COUNT_COLUMNS}
            for row in rows}


def hour_of(at, dialect: str) -> ColumnElement:
    """SQL: the UTC hour a stored time lies in, read back as a datetime."""
    if dialect == "postgresql":  # (the unit inline, so GROUP BY repeats the same text)
        return type_coerce(func.date_trunc(literal_column("'hour'"), at), UTCDateTime())
    return type_coerce(_bucket(HOUR, dialect)(at), UTCDateTime())


def _bucket(grain: str, dialect: str) -> Bucket:
    """SQL: the start of the UTC day, hour or quarter hour a stored time lies in, written
    as the column stores it (SQLite: 'YYYY-MM-DD HH:MM:SS.ffffff' text)."""
    if dialect == "postgresql":
        if grain == QUARTER:
            return lambda at: func.date_trunc("hour", at) + func.make_interval(
                0, 0, 0, 0, 0, cast(func.floor(func.extract("minute", at) / 15) * 15, Integer))
        return lambda at: func.date_trunc(grain, at)
    if grain == DAY:
        return lambda at: func.substr(at, 1, 10).op("||")(literal_column("' 00:00:00.000000'"))
    if grain == HOUR:
        return lambda at: func.substr(at, 1, 13).op("||")(literal_column("':00:00.000000'"))
    return lambda at: func.substr(at, 1, 14).op("||")(func.printf(
        literal_column("'%02d'"), cast(func.substr(at, 15, 2), Integer) // 15 * 15)).op("||")(
        literal_column("':00.000000'"))


def rebuild(connection: Connection | None = None) -> None:
    """Every count recomputed from the chats' facts and the routing decisions: the counts
    emptied, then one INSERT … SELECT per grain (the migration backfills with this), then
    ANALYZE on PostgreSQL."""
    if connection is None:
        db.session.flush()  # (Core statements do not flush the session by themselves)
        dialect = db.session.get_bind().dialect.name
    else:
        dialect = connection.dialect.name
    run = connection if connection is not None else db.session
    run.execute(delete(report_counts))
    for grain in (DAY, HOUR, QUARTER):
        summed = _summed(_sources(_bucket(grain, dialect), team=grain == QUARTER),
                         ("start", "user_id"))
        rows = summed.subquery()
        run.execute(report_counts.insert().from_select(
            ["grain", "start", "user_id", *COUNT_COLUMNS],
            select(literal(grain).label("grain"), rows.c.start, rows.c.user_id,
                   *(rows.c[name] for name in COUNT_COLUMNS))))
    if dialect == "postgresql":
        # Every row was just replaced: fresh statistics, or the planner reads the counts with
        # those of the old (or empty) table until autovacuum comes by.
        run.execute(text("ANALYZE report_counts"))
