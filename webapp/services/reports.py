"""The dashboard's reports: one function per report makes its rows; page, CSV and JSON all
render those rows.

Every figure is a grouped count over the facts stored on chats when they happened
(services.chat_facts), read through the `ix_chats_report` index by when the chat opened, or
over routing decisions by when they were made: no report reads messages. Percentiles and the
local hour and weekday buckets are the domain's (domain.reports).
"""
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, select

from ..domain.codes import ChatStatus, RoutingReason
from ..domain.reports import (
    Period,
    local_hours_and_weekdays,
    percentile,
    quarter_start,
    spread,
)
from ..extensions import db
from ..models import PRE_SELLER, Chat, RoutingDecision, User

# Decisions that move a chat from one pre-seller to another.
TRANSFERS = (RoutingReason.MANUAL_TRANSFER, RoutingReason.OFFLINE_TRANSFER,
             RoutingReason.REASSIGNED)
MEDIAN, P90 = 0.5, 0.9


@dataclass(frozen=True)
class Row:
    """One line of a report: its key (a user id, a code, an hour), and its values by column.
    Who or what the key is gets worded by the page (a person's name is kept as `name`)."""

    key: int | str | None
    values: dict[str, int | float | None]
    name: str | None = None


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

    def opened_in(self):
        """SQL: the chat opened in the period."""
        return and_(Chat.opened_at >= self.start, Chat.opened_at < self.end)

    @cached_property
    def people(self) -> dict[int, tuple[str, bool]]:
        """Every pre-seller: (name, active), by id."""
        return {row.id: (row.name, row.active) for row in db.session.execute(
            select(User.id, User.name, User.active).where(User.role == PRE_SELLER))}

    @cached_property
    def openings(self) -> Sequence[tuple[int | None, str | None, int | None, int, int]]:
        """(who got it when it opened, why, who has it now, 1 if it expired unanswered,
        how many) of the chats opened in the period: one pass over the index serves the new
        chats, their reasons and the chats that expired unanswered."""
        lapsed = case((and_(Chat.status == ChatStatus.EXPIRED,
                            Chat.first_response_seconds.is_(None)), 1), else_=0)
        return db.session.execute(
            select(Chat.opened_assignee_id, Chat.opened_reason, Chat.assignee_id, lapsed,
                   func.count())
            .where(self.opened_in())
            .group_by(Chat.opened_assignee_id, Chat.opened_reason, Chat.assignee_id,
                      lapsed)).tuples().all()

    @cached_property
    def response_times(self) -> Sequence[tuple[int | None, int | None, int]]:
        """(who answered first, seconds, how many) of the answered chats opened in it."""
        return db.session.execute(
            select(Chat.first_reply_by_id, Chat.first_response_seconds, func.count())
            .where(self.opened_in(), Chat.first_response_seconds.is_not(None))
            .group_by(Chat.first_reply_by_id, Chat.first_response_seconds)).tuples().all()

    @cached_property
    def volume(self) -> tuple[list[int], list[int]]:
        """New chats per local hour of day and per local weekday."""
        return _volume(self)


def _people_rows(facts: Facts, figures: dict[int, dict], empty: dict) -> list[Row]:
    """A row per active pre-seller, and per other pre-seller with a figure, by name; those
    without figures get `empty`'s."""
    ids = [user_id for user_id, (_, active) in facts.people.items()
           if active or user_id in figures]
    ids.sort(key=lambda user_id: (facts.people[user_id][0].casefold(), user_id))
    return [Row(user_id, {**empty, **figures.get(user_id, {})}, facts.people[user_id][0])
            for user_id in ids]


def new_chats(facts: Facts) -> Report:
    """New chats per pre-seller (who got each when it opened) and the spread between the
    most and the fewest among active pre-sellers."""
    counts: dict[int, int] = defaultdict(int)
    for user_id, _, _, _, count in facts.openings:
        if user_id is not None and user_id in facts.people:
            counts[user_id] += count
    rows = _people_rows(facts, {user_id: {"new_chats": n} for user_id, n in counts.items()},
                        {"new_chats": 0})
    active = [counts.get(user_id, 0) for user_id, (_, on) in facts.people.items() if on]
    unassigned = sum(n for _, reason, _, _, n in facts.openings
                     if reason == RoutingReason.UNASSIGNED)
    return Report("new-chats", ("new_chats",), rows,
                  {"spread": spread(active), "unassigned": unassigned,
                   "total": sum(n for *_, n in facts.openings)})


def new_chats_by_reason(facts: Facts) -> Report:
    """New chats by the reason routing gave them (owner, distribution, alternate, …)."""
    counts: dict[str | None, int] = defaultdict(int)
    for _, reason, _, _, count in facts.openings:
        counts[reason] += count
    order = [reason.value for reason in RoutingReason]
    keys = sorted(counts, key=lambda r: order.index(r) if r in order else len(order))
    return Report("new-chats-by-reason", ("new_chats",),
                  [Row(key, {"new_chats": counts[key]}) for key in keys])


