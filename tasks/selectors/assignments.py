"""Assignment lists: the unit's workspace and every drill-down list of assignments.

Each row carries, from subqueries in the same SELECT, the state of the unit's reports for the
period whose report fell due most recently and for the current period, and the next milestone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.periods import Frequency, Period, period_for

from ..choices import (
    OPEN_ASSIGNMENT_STATUSES,
    REPORTABLE_ASSIGNMENT_STATUSES,
    UNIT_KINDS_BY_GROUP,
    ExtensionStatus,
    RankingGroup,
    ReportStatus,
    WarningLevel,
)
from ..judgment.state import behind_filter, end_of, level_expression, with_level
from ..models import Assignment, ExtensionRequest, Milestone, ProgressReport

FILED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass(frozen=True)
class Periods:
    """For one reporting frequency: the period now running and the latest one already due."""

    current: Period
    due: Period


def periods_on(day: dt.date) -> dict[str, Periods]:
    result = {}
    for frequency in Frequency.values:
        current = period_for(day, frequency)
        due = current if day > current.due else period_for(current.start - dt.timedelta(days=1), frequency)
        result[frequency] = Periods(current, due)
    return result


def _key_case(periods: dict[str, Periods], which: str) -> Case:
    return Case(
        *[When(target__report_frequency=f, then=Value(getattr(p, which).key)) for f, p in periods.items()],
        output_field=CharField(),
    )


def _applies(periods: dict[str, Periods], which: str) -> Q:
    """The period lies within the assignment's time and the assignment still takes reports."""
    q = Q()
    for frequency, pair in periods.items():
        period = getattr(pair, which)
        q |= Q(target__report_frequency=frequency, target__start_date__lte=period.end, deadline__gte=period.start)
    return q & Q(status__in=REPORTABLE_ASSIGNMENT_STATUSES)


def _report(field: str, key_ref: str) -> Subquery:
    # At most one report per (assignment, period): no ordering, or the model's default one joins the
    # assignment, target and unit into every probe to sort a single row (34 ms → 2 ms for a unit's counts).
    reports = ProgressReport.objects.filter(assignment=OuterRef("pk"), period=OuterRef(key_ref)).order_by()
    return Subquery(reports.values(field)[:1])


