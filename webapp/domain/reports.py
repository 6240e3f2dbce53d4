"""The dashboard's arithmetic: report periods in a time zone, percentiles, local buckets.

Pure: `today` and the zone are parameters. A period is whole local days; its boundaries are
the local midnights, converted to UTC, so a chat at 01:30 UTC belongs to the previous day
in São Paulo. Reports read counts kept per UTC day, hour and quarter hour (the report
counts); a period is cut here into the whole UTC days, the whole UTC hours at its edges and
any sub-hour minutes left (zones such as Asia/Kolkata), which are read from the chats.
Volume is counted per quarter hour in UTC and folded here into local hours and weekdays:
every zone's offset is a whole number of quarter hours, so each UTC quarter hour lies in
exactly one local hour, whatever the zone and its DST.

Times (first response, the waiting line) are counted in fixed buckets, so a percentile is
the upper bound of the bucket that holds its rank: "90 % answered within 15 min".
"""
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# The longest period a report covers (a year, leap day included).
MAX_PERIOD_DAYS = 366
# Volume is counted per quarter hour in UTC, then folded into local hours.
QUARTER_HOUR = timedelta(minutes=15)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)

# The upper bounds (seconds, inclusive) of the buckets that times are counted in: steps a
# person reads at a glance. A last bucket holds everything longer (more than 24 h).
TIME_BUCKETS = (10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700,
                3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200, 86400)
BUCKET_COUNT = len(TIME_BUCKETS) + 1


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


def time_bucket(seconds: int) -> int:
    """The index of the bucket a time in whole seconds is counted in (the last: longer
    than every bound)."""
    for index, bound in enumerate(TIME_BUCKETS):
        if seconds <= bound:
            return index
    return len(TIME_BUCKETS)


def percentile_within(buckets: Sequence[int], fraction: float) -> tuple[int | None, bool]:
    """The `fraction` percentile (0.5 = median) of times counted per bucket, as the upper
    bound of the bucket holding its rank (nearest rank: the ⌈fraction × n⌉-th smallest).

    (seconds, False): that share took at most `seconds`. (None, True): it is in the last
    bucket, longer than every bound. (None, False): nothing to measure.
    """
    total = sum(buckets)
    if total == 0:
        return None, False
    rank, seen = max(math.ceil(total * fraction), 1), 0
    for index, count in enumerate(buckets):
        seen += count
        if seen >= rank:
            return (TIME_BUCKETS[index], False) if index < len(TIME_BUCKETS) else (None, True)
    raise AssertionError("the rank lies within the total")


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


@dataclass(frozen=True)
class Pieces:
    """A span of UTC time cut by what counts it: whole UTC days, whole UTC hours, and the
    minutes left at its edges; each part as [start, end) ranges."""

    days: list[tuple[datetime, datetime]] = field(default_factory=list)
    hours: list[tuple[datetime, datetime]] = field(default_factory=list)
    minutes: list[tuple[datetime, datetime]] = field(default_factory=list)


def utc_pieces(start: datetime, end: datetime) -> Pieces:
    """[start, end) as whole UTC days inside it, whole UTC hours at its edges and
    leftover minutes at its edges (none when its ends lie on whole hours)."""
    first_hour, last_hour = _ceil(start, HOUR), _floor(end, HOUR)
    if first_hour >= last_hour:
        return Pieces(minutes=[(start, end)] if start < end else [])
    minutes = [(a, b) for a, b in ((start, first_hour), (last_hour, end)) if a < b]
    first_day, last_day = _ceil(first_hour, DAY), _floor(last_hour, DAY)
    if first_day >= last_day:
        return Pieces(hours=[(first_hour, last_hour)], minutes=minutes)
    hours = [(a, b) for a, b in ((first_hour, first_day), (last_day, last_hour)) if a < b]
    return Pieces([(first_day, last_day)], hours, minutes)


def _floor(moment: datetime, unit: timedelta) -> datetime:
    """The moment rounded down to a whole UTC hour or day."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + (moment.astimezone(UTC) - epoch) // unit * unit


def _ceil(moment: datetime, unit: timedelta) -> datetime:
    """The moment rounded up to a whole UTC hour or day."""
    floor = _floor(moment, unit)
    return floor if floor == moment else floor + unit


def bucket_starts(moment: datetime) -> tuple[datetime, datetime, datetime]:
    """The UTC day, hour and quarter hour a moment is counted in (by replace: the sweeps
    call this once per chat)."""
    utc = moment.astimezone(UTC)
    hour = utc.replace(minute=0, second=0, microsecond=0)
    return hour.replace(hour=0), hour, hour.replace(minute=utc.minute // 15 * 15)
