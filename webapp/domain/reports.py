"""The dashboard's arithmetic: report periods in a time zone, percentiles, local buckets.

Pure: `today` and the zone are parameters. A period is whole local days; its boundaries are
the local midnights, converted to UTC, so a chat at 01:30 UTC belongs to the previous day
in São Paulo. Volume is counted by the database per quarter hour in UTC and folded here into
local hours and weekdays: every zone's offset is a whole number of quarter hours, so each
UTC quarter hour lies in exactly one local hour, whatever the zone and its DST.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# The longest period a report covers (a year, leap day included).
MAX_PERIOD_DAYS = 366
# Volume is counted per quarter hour in UTC, then folded into local hours.
QUARTER_HOUR = timedelta(minutes=15)


class PeriodChoice(StrEnum):
    """The periods a manager picks from; RANGE takes two dates."""

    TODAY = "today"
    WEEK = "7d"
    MONTH = "30d"
    RANGE = "range"


# How many days back from today each preset reaches (today included).
PRESET_DAYS = {PeriodChoice.TODAY: 1, PeriodChoice.WEEK: 7, PeriodChoice.MONTH: 30}


class PeriodError(ValueError):
    """A chosen range that cannot be reported (ends before it starts, too long)."""


@dataclass(frozen=True)
class Period:
    """Whole local days, first to last (both included), in one time zone."""

    first: date
    last: date
    zone: str

    @property
    def days(self) -> int:
        """How many local days it covers."""
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: the local midnight that starts `first` and the one after
        `last`."""
        return local_midnight(self.first, self.zone), local_midnight(
            self.last + timedelta(days=1), self.zone)


def local_midnight(day: date, zone: str) -> datetime:
    """The instant, in UTC, at which `day` starts in `zone`.

    Where DST skips midnight (a day starting at 01:00), the day starts at the first instant
    that exists: zoneinfo's fold resolves a skipped time forward.
    """
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def preset_period(choice: PeriodChoice, today: date, zone: str) -> Period:
    """Today, the last 7 or the last 30 days (today included)."""
    return Period(today - timedelta(days=PRESET_DAYS[choice] - 1), today, zone)


def chosen_period(first: date, last: date, zone: str) -> Period:
    """A range of local days; raises PeriodError when it is backwards or too long."""
    if last < first:
        raise PeriodError("ends_before_start")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError("too_long")
    return Period(first, last, zone)


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """The `fraction` percentile (0.5 = median) of values given as {value: how many}.

    Linear interpolation between the two closest ranks, as PostgreSQL's percentile_cont and
    spreadsheets' PERCENTILE compute it: rank (n − 1) × fraction, counted from 0. None when
    there is nothing to measure.
    """
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = (total - 1) * fraction
    below = int(rank)
    low, high = _nth(histogram, below), _nth(histogram, min(below + 1, total - 1))
    value = low + (high - low) * (rank - below)
    return int(value) if value.is_integer() else value  # 180 s, not 180.0


def _nth(histogram: Mapping[int, int], index: int) -> int:
    """The value at 0-based `index` of the histogram's values in ascending order."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if index < seen:
            return value
    raise IndexError(index)


def spread(counts: Iterable[int]) -> int:
    """Fairness: the most new chats one person got minus the fewest (0 for nobody)."""
    values = list(counts)
    return max(values) - min(values) if values else 0


def local_hours_and_weekdays(quarters: Iterable[tuple[datetime, int]],
                             zone: str) -> tuple[list[int], list[int]]:
    """Counts per UTC quarter hour folded into 24 local hours and 7 local weekdays
    (Monday first)."""
    hours, weekdays = [0] * 24, [0] * 7
    tz = ZoneInfo(zone)
    for start, count in quarters:
        local = start.astimezone(tz)
        hours[local.hour] += count
        weekdays[local.weekday()] += count
    return hours, weekdays


def quarter_start(day_hour: datetime, quarter: int) -> datetime:
    """The UTC instant a quarter hour starts: its hour (aware or naive UTC) and 0–3."""
    return day_hour.replace(minute=0, second=0, microsecond=0, tzinfo=UTC) + quarter * QUARTER_HOUR
