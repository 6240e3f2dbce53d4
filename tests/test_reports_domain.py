"""The dashboard's arithmetic (domain.reports): periods and their UTC pieces, time buckets and
their percentiles, local buckets."""
from datetime import UTC, date, datetime

import pytest

from webapp.domain.reports import (
    BUCKET_COUNT,
    TIME_BUCKETS,
    PeriodChoice,
    PeriodError,
    Pieces,
    chosen_period,
    local_hours_and_weekdays,
    local_midnight,
    percentile_within,
    preset_period,
    quarter_start,
    spread,
    time_bucket,
    utc_pieces,
)


def test_a_local_day_starts_at_its_local_midnight_in_utc():
    assert local_midnight(date(2026, 3, 10), "America/Sao_Paulo") == datetime(
        2026, 3, 10, 3, tzinfo=UTC)
    assert local_midnight(date(2026, 3, 10), "Asia/Kolkata") == datetime(
        2026, 3, 9, 18, 30, tzinfo=UTC)
    # New York's DST began on 8 March 2026: the 9th starts at 04:00 UTC, the 7th at 05:00.
    assert local_midnight(date(2026, 3, 7), "America/New_York").hour == 5
    assert local_midnight(date(2026, 3, 9), "America/New_York").hour == 4


def test_presets_end_today_and_ranges_are_checked():
    today = date(2026, 3, 10)
    assert preset_period(PeriodChoice.TODAY, today, "UTC").days == 1
    week = preset_period(PeriodChoice.WEEK, today, "UTC")
    assert (week.first, week.last, week.days) == (date(2026, 3, 4), today, 7)
    assert preset_period(PeriodChoice.MONTH, today, "UTC").first == date(2026, 2, 9)
    assert chosen_period(today, today, "UTC").bounds() == (
        datetime(2026, 3, 10, tzinfo=UTC), datetime(2026, 3, 11, tzinfo=UTC))
    with pytest.raises(PeriodError, match="ends_before_start"):
        chosen_period(today, date(2026, 3, 9), "UTC")
    with pytest.raises(PeriodError, match="too_long"):
        chosen_period(date(2025, 3, 9), today, "UTC")


def _buckets(values: list[int]) -> list[int]:
    """Times counted per bucket, as the report counts hold them."""
    counts = [0] * BUCKET_COUNT
    for value in values:
        counts[time_bucket(value)] += 1
    return counts


def test_times_fall_in_the_bucket_of_the_first_bound_they_do_not_pass():
    assert time_bucket(0) == 0 and time_bucket(10) == 0 and time_bucket(11) == 1
    assert TIME_BUCKETS[time_bucket(899)] == 900 and TIME_BUCKETS[time_bucket(901)] == 1200
    assert time_bucket(86400) == len(TIME_BUCKETS) - 1
    assert time_bucket(86401) == len(TIME_BUCKETS) == BUCKET_COUNT - 1
    # Human steps, each at most 2× the one before (most far closer), ascending.
    assert all(a < b <= 2 * a for a, b in zip(TIME_BUCKETS, TIME_BUCKETS[1:], strict=False))


@pytest.mark.parametrize("values, fraction, expected", [
    ([60, 180, 300], 0.5, 180),  # the 2nd of 3
    ([60, 180, 300], 0.9, 300),  # the ⌈2.7⌉ = 3rd
    ([30, 60, 180, 300, 900], 0.9, 900),  # the ⌈4.5⌉ = 5th
    ([30, 60, 180, 300, 900], 0.5, 180),  # the ⌈2.5⌉ = 3rd
    ([11, 12], 0.5, 20),  # 11 s lies in the bucket up to 20 s
    ([7], 0.9, 10),
    ([1, 2, 3, 4], 0.5, 10),
    ([100] * 9 + [5000], 0.9, 120),  # the 9th of 10: nine within 2 min
    ([100] * 8 + [5000] * 2, 0.9, 5400),
])
def test_a_percentile_is_the_bound_of_the_bucket_holding_its_rank(values, fraction, expected):
    assert percentile_within(_buckets(values), fraction) == (expected, False)


def test_longer_than_every_bound_and_nothing_to_measure_are_told_apart():
    assert percentile_within(_buckets([60, 90_000, 100_000]), 0.9) == (None, True)
    assert percentile_within(_buckets([60, 90_000, 100_000]), 0.5) == (None, True)
    assert percentile_within(_buckets([60, 60, 90_000]), 0.5) == (60, False)
    assert percentile_within([0] * BUCKET_COUNT, 0.5) == (None, False)


def test_a_period_is_cut_into_utc_days_hours_and_edge_minutes():
    def at(day, hour, minute=0):
        return datetime(2026, 3, day, hour, minute, tzinfo=UTC)

    # São Paulo, 10–11 March: 03:00 UTC to 03:00 UTC two days later.
    pieces = utc_pieces(at(10, 3), at(12, 3))
    assert pieces.days == [(at(11, 0), at(12, 0))]
    assert pieces.hours == [(at(10, 3), at(11, 0)), (at(12, 0), at(12, 3))]
    assert pieces.minutes == []
    # One São Paulo day covers no whole UTC day: hours only.
    assert utc_pieces(at(10, 3), at(11, 3)) == Pieces(hours=[(at(10, 3), at(11, 3))])
    # Kolkata, 10 March: 18:30 UTC on the 9th to 18:30 on the 10th.
    pieces = utc_pieces(at(9, 18, 30), at(10, 18, 30))
    assert pieces.days == []
    assert pieces.hours == [(at(9, 19), at(10, 18))]
    assert pieces.minutes == [(at(9, 18, 30), at(9, 19)), (at(10, 18), at(10, 18, 30))]
    # UTC itself: whole days only.
    assert utc_pieces(at(10, 0), at(12, 0)) == Pieces(days=[(at(10, 0), at(12, 0))])
    # Shorter than an hour, within one: minutes only.
    assert utc_pieces(at(10, 5, 5), at(10, 5, 20)) == Pieces(minutes=[(at(10, 5, 5), at(10, 5, 20))])


def test_spread_is_most_minus_fewest():
    assert spread([3, 2, 0]) == 3
    assert spread([]) == 0


def test_utc_quarter_hours_fold_into_local_hours_and_weekdays():
    # 01:30 UTC on Wednesday 11 March is 22:30 on Tuesday in São Paulo; in Kolkata 07:00 Wed.
    quarter = quarter_start(datetime(2026, 3, 11, 1), 2)
    assert quarter == datetime(2026, 3, 11, 1, 30, tzinfo=UTC)
    hours, weekdays = local_hours_and_weekdays([(quarter, 4)], "America/Sao_Paulo")
    assert hours[22] == 4 and weekdays == [0, 4, 0, 0, 0, 0, 0]
    hours, weekdays = local_hours_and_weekdays([(quarter, 4)], "Asia/Kolkata")
    assert hours[7] == 4 and weekdays == [0, 0, 4, 0, 0, 0, 0]
