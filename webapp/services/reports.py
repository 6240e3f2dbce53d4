"""The dashboard's reports: one function per report makes its rows; page, CSV and JSON all
render those rows.

Every figure is read from the report counts (models.report_counts), kept per UTC day, hour
and quarter hour as the facts happen: a period's whole UTC days from the day rows, the
whole UTC hours at its edges from the hour rows, and the minutes left at its edges (zones
whose midnight is not on a UTC hour) summed from the chats' facts themselves
(services.report_counts.counted_between). So a 30-day report reads about pre-sellers × 31
rows, whatever the number of chats. New chats, first replies, expiries and waits count by
when the chat opened, transfers by when they were decided. Percentiles come from the time
buckets (domain.reports): the bound the share was answered within.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import Integer, and_, cast, func, or_, select

from ..domain.codes import RoutingReason
from ..domain.reports import (
    Period,
    Pieces,
    local_hours_and_weekdays,
    percentile_within,
    spread,
    utc_pieces,
)
from ..extensions import db
from ..models import PRE_SELLER, User, report_counts
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
from .report_counts import counted_between

MEDIAN, P90 = 0.5, 0.9


@dataclass(frozen=True)
class Row:
    """One line of a report: its key (a user id, a code, an hour), and its values by column.
    Who or what the key is gets worded by the page (a person's name is kept as `name`)."""

    key: int | str | None
    values: dict[str, int | float | None]
    name: str | None = None
    # Time columns whose share took longer than the last bucket's bound (value None).
    longer: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A report's rows for a period, and figures about them as a whole."""

    key: str
    columns: tuple[str, ...]
    rows: list[Row]
    summary: dict[str, int | float | None] = field(default_factory=dict)


@dataclass
class Facts:
    """What the reports of one period read, each query run once however many reports use
    it (the page shows them all)."""

    start: datetime
    end: datetime
    zone: str

    @classmethod
    def of(cls, period: Period) -> "Facts":
        """The facts of a period of local days."""
        start, end = period.bounds()
        return cls(start, end, period.zone)

    @cached_property
    def pieces(self) -> Pieces:
        """The period as whole UTC days, whole UTC hours and leftover minutes."""
        return utc_pieces(self.start, self.end)

    @cached_property
    def people(self) -> dict[int, tuple[str, bool]]:
        """Every pre-seller: (name, active), by id."""
        return {row.id: (row.name, row.active) for row in db.session.execute(
            select(User.id, User.name, User.active).where(User.role == PRE_SELLER))}

    @cached_property
    def counts(self) -> dict[int, dict[str, int]]:
        """Every count of the period per person (NOBODY: no one), summed: one query over
        the day and hour rows, plus the edge minutes from the chats' facts."""
        spans = [and_(report_counts.c.grain == grain, report_counts.c.start >= since,
                      report_counts.c.start < until)
                 for grain, ranges in ((DAY, self.pieces.days), (HOUR, self.pieces.hours))
                 for since, until in ranges]
        totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_COLUMNS, 0))
        if spans:
            for row in db.session.execute(
                    select(report_counts.c.user_id,
                           *(cast(func.sum(report_counts.c[name]), Integer).label(name)
                             for name in COUNT_COLUMNS))
                    .where(or_(*spans)).group_by(report_counts.c.user_id)).mappings():
                _add_to(totals[row["user_id"]], row)
        for since, until in self.pieces.minutes:
            for user_id, counted in counted_between(since, until).items():
                _add_to(totals[user_id], counted)
        return dict(totals)

    def total(self, column: str) -> int:
        """A count summed over everyone."""
        return sum(counted[column] for counted in self.counts.values())

    @cached_property
    def volume(self) -> tuple[list[int], list[int]]:
        """New chats per local hour of day and per local weekday."""
        first, *others = (report_counts.c[name] for name in NEW_COLUMNS.values())
        new = sum(others, start=first)
        quarters = db.session.execute(
            select(report_counts.c.start, new)
            .where(report_counts.c.grain == QUARTER, report_counts.c.start >= self.start,
                   report_counts.c.start < self.end)).tuples().all()
        return local_hours_and_weekdays(quarters, self.zone)


def _add_to(totals: dict[str, int], counted) -> None:
    """Add one row of counts to a person's totals."""
    for name in COUNT_COLUMNS:
        totals[name] += counted[name] or 0


def _people_rows(facts: Facts, figures: dict[int, dict], empty: dict) -> list[Row]:
    """A row per active pre-seller, and per other pre-seller with a figure, by name; those
    without figures get `empty`'s."""
    ids = [user_id for user_id, (_, active) in facts.people.items()
           if active or user_id in figures]
    ids.sort(key=lambda user_id: (facts.people[user_id][0].casefold(), user_id))
    return [Row(user_id, {**empty, **figures.get(user_id, {})}, facts.people[user_id][0])
            for user_id in ids]


def _new(counted: dict[str, int]) -> int:
    """New chats in one person's counts, whatever their reason."""
    return sum(counted[name] for name in NEW_COLUMNS.values())


def new_chats(facts: Facts) -> Report:
    """New chats per pre-seller (who got each when it opened) and the spread between the
    most and the fewest among active pre-sellers."""
    counts = {user_id: _new(counted) for user_id, counted in facts.counts.items()
              if user_id in facts.people and _new(counted)}
    rows = _people_rows(facts, {user_id: {"new_chats": n} for user_id, n in counts.items()},
                        {"new_chats": 0})
    active = [counts.get(user_id, 0) for user_id, (_, on) in facts.people.items() if on]
    return Report("new-chats", ("new_chats",), rows,
                  {"spread": spread(active),
                   "unassigned": facts.total(NEW_COLUMNS[RoutingReason.UNASSIGNED]),
                   "total": sum(facts.total(name) for name in NEW_COLUMNS.values())})