def first_response(facts: Facts) -> Report:
    """Seconds from the lead's first message to the first reply, per pre-seller who sent
    it: how many chats, median and 90th percentile; and the whole team (managers' replies
    included)."""
    by_person: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    team: dict[int, int] = defaultdict(int)
    for user_id, seconds, count in facts.response_times:
        if seconds is None:  # the query asks for answered chats only
            continue
        team[seconds] += count
        if user_id is not None and user_id in facts.people:
            by_person[user_id][seconds] += count
    rows = _people_rows(facts, {user_id: _times(h) for user_id, h in by_person.items()},
                        _times({}))
    rows.append(Row("team", _times(team)))
    return Report("first-response", ("answered", "median_seconds", "p90_seconds"), rows)


def _times(histogram: dict[int, int]) -> dict[str, int | float | None]:
    """How many, the median and the 90th percentile of a histogram of seconds."""
    return {"answered": sum(histogram.values()), "median_seconds": percentile(histogram, MEDIAN),
            "p90_seconds": percentile(histogram, P90)}


def expired_unanswered(facts: Facts) -> Report:
    """Chats opened in the period that expired with no reply, per pre-seller who had them
    (and those nobody had)."""
    counts: dict[int | None, int] = defaultdict(int)
    for _, _, holder, lapsed, count in facts.openings:
        if lapsed:
            counts[holder] += count
    rows = _people_rows(facts, {user_id: {"expired": n} for user_id, n in counts.items()
                                if user_id in facts.people}, {"expired": 0})
    rows.append(Row("unassigned", {"expired": counts.get(None, 0)}))
    return Report("expired-unanswered", ("expired",), rows)


def waiting_line(facts: Facts) -> Report:
    """Chats that opened with nobody to take them: how many, how many were given out, and
    the median and 90th percentile of their time in the waiting line (seconds)."""
    rows = db.session.execute(
        select(Chat.opened_at, Chat.waiting_ended_at)
        .where(facts.opened_in(), Chat.opened_reason == RoutingReason.UNASSIGNED)).all()
    waits: dict[int, int] = defaultdict(int)
    for opened_at, ended_at in rows:
        if ended_at is not None:
            waits[max(round((ended_at - opened_at).total_seconds()), 0)] += 1
    return Report("waiting-line", ("waited", "given_out", "median_seconds", "p90_seconds"),
                  [Row("waiting_line", {"waited": len(rows), "given_out": sum(waits.values()),
                                        "median_seconds": percentile(waits, MEDIAN),
                                        "p90_seconds": percentile(waits, P90)})])


def _volume(facts: Facts) -> tuple[list[int], list[int]]:
    """New chats per local hour of day and per local weekday (Monday first), counted by the
    database per UTC quarter hour (at most 96 rows a day) and folded by the domain."""
    hour: ColumnElement
    quarter: ColumnElement
    if db.session.get_bind().dialect.name == "postgresql":
        hour = func.date_trunc("hour", Chat.opened_at)
        quarter = func.floor(func.extract("minute", Chat.opened_at) / 15)
    else:  # stored as text: 'YYYY-MM-DD HH:MM:SS.ffffff'
        hour = func.substr(Chat.opened_at, 1, 13)
        quarter = cast(func.substr(Chat.opened_at, 15, 2), Integer) / 15
    quarters = db.session.execute(
        select(hour, quarter, func.count()).where(facts.opened_in())
        .group_by(hour, quarter)).tuples().all()
    return local_hours_and_weekdays(
        ((quarter_start(_hour(h), int(q)), n) for h, q, n in quarters), facts.zone)


def _hour(value) -> datetime:
    """An hour as the database grouped it: a datetime (PostgreSQL) or 'YYYY-MM-DD HH'."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value + ":00")


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
    moves = db.session.execute(
        select(RoutingDecision.from_assignee_id, RoutingDecision.assignee_id, func.count())
        .where(RoutingDecision.created_at >= facts.start, RoutingDecision.created_at < facts.end,
               RoutingDecision.from_assignee_id.is_not(None),
               RoutingDecision.reason.in_(TRANSFERS))
        .group_by(RoutingDecision.from_assignee_id, RoutingDecision.assignee_id)).tuples().all()
    figures: dict[int, dict] = defaultdict(lambda: {"in": 0, "out": 0})
    for source, target, count in moves:
        if source in facts.people:
            figures[source]["out"] += count
        if target in facts.people:
            figures[target]["in"] += count
    rows = _people_rows(facts, dict(figures), {"in": 0, "out": 0})
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
