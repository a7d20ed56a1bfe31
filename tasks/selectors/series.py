"""Plan and actual over time, from the milestones and the accepted reports, in two set-based queries.

The cumulative percent of an assignment at a date is its last accepted report (or milestone) on or
before that date. Summed over many assignments, that is the running sum of each row's *increase*
over its predecessor (``LAG`` over the assignment's rows). The database returns one sum per
(group, date); Python only adds the sums up date by date. The rows returned are bounded by the
number of groups times the number of distinct dates, not by the number of reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DecimalField, F, QuerySet, Value, Window
from django.db.models.functions import Coalesce, Lag

from ..choices import ReportStatus
from ..models import Assignment, Milestone, ProgressReport

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def increase_sums(queryset: QuerySet, *, value: str, day: str, group: str | None) -> dict:
    """{group: {date: sum of increases}} for rows of ``queryset`` (milestones or reports)."""
    previous = Window(Lag(value), partition_by=[F("assignment_id")], order_by=F(day).asc())
    inner = (
        queryset.annotate(
            zmd_day=F(day),
            zmd_group=F(group) if group else Value(0),
            zmd_increase=F(value) - Coalesce(previous, Value(ZERO), output_field=DecimalField()),
        )
        .values("zmd_group", "zmd_day", "zmd_increase")
        .order_by()
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (no targets in the year yet): no rows
        return {}
    wrapped = (
        f"SELECT zmd_group, zmd_day, SUM(zmd_increase) FROM ({sql}) zmd_rows "  # SQL built by Django, values as params
        "GROUP BY zmd_group, zmd_day ORDER BY zmd_group, zmd_day"
    )
    sums: dict = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        for key, when, amount in cursor.fetchall():
            # SQLite sums decimals as floats (30.800000000000004); every percent has one decimal,
            # so its sums have one too, as PostgreSQL's exact sums and the kept days (one decimal).
            sums[key][_as_date(when)] = Decimal(str(amount or 0)).quantize(TENTH)
    return sums


def planned_and_actual(assignments: QuerySet[Assignment], *, group: str | None = None) -> tuple[dict, dict]:
    """Increase sums of the plan and of the accepted reports, per group ("target_id", "unit_id")."""
    ids = assignments.values("pk")
    planned = increase_sums(
        Milestone.objects.filter(assignment__in=ids),
        value="planned_percent",
        day="due_date",
        group=f"assignment__{group}" if group else None,
    )
    actual = increase_sums(
        ProgressReport.objects.filter(assignment__in=ids, status=ReportStatus.ACCEPTED),
        value="progress_percent",
        day="period_end",
        group=f"assignment__{group}" if group else None,
    )
    return planned, actual


def cumulative_at(increases: dict[dt.date, Decimal], days: list[dt.date]) -> list[Decimal]:
    """The running total of ``increases`` at each of ``days`` (sorted)."""
    ordered = sorted(increases.items())
    totals, running, index = [], ZERO, 0
    for day in days:
        while index < len(ordered) and ordered[index][0] <= day:
            running += ordered[index][1]
            index += 1
        totals.append(running)
    return totals
