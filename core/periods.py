"""Calendar arithmetic for reporting periods and plan milestones.

A reporting period is named by a key ("2018-09", "2018-W39", "2018-Q3") so that a report is
unique per assignment and period whatever day it was filed on.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_end(day: dt.date) -> dt.date:
    return month_end(dt.date(day.year, quarter_of(day) * 3, 1))


def week_end(day: dt.date) -> dt.date:
    """Sunday of the ISO week holding ``day``."""
    return day + dt.timedelta(days=6 - day.weekday())


def period_end(day: dt.date, granularity: str) -> dt.date:
    if granularity == Granularity.WEEK:
        return week_end(day)
    if granularity == Granularity.MONTH:
        return month_end(day)
    if granularity == Granularity.QUARTER:
        return quarter_end(day)
    if granularity == Granularity.YEAR:
        return dt.date(day.year, 12, 31)
    raise ValueError(f"unknown granularity {granularity!r}")


def coarsest_granularity_ending_on(day: dt.date) -> str:
    """Label a plan date by the largest period it closes: 12-31 is a year end, 09-30 a quarter end."""
    label = None
    for granularity in GRANULARITY_ORDER:
        if period_end(day, granularity) == day:
            label = granularity
    return label or Granularity.WEEK


def period_ends_between(start: dt.date, end: dt.date, granularity: str) -> list[dt.date]:
    """Ends of every period at ``granularity`` *and coarser* after ``start``, up to ``end``.

    Nesting is the point of 以周保月、以月保季: a weekly plan also carries the month and quarter
    ends, so a lagging week shows before the quarter is lost.
    """
    levels = GRANULARITY_ORDER[GRANULARITY_ORDER.index(granularity) :]
    dates: set[dt.date] = set()
    for level in levels:
        cursor = period_end(start, level)
        while cursor <= end:
            if cursor > start:
                dates.add(cursor)
            cursor = period_end(cursor + dt.timedelta(days=1), level)
    return sorted(dates)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class Granularity(models.TextChoices):
    """Plan levels, finest first: 以天保周、以周保月、以月保季、以季保年."""

    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


GRANULARITY_ORDER = [Granularity.WEEK, Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR]


@dataclass(frozen=True)
class Period:
    """One reporting period of a target: its key, its dates and when the report is due."""

    key: str
    start: dt.date
    end: dt.date
    due: dt.date


def _due_in_month(year: int, month: int) -> dt.date:
    day = min(settings.ZMD_REPORT_DUE_DAY, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def period_for(day: dt.date, frequency: str) -> Period:
    if frequency == Frequency.MONTHLY:
        start = day.replace(day=1)
        return Period(f"{day:%Y-%m}", start, month_end(day), _due_in_month(day.year, day.month))
    if frequency == Frequency.QUARTERLY:
        quarter = quarter_of(day)
        start = dt.date(day.year, quarter * 3 - 2, 1)
        return Period(f"{day.year}-Q{quarter}", start, quarter_end(day), _due_in_month(day.year, quarter * 3))
    if frequency == Frequency.WEEKLY:
        iso_year, iso_week, _ = day.isocalendar()
        start = day - dt.timedelta(days=day.weekday())
        due = start + dt.timedelta(days=settings.ZMD_REPORT_DUE_WEEKDAY)
        return Period(f"{iso_year}-W{iso_week:02d}", start, week_end(day), due)
    raise ValueError(f"unknown frequency {frequency!r}")


def period_from_key(key: str, frequency: str) -> Period:
    """Inverse of ``period_for(...).key``; raises ValueError on a key of another frequency."""
    try:
        if frequency == Frequency.MONTHLY:
            year, month = key.split("-")
            return period_for(dt.date(int(year), int(month), 1), frequency)
        if frequency == Frequency.QUARTERLY:
            year, quarter = key.split("-Q")
            return period_for(dt.date(int(year), int(quarter) * 3, 1), frequency)
        if frequency == Frequency.WEEKLY:
            year, week = key.split("-W")
            return period_for(dt.date.fromisocalendar(int(year), int(week), 1), frequency)
    except (ValueError, TypeError):
        pass
    raise ValueError(f"{key!r} is not a {frequency} period key")


def periods_between(start: dt.date, end: dt.date, frequency: str) -> list[Period]:
    """Every period that overlaps [start, end], in order."""
    periods = []
    cursor = start
    while cursor <= end:
        period = period_for(cursor, frequency)
        periods.append(period)
        cursor = period.end + dt.timedelta(days=1)
    return periods


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), pulled back to the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
