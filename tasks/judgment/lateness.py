"""When a report is late, and who is late: the unit's staff (迟报, 未报送) or its head (负责人未审批).

The rules (in words for a county clerk: docs/LATENESS.md):

- A report is on time when the unit's staff submitted it by its due date (``filed_at``). The head's
  approval, however late, does not make the staff's report late.
- The head has ``head_approval_days`` working days (default 2) from the staff's submission to
  approve or return it; after that the head is late (负责人未审批) until it is done.
- A report returned for changes (by the head or by the office) with a refile-by date counts as filed
  while the date has not passed; refiled by it, the report keeps its first filing time.
- Working days are Monday to Friday, less the office's public holidays, plus its make-up working
  days (调休), kept at /office/calendar/.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..choices import ReportStatus

# A report that counts as filed by the unit (whatever the head or the office does with it next).
CLERK_FILED_STATUSES = (ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localtime(moment).date()


@dataclass
class WorkingCalendar:
    """The office's calendar exceptions, loaded once: {day: "holiday" | "workday"}."""

    exceptions: dict[dt.date, str]

    @classmethod
    def load(cls) -> WorkingCalendar:
        from ..models import CalendarDay

        return cls(dict(CalendarDay.objects.values_list("day", "kind")))

    def is_working(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == "holiday":
            return False
        if kind == "workday":
            return True
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself does not count)."""
        current = day
        left = count
        while left > 0:
            current += dt.timedelta(days=1)
            if self.is_working(current):
                left -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end`` is not after ``start``)."""
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working(current)
        return count


def _limits():
    from ..models import ReportTimeLimits

    return ReportTimeLimits.current()


# --- The unit's staff ------------------------------------------------------------------------


def filed_on(report) -> dt.date | None:
    """The day the unit's staff filed the report, as lateness counts it."""
    return local_day(report.filed_at or report.submitted_at)


def filed_late(report) -> bool:
    """迟报: the staff's filing came after the due date."""
    day = filed_on(report)
    return day is not None and report.status != ReportStatus.DRAFT and day > report.due_date


def clerk_filed(moment: dt.datetime) -> Q:
    """Reports (a ``ProgressReport`` filter) the unit's staff had filed by ``moment``: waiting for the
    head, at the office or accepted, or returned with a refile-by date not yet passed."""
    day = local_day(moment)
    return Q(filed_at__lte=moment) & (
        Q(status__in=CLERK_FILED_STATUSES) | Q(status=ReportStatus.RETURNED, refile_by__gte=day)
    )


def filing_kept_on_refile(report, day: dt.date) -> bool:
    """A returned report refiled on ``day`` keeps its first filing time when the refile-by date allows."""
    return report.status == ReportStatus.RETURNED and report.refile_by is not None and day <= report.refile_by


def default_refile_by(day: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    calendar = calendar or WorkingCalendar.load()
    return calendar.add_working_days(day, _limits().refile_days)


# --- The unit's head -------------------------------------------------------------------------


def approval_due(report, calendar: WorkingCalendar, days: int) -> dt.date | None:
    """The last day the head may approve (or return) the report without being late."""
    submitted = local_day(report.submitted_at)
    return None if submitted is None else calendar.add_working_days(submitted, days)


def head_late_on(report, day: dt.date, calendar: WorkingCalendar, days: int) -> bool:
    """负责人未审批 on ``day``: waiting for the head past its limit (or approved after it)."""
    due = approval_due(report, calendar, days)
    if due is None:
        return False
    if report.approved_at is not None:
        return local_day(report.approved_at) > due
    return report.status == ReportStatus.PENDING_APPROVAL and day > due


def awaiting_head(moment: dt.datetime, *, live: bool = False) -> QuerySet:
    """Reports the unit's staff had submitted by ``moment`` that waited for the head at that moment.

    ``live``: the moment is now, so no report was approved after it and only those still pending
    are read (the index on status finds them). Looking also for an approval after the moment reads
    every report: 3 million at province scale, half a second of a nightly scan."""
    from ..models import ProgressReport

    waiting = Q(status=ReportStatus.PENDING_APPROVAL, approved_at__isnull=True)
    return (
        ProgressReport.objects.order_by()
        .filter(submitted_at__lte=moment)
        .filter(waiting if live else waiting | Q(approved_at__gt=moment))
    )


@dataclass(frozen=True)
class HeadLate:
    report_id: int
    assignment_id: int
    unit_id: int
    period: str
    due_date: dt.date
    submitted_on: dt.date
    approval_due: dt.date


def heads_late(moment: dt.datetime, *, calendar: WorkingCalendar | None = None, live: bool = False) -> list[HeadLate]:
    """Every report a head was sitting on past the limit at ``moment`` (负责人未审批), oldest first;
    ``live`` as for ``awaiting_head``."""
    day = local_day(moment)
    days = _limits().head_approval_days
    # Working days are never fewer than calendar days: anything submitted since then is in time.
    candidates = awaiting_head(moment, live=live).filter(submitted_at__lt=moment - dt.timedelta(days=days))
    rows = list(
        candidates.values_list(
            "pk", "assignment_id", "assignment__unit_id", "period", "due_date", "submitted_at"
        ).order_by("submitted_at", "pk")
    )
    if not rows:
        return []
    calendar = calendar or WorkingCalendar.load()
    late = []
    for pk, assignment_id, unit_id, period, due_date, submitted_at in rows:
        submitted_on = local_day(submitted_at)
        due = calendar.add_working_days(submitted_on, days)
        if day > due:
            late.append(HeadLate(pk, assignment_id, unit_id, period, due_date, submitted_on, due))
    return late