def new_chats_by_reason(facts: Facts) -> Report:
    """New chats by the reason routing gave them (owner, distribution, alternate, …), in
    the order reasons are declared; chats opened before reasons were kept: None, last."""
    order = [reason.value for reason in RoutingReason]
    reasons = sorted(NEW_COLUMNS, key=lambda r: order.index(r) if r in order else len(order))
    return Report("new-chats-by-reason", ("new_chats",),
                  [Row(reason, {"new_chats": facts.total(NEW_COLUMNS[reason])})
                   for reason in reasons if facts.total(NEW_COLUMNS[reason])])


TIME_COLUMNS = ("median_within_seconds", "p90_within_seconds")


def _times(buckets: list[int], counted: str) -> tuple[dict, tuple[str, ...]]:
    """How many, and the bounds the median and the 90th percentile were within (None:
    longer than the last bound, named in the second value, or nothing counted)."""
    values: dict[str, int | float | None] = {counted: sum(buckets)}
    longer = []
    for column, fraction in zip(TIME_COLUMNS, (MEDIAN, P90), strict=True):
        values[column], over = percentile_within(buckets, fraction)
        if over:
            longer.append(column)
    return values, tuple(longer)


def first_response(facts: Facts) -> Report:
    """From the lead's first message to the first reply, per pre-seller who sent it: how
    many chats, and the bounds half and 90 % of them were answered within; and the whole
    team (managers' replies included)."""
    answered = {user_id: [counted[name] for name in REPLY_COLUMNS]
                for user_id, counted in facts.counts.items()
                if user_id in facts.people and any(counted[name] for name in REPLY_COLUMNS)}
    nothing = [0] * len(REPLY_COLUMNS)
    rows = []
    for person in _people_rows(facts, dict.fromkeys(answered, {}), {}):
        values, longer = _times(answered.get(int(person.key or 0), nothing), "answered")
        rows.append(Row(person.key, values, person.name, longer))
    team = [facts.total(name) for name in REPLY_COLUMNS]
    values, longer = _times(team, "answered")
    rows.append(Row("team", values, longer=longer))
    return Report("first-response", ("answered", *TIME_COLUMNS), rows)


def expired_unanswered(facts: Facts) -> Report:
    """Chats opened in the period that expired with no reply, per pre-seller who had them
    when they expired (and those nobody had)."""
    counts = {user_id: counted["expired"] for user_id, counted in facts.counts.items()
              if counted["expired"]}
    rows = _people_rows(facts, {user_id: {"expired": n} for user_id, n in counts.items()
                                if user_id in facts.people}, {"expired": 0})
    rows.append(Row("unassigned", {"expired": counts.get(NOBODY, 0)}))
    return Report("expired-unanswered", ("expired",), rows)


def waiting_line(facts: Facts) -> Report:
    """Chats that opened with nobody to take them: how many, how many were given out, and
    the bounds half and 90 % of them were given out within."""
    values, longer = _times([facts.total(name) for name in WAIT_COLUMNS], "given_out")
    values = {"waited": facts.total(NEW_COLUMNS[RoutingReason.UNASSIGNED]), **values}
    return Report("waiting-line", ("waited", "given_out", *TIME_COLUMNS),
                  [Row("waiting_line", values, longer=longer)])


def volume_by_hour(facts: Facts) -> Report:
    """New chats by the hour of day they opened, in the period's time zone."""
    hours, _ = facts.volume
    return Report("volume-by-hour", ("new_chats",),
                  [Row(hour, {"new_chats": n}) for hour, n in enumerate(hours)])


def volume_by_weekday(facts: Facts) -> Report:
    """New chats by the weekday they opened (0 = Monday), in the period's time zone."""
    _, weekdays = facts.volume
    return Report("volume-by-weekday", ("new_chats",),
                  [Row(day, {"new_chats": n}) for day, n in enumerate(weekdays)])


def transfers(facts: Facts) -> Report:
    """Chats moved to (in) and away from (out) each pre-seller in the period: manual
    transfers, offline parent chat transfers and unanswered chats reassigned."""
    figures = {user_id: {"in": counted["transfers_in"], "out": counted["transfers_out"]}
               for user_id, counted in facts.counts.items()
               if user_id in facts.people and (counted["transfers_in"] or counted["transfers_out"])}
    rows = _people_rows(facts, figures, {"in": 0, "out": 0})
    return Report("transfers", ("in", "out"), rows)


# Every report by the name its CSV and JSON addresses use, in the page's order.
REPORTS: dict[str, Callable[[Facts], Report]] = {
    "new-chats": new_chats,
    "new-chats-by-reason": new_chats_by_reason,
    "first-response": first_response,
    "expired-unanswered": expired_unanswered,
    "waiting-line": waiting_line,
    "volume-by-hour": volume_by_hour,
    "volume-by-weekday": volume_by_weekday,
    "transfers": transfers,
}


def all_reports(period: Period) -> list[Report]:
    """Every report of the period, sharing their queries."""
    facts = Facts.of(period)
    return [make(facts) for make in REPORTS.values()]
