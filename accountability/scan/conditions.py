"""Where each open assignment stands on a day, as SQL: plan against actual, missing report, deadline.

One queryset annotates every open assignment with what the warning rules need. A cheap filter in
the same query picks the rows that may lag or already carry a warning, and only those rows come
back to be judged (``condition_level``): each subquery then appears once or twice in the SQL rather
than in every branch of a CASE, which a database would evaluate again for each use.

The scan can be run as of a past day (the demo replays the year, ``run_supervision_scan --date``):
then the assignment's status and deadline are read from its history as they stood at that moment,
and the unit's progress from the reports that had reached the office by then.

Actual progress is the latest report that reached the office (submitted, or accepted), not only the
accepted one, so a unit is not warned for a report the office has yet to review; a report returned
as wrong no longer counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tasks import clock
from tasks.choices import FILED_REPORT_STATUSES, OPEN_ASSIGNMENT_STATUSES, Frequency, WarningLevel
from tasks.models import Assignment, Milestone, ProgressReport
from tasks.periods import Period, period_for
from tasks.services import planned_percent_subquery

from ..models import SupervisionRules

PERCENT = DecimalField(max_digits=6, decimal_places=1)


@dataclass(frozen=True)
class AsOf:
    """The moment a scan judges: ``live`` when it is now, else a replayed past (or future) day."""

    day: dt.date
    moment: dt.datetime
    live: bool


def as_of(day: dt.date | None = None) -> AsOf:
    today = clock.today()
    if day is None or day == today:
        return AsOf(today, clock.now(), True)
    moment = timezone.make_aware(dt.datetime.combine(day, settings.ZMD_SUPERVISION_SCAN_TIME))
    return AsOf(day, moment, False)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def last_due_period(day: dt.date, frequency: str) -> Period:
    """The latest reporting period whose report was due before ``day``."""
    period = period_for(day, frequency)
    while period.due >= day:
        period = period_for(period.start - dt.timedelta(days=1), frequency)
    return period


def filed_reports(moment: dt.datetime) -> QuerySet:
    """Reports that had reached the office by ``moment`` (a unit head's approval is when it left the unit)."""
    return (
        ProgressReport.objects.order_by()
        .filter(status__in=FILED_REPORT_STATUSES)
        .annotate(reached_office_at=Coalesce("approved_at", "submitted_at"))
        .filter(reached_office_at__lte=moment)
    )


def _then(field: str, asof: AsOf):
    """The assignment's ``field`` as its history had it at the moment."""
    history = (
        Assignment.history.model.objects.filter(id=OuterRef("pk"), history_date__lte=asof.moment)
        .order_by("-history_date", "-history_id")
        .values(field)[:1]
    )
    return Coalesce(Subquery(history), F(field))


def open_assignments(asof: AsOf) -> QuerySet:
    """Assignments the units were working on at the moment, with ``deadline_then``."""
    issued = Assignment.objects.order_by().filter(issued_at__lte=asof.moment)
    if asof.live:
        return issued.filter(status__in=OPEN_ASSIGNMENT_STATUSES).annotate(deadline_then=F("deadline"))
    return issued.annotate(status_then=_then("status", asof), deadline_then=_then("deadline", asof)).filter(
        status_then__in=OPEN_ASSIGNMENT_STATUSES
    )


def unfiled(period: Period, asof: AsOf) -> Q:
    """The assignment owes a report for ``period`` and none had reached the office by the moment."""
    expected = Q(
        target__start_date__lte=period.end,
        deadline_then__gte=period.start,
        issued_at__lt=start_of(period.due + dt.timedelta(days=1)),
    )
    filed = filed_reports(asof.moment).filter(assignment=OuterRef("pk"), period=period.key)
    return expected & ~Exists(filed)


def missing_report_period(asof: AsOf):
    """The key of the last period whose report is overdue and missing, else NULL."""
    whens = [
        When(Q(target__report_frequency=frequency) & unfiled(period, asof), then=Value(period.key))
        for frequency, period in ((f, last_due_period(asof.day, f)) for f in Frequency.values)
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def assignment_conditions(asof: AsOf) -> QuerySet:
    """Every open assignment with its planned and actual progress, last plan node and missing report."""
    latest_filed = (
        filed_reports(asof.moment)
        .filter(assignment=OuterRef("pk"))
        .order_by("-period_end")
        .values("progress_percent")[:1]
    )
    node = Milestone.objects.filter(assignment=OuterRef("pk"), due_date__lte=asof.day).order_by("-due_date")
    return (
        open_assignments(asof)
        .annotate(
            planned=planned_percent_subquery(asof.day),
            actual=Coalesce(Subquery(latest_filed), Value(Decimal(0)), output_field=PERCENT),
            node_due=Subquery(node.values("due_date")[:1], output_field=DateField()),
            missing_period=missing_report_period(asof),
        )
        .alias(lag=ExpressionWrapper(F("planned") - F("actual"), output_field=PERCENT))
    )


def lagging(asof: AsOf, rules: SupervisionRules) -> Q:
    """The rows that may need a warning: a cheap filter; ``condition_level`` then says exactly."""
    maybe = Q(deadline_then__lt=asof.day) | Q(lag__gte=rules.yellow_lag_points)
    if rules.missing_report_warns:
        maybe |= Q(missing_period__isnull=False)
    return maybe


def condition_level(row: dict, day: dt.date, rules: SupervisionRules) -> int:
    """Red past the deadline or above the red threshold; yellow behind plan or without a report due."""
    lag = row["planned"] - row["actual"]
    if row["deadline_then"] < day or lag > rules.red_lag_points:
        return WarningLevel.RED
    if lag >= rules.yellow_lag_points or (rules.missing_report_warns and row["missing_period"]):
        return WarningLevel.YELLOW
    return WarningLevel.GREEN


CONDITION_FIELDS = ("pk", "unit_id", "deadline_then", "planned", "actual", "node_due", "missing_period")
