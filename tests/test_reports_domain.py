"""The dashboard's arithmetic (domain.reports): periods, percentiles, local buckets."""
from datetime import UTC, date, datetime

import pytest

from webapp.domain.reports import (
    PeriodChoice,
    PeriodError,
    chosen_period,
    local_hours_and_weekdays,
    local_midnight,
    percentile,
    preset_period,
    quarter_start,
    spread,
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


@pytest.mark.parametrize("values, fraction, expected", [
    ([60, 180, 300], 0.5, 180),
    ([60, 180, 300], 0.9, 276),  # rank 1.8: 180 + 0.8 × 120
    ([30, 60, 180, 300, 900], 0.9, 660),  # rank 3.6: 300 + 0.6 × 600
    ([10, 20], 0.5, 15),
    ([7], 0.9, 7),
    ([1, 2, 3, 4], 0.5, 2.5),
])
def test_percentiles_interpolate_like_percentile_cont(values, fraction, expected):
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    assert percentile(histogram, fraction) == expected


def test_a_histogram_counts_repeated_values():
    assert percentile({5: 3, 100: 1}, 0.5) == 5
    assert percentile({5: 3, 100: 1}, 0.9) == pytest.approx(5 + 0.7 * 95)
    assert percentile({}, 0.5) is None


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