def with_report_statuses(queryset: QuerySet[Assignment], day: dt.date | None = None) -> QuerySet[Assignment]:
    """Annotate only what ``REPORT_FILTERS`` read: the two periods, whether they apply, the statuses.

    For counts: an aggregate computes every annotation of the rows it counts, and ``with_states``
    adds five more subqueries per row that a count never reads.
    """
    day = day or clock.today()
    periods = periods_on(day)
    return (
        queryset.annotate(
            due_key=_key_case(periods, "due"),
            current_key=_key_case(periods, "current"),
            due_applies=Case(When(_applies(periods, "due"), then=Value(True)), default=Value(False)),
            current_applies=Case(When(_applies(periods, "current"), then=Value(True)), default=Value(False)),
        )
        .annotate(
            due_status=_report("status", "due_key"),
            current_status=_report("status", "current_key"),
            due_refile_by=_report("refile_by", "due_key"),
        )
        .annotate(
            # Returned and its refile-by date passed (or none given): missing again.
            due_refile_passed=Case(
                When(
                    Q(due_status=ReportStatus.RETURNED) & (Q(due_refile_by__isnull=True) | Q(due_refile_by__lt=day)),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
    )


def with_states(queryset: QuerySet[Assignment], day: dt.date | None = None) -> QuerySet[Assignment]:
    """Annotate report states and the next milestone; rows also carry target and unit."""
    day = day or clock.today()
    upcoming = Milestone.objects.filter(assignment=OuterRef("pk"), due_date__gt=day).order_by("due_date")
    return with_report_statuses(queryset.select_related("target", "unit", "target__leader"), day).annotate(
        due_submitted_at=_report("filed_at", "due_key"),
        due_report_pk=_report("pk", "due_key"),
        current_report_pk=_report("pk", "current_key"),
        next_due=Subquery(upcoming.values("due_date")[:1]),
        next_planned=Subquery(upcoming.values("planned_percent")[:1]),
    )


# A returned report whose refile-by date has passed is missing again (tasks.judgment.lateness); one
# within its date is only returned. The scan, the digest and the points count the same way.
_REFILE_PASSED = Q(due_refile_passed=True)
MISSING = Q(due_applies=True) & (Q(due_status__isnull=True) | Q(due_status=ReportStatus.DRAFT) | _REFILE_PASSED)
RETURNED = (Q(due_status=ReportStatus.RETURNED) & ~_REFILE_PASSED) | (
    Q(current_status=ReportStatus.RETURNED) & ~Q(current_key=F("due_key"))
)
AWAITING_HEAD = Q(due_status=ReportStatus.PENDING_APPROVAL) | Q(current_status=ReportStatus.PENDING_APPROVAL)
DUE_NOW = (
    Q(current_applies=True)
    & ~Q(current_key=F("due_key"))
    & (Q(current_status__isnull=True) | Q(current_status=ReportStatus.DRAFT))
)
REPORT_FILTERS = {"missing": MISSING, "returned": RETURNED, "approval": AWAITING_HEAD, "due": DUE_NOW}


@dataclass(frozen=True)
class ReportState:
    """What a row says about the unit's reporting: a code for CSS and filters, words, a date."""

    code: str
    label: str
    period: str
    date: dt.date | None = None
    report_pk: int | None = None


_LABELS = {
    "missing": _("Not reported"),
    "returned": _("Returned"),
    "approval": _("Awaiting head"),
    "draft": _("Draft"),
    "due": _("Due"),
    "late": _("Filed late"),
    "filed": pgettext_lazy("status", "Filed"),
    "accepted": _("Accepted"),
}


def _state(code: str, period: Period, report_pk=None, date=None) -> ReportState:
    return ReportState(code, _LABELS[code], period.key, date, report_pk)


def report_states(row: Assignment, day: dt.date | None = None) -> list[ReportState]:
    """The row's report states, most urgent first (reads only the annotations)."""
    periods = periods_on(day or clock.today())[row.target.report_frequency]
    states = []
    if row.due_applies:
        status = row.due_status
        if status in (None, ReportStatus.DRAFT) or row.due_refile_passed:
            states.append(_state("missing", periods.due, row.due_report_pk, periods.due.due))
        elif status == ReportStatus.RETURNED:
            states.append(_state("returned", periods.due, row.due_report_pk))
        elif status == ReportStatus.PENDING_APPROVAL:
            states.append(_state("approval", periods.due, row.due_report_pk))
        else:
            submitted = row.due_submitted_at
            late = submitted is not None and timezone.localtime(submitted).date() > periods.due.due
            code = "late" if late else ("accepted" if status == ReportStatus.ACCEPTED else "filed")
            states.append(_state(code, periods.due, row.due_report_pk))
    if row.current_applies and row.current_key != row.due_key:
        status = row.current_status
        if status is None:
            states.append(_state("due", periods.current, None, periods.current.due))
        elif status == ReportStatus.DRAFT:
            states.append(_state("draft", periods.current, row.current_report_pk, periods.current.due))
        elif status == ReportStatus.RETURNED:
            states.append(_state("returned", periods.current, row.current_report_pk))
        elif status == ReportStatus.PENDING_APPROVAL:
            states.append(_state("approval", periods.current, row.current_report_pk))
        else:
            code = "accepted" if status == ReportStatus.ACCEPTED else "filed"
            states.append(_state(code, periods.current, row.current_report_pk))
    return states


def attach_states(rows, day: dt.date | None = None) -> list[Assignment]:
    rows = list(rows)
    for row in rows:
        row.report_states = report_states(row, day)
    return rows


NEW_RED_WINDOWS = (1, 7)  # 新增红色: since yesterday, within the last week


def with_levels_before(queryset: QuerySet[Assignment], day: dt.date) -> QuerySet[Assignment]:
    """Assignments (with ``with_level``) with ``level_1`` and ``level_7``: the warning level in force
    at the end of the day before ``day`` and of a week before."""
    return queryset.annotate(
        **{f"level_{days}": level_expression(end_of(day - dt.timedelta(days=days))) for days in NEW_RED_WINDOWS}
    )


def newly_red_filter(days: int) -> Q:
    """Open and under a red warning now, not red ``days`` days before (a new red, 新增红色)."""
    return Q(status__in=OPEN_ASSIGNMENT_STATUSES, level_now=WarningLevel.RED) & Q(
        **{f"level_{days}__lt": WarningLevel.RED}
    )


def filter_assignments(queryset: QuerySet[Assignment], filters: dict) -> QuerySet[Assignment]:
    """Apply a drill-down's filters; ``report`` needs the annotations of ``with_states``."""
    q = filters.get("q")
    if q:
        queryset = queryset.filter(
            Q(target__title__icontains=q) | Q(target__code__icontains=q) | Q(unit__name__icontains=q)
        )
    if "year" in filters:
        queryset = queryset.filter(target__year=filters["year"])
    if "unit" in filters:
        queryset = queryset.filter(unit=filters["unit"])
    if "group" in filters:
        queryset = queryset.filter(unit__kind__in=UNIT_KINDS_BY_GROUP[RankingGroup(filters["group"])])
    for name in ("source", "target_type", "leader"):
        if name in filters:
            queryset = queryset.filter(**{f"target__{name}": filters[name]})
    if "target" in filters:
        queryset = queryset.filter(target_id=filters["target"])
    status = filters.get("status")
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if "colour" in filters or filters.get("lagging"):
        # The judgment's rule (tasks/judgment/state.py), as of today: the level in force, and 滞后.
        today = clock.today()
        queryset = with_level(queryset, today)
        if "colour" in filters:
            queryset = queryset.filter(Q(status__in=OPEN_ASSIGNMENT_STATUSES), level_now=filters["colour"])
        if filters.get("lagging"):
            queryset = queryset.filter(behind_filter(today))
    if "red_since" in filters:
        today = clock.today()
        queryset = with_levels_before(with_level(queryset, today), today).filter(newly_red_filter(filters["red_since"]))
    if "report" in filters:
        queryset = queryset.filter(REPORT_FILTERS[filters["report"]])
    if filters.get("extension"):
        pending = ExtensionRequest.objects.filter(assignment=OuterRef("pk"), status=ExtensionStatus.PENDING)
        queryset = queryset.filter(Exists(pending))
    return queryset
