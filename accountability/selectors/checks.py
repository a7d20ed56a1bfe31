"""Which of the four checks (四查) an assignment's state calls for, and the office's register of checks.

对已经落实的查效果、正在落实的查进度、未落实的查原因、不抓落实的查责任 — the one rule, on the ledger's
judgment of the assignment (``tasks/judgment/state.py``) and the notices it left unanswered:

- **not acting** (不抓落实) → 查责任: two or more red warnings on the assignment this year, or a notice on
  it not signed for within ``SupervisionRules.sign_for_days``, or a supervision or exposure notice
  whose answer is past its due date;
- **done** (已完成, or a completion claim waiting for the office) → 查效果;
- **not started or lagging** (nothing achieved while the plan expects some, or 滞后: under a warning or
  past the deadline) → 查原因;
- otherwise **in progress** → 查进度.

Not acting is asked first: a unit that ignores red warnings is not excused by a claim it filed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from core import clock
from tasks.choices import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus, WarningLevel
from tasks.judgment.state import DONE_STATUSES, Judgment, State, end_of, judge
from tasks.models import Assignment

from ..choices import ANSWERED_KINDS, CheckKind, NoticeKind, NoticeStatus
from ..models import Check, Notice, SupervisionRules

REPEATED_REDS = 2  # red warnings on one assignment in a year that mark it as not acting


def not_acting_ids(assignment_ids, day: dt.date | None = None) -> set[int]:
    """The assignments (of ``assignment_ids``) that show 不抓落实 on ``day``: repeated reds, or notices
    left unsigned or unanswered past their limits."""
    day = day or clock.today()
    ids = list(assignment_ids)
    rules = SupervisionRules.current()
    mine = Notice.objects.filter(assignment_id__in=ids, serial__isnull=False)
    reds = (
        mine.filter(kind=NoticeKind.WARNING, level=WarningLevel.RED, year=day.year)
        .values("assignment_id")
        .annotate(reds=Count("pk"))
        .filter(reds__gte=REPEATED_REDS)
        .values_list("assignment_id", flat=True)
    )
    ignored = mine.filter(
        Q(status=NoticeStatus.ISSUED, issued_at__lt=end_of(day) - dt.timedelta(days=rules.sign_for_days + 1))
        | Q(kind__in=ANSWERED_KINDS, status__in=[NoticeStatus.ISSUED, NoticeStatus.SIGNED], due_date__lt=day)
    ).values_list("assignment_id", flat=True)
    return set(reds) | set(ignored)


def kind_for(judgment: Judgment | None, *, not_acting: bool) -> str | None:
    """The rule on facts already read (None: nothing to check, the assignment is not issued)."""
    if judgment is None:
        return None
    if not_acting:
        return CheckKind.RESPONSIBILITY
    if judgment.state in (State.DONE, State.CLAIMED):
        return CheckKind.EFFECT
    not_started = judgment.actual <= 0 and judgment.planned > 0
    if judgment.behind or not_started:
        return CheckKind.CAUSE
    return CheckKind.PROGRESS


def suggested_kinds(assignments: QuerySet[Assignment], day: dt.date | None = None) -> dict[int, str]:
    """{assignment pk: the check its state calls for} for every issued assignment of the queryset."""
    day = day or clock.today()
    judgments = judge(assignments, day)
    idle = not_acting_ids(judgments, day)
    return {pk: kind_for(judgment, not_acting=pk in idle) for pk, judgment in judgments.items()}


def suggested_check_kind(assignment: Assignment, day: dt.date | None = None) -> str | None:
    """The check one assignment's state calls for today (None if it has not been issued)."""
    return suggested_kinds(Assignment.objects.filter(pk=assignment.pk), day).get(assignment.pk)


def proposed_checks(user, *, kind: str = "", unit=None, day: dt.date | None = None) -> list[tuple]:
    """(assignment, suggested kind, last check or None) for each open or finished assignment of the
    year the person may see, most pressing kind first."""
    day = day or clock.today()
    rows = Assignment.objects.for_user(user).filter(
        target__year=day.year, status__in=[*OPEN_ASSIGNMENT_STATUSES, *DONE_STATUSES, AssignmentStatus.CLAIMED]
    )
    if unit is not None:
        rows = rows.filter(unit=unit)
    kinds = suggested_kinds(rows, day)
    if kind:
        kinds = {pk: value for pk, value in kinds.items() if value == kind}
    assignments = rows.filter(pk__in=list(kinds)).select_related("target", "unit")
    last = {}
    for check in Check.objects.filter(assignment_id__in=list(kinds)).order_by("checked_on", "created_at"):
        last[check.assignment_id] = check
    order = {value: index for index, value in enumerate(reversed(CheckKind.values))}
    result = [(assignment, kinds[assignment.pk], last.get(assignment.pk)) for assignment in assignments]
    result.sort(key=lambda row: (order[row[1]], row[0].unit.sort_order, row[0].unit.name, row[0].pk))
    return result


def register(user, filters: dict) -> QuerySet[Check]:
    """The checks a person may see, with the register's filters applied."""
    checks = Check.objects.for_user(user).select_related(
        "assignment__target", "assignment__unit", "checked_by", "notice"
    )
    lookups = {"kind": "kind", "unit": "assignment__unit", "rating": "rating", "follow_up": "follow_up",
               "method": "method", "date_from": "checked_on__gte", "date_to": "checked_on__lte"}  # fmt: skip
    for name, lookup in lookups.items():
        value = filters.get(name)
        if value not in (None, ""):
            checks = checks.filter(**{lookup: value})
    return checks
