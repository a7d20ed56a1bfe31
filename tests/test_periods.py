import datetime as dt

import pytest

from core.periods import (
    Frequency,
    Granularity,
    coarsest_granularity_ending_on,
    period_ends_between,
    period_for,
    period_from_key,
    periods_between,
)

D = dt.date


def test_a_monthly_period_is_due_on_the_28th():
    period = period_for(D(2018, 9, 12), Frequency.MONTHLY)
    assert (period.key, period.start, period.end, period.due) == (
        "2018-09",
        D(2018, 9, 1),
        D(2018, 9, 30),
        D(2018, 9, 28),
    )


def test_february_due_day_is_clamped_to_the_month(settings):
    settings.ZMD_REPORT_DUE_DAY = 31
    assert period_for(D(2018, 2, 3), Frequency.MONTHLY).due == D(2018, 2, 28)


def test_a_quarterly_period_is_due_in_its_last_month():
    period = period_for(D(2018, 8, 1), Frequency.QUARTERLY)
    assert (period.key, period.start, period.end, period.due) == (
        "2018-Q3",
        D(2018, 7, 1),
        D(2018, 9, 30),
        D(2018, 9, 28),
    )


def test_a_weekly_period_uses_iso_weeks_and_is_due_on_friday():
    period = period_for(D(2018, 9, 26), Frequency.WEEKLY)
    assert period.key == "2018-W39"
    assert (period.start, period.end, period.due) == (D(2018, 9, 24), D(2018, 9, 30), D(2018, 9, 28))


@pytest.mark.parametrize("frequency", list(Frequency))
def test_period_keys_read_back_to_the_same_period(frequency):
    for day in (D(2018, 1, 1), D(2018, 6, 15), D(2018, 12, 31)):
        period = period_for(day, frequency)
        assert period_from_key(period.key, frequency) == period


def test_a_key_of_another_frequency_is_refused():
    with pytest.raises(ValueError, match="'2018-Q3' is not a monthly period key"):
        period_from_key("2018-Q3", Frequency.MONTHLY)


def test_periods_between_cover_the_range_without_gaps():
    periods = periods_between(D(2018, 4, 10), D(2018, 9, 30), Frequency.MONTHLY)
    assert [p.key for p in periods] == ["2018-04", "2018-05", "2018-06", "2018-07", "2018-08", "2018-09"]


def test_plan_dates_nest_coarser_period_ends_into_finer_ones():
    weekly = period_ends_between(D(2018, 9, 1), D(2018, 10, 7), Granularity.WEEK)
    assert D(2018, 9, 30) in weekly  # a month, quarter end, also a Sunday
    assert D(2018, 9, 2) in weekly and D(2018, 10, 7) in weekly
    monthly = period_ends_between(D(2018, 4, 10), D(2018, 12, 31), Granularity.MONTH)
    assert monthly[0] == D(2018, 4, 30) and monthly[-1] == D(2018, 12, 31) and len(monthly) == 9


def test_a_plan_date_is_labelled_by_the_largest_period_it_closes():
    assert coarsest_granularity_ending_on(D(2018, 12, 31)) == Granularity.YEAR
    assert coarsest_granularity_ending_on(D(2018, 9, 30)) == Granularity.QUARTER
    assert coarsest_granularity_ending_on(D(2018, 8, 31)) == Granularity.MONTH
    assert coarsest_granularity_ending_on(D(2018, 8, 12)) == Granularity.WEEK
