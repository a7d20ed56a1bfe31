"""The leader dashboard's weekly trend, kept as it changes (``YearProgressDay``).

A change to an assignment's plan, to its accepted reports or to whether it counts at all (issued or
still a draft, the target's year) changes its increases on a few days. ``keeping_year_progress``
computes the increases of the assignments a service is about to change, lets the service change
them, computes them again and adds the difference to the days concerned: two small queries over
those assignments' own rows, and an UPDATE per day that changed. The UPDATE adds to what is
stored (``F() + delta``), so two services changing different assignments on the same day do not
overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from ..choices import AssignmentStatus, ReportStatus
from ..models import Assignment, Milestone, ProgressReport, YearProgressDay
from ..selectors.series import increase_sums

Increases = dict[tuple[int, object], tuple[Decimal, Decimal]]
# Kept figures: ``YearProgressDay`` here; each assignment's progress (its latest accepted report)
# in ``reports.sync_progress``. Both always equal a rebuild (tests/test_kept_figures.py).


def _increases(assignments: QuerySet[Assignment] | None) -> Increases:
    """{(year, day): (plan increase, accepted-progress increase)} of these assignments, if issued."""
    if assignments is None:
        return {}
    counted = assignments.exclude(status=AssignmentStatus.DRAFT).order_by().values("pk")
    group = "assignment__target__year"
    planned = increase_sums(
        Milestone.objects.filter(assignment__in=counted), value="planned_percent", day="due_date", group=group
    )
    actual = increase_sums(
        ProgressReport.objects.filter(assignment__in=counted, status=ReportStatus.ACCEPTED),
        value="progress_percent",
        day="period_end",
        group=group,
    )
    result: Increases = {}
    for year, days in planned.items():
        for day, amount in days.items():
            result[(year, day)] = (amount, Decimal(0))
    for year, days in actual.items():
        for day, amount in days.items():
            result[(year, day)] = (result.get((year, day), (Decimal(0), Decimal(0)))[0], amount)
    return result


def _add(deltas: Increases) -> None:
    deltas = {key: value for key, value in deltas.items() if any(value)}
    if not deltas:
        return
    YearProgressDay.objects.bulk_create(
        [YearProgressDay(year=year, day=day) for year, day in deltas], ignore_conflicts=True
    )
    for (year, day), (planned, actual) in sorted(deltas.items()):
        YearProgressDay.objects.filter(year=year, day=day).update(
            planned_increase=F("planned_increase") + planned, actual_increase=F("actual_increase") + actual
        )


@contextmanager
def keeping_year_progress(
    *, assignment_ids: Iterable[int] = (), target_ids: Callable[[], Iterable[int]] | Iterable[int] = ()
) -> Iterator[None]:
    """Wrap a change to the plans, accepted reports, status or year of these assignments (or of every
    assignment of these targets; a callable is asked again afterwards, for targets created inside)."""
    assignment_ids = list(assignment_ids)

    def scope() -> QuerySet[Assignment] | None:
        targets = list(target_ids() if callable(target_ids) else target_ids)
        if not assignment_ids and not targets:
            return None
        return Assignment.objects.filter(Q(pk__in=assignment_ids) | Q(target__in=targets))

    with transaction.atomic():
        # Two services changing the same assignments at once must not both take "before" from the
        # same state (each would add the other's change again): the rows are locked first, in
        # one order, and the second service reads "before" after the first has committed.
        locked = scope()
        if locked is not None:
            list(locked.select_for_update().order_by("pk").values_list("pk", flat=True))
        before = _increases(scope())
        yield
        after = _increases(scope())
        zero = (Decimal(0), Decimal(0))
        _add(
            {
                key: (
                    after.get(key, zero)[0] - before.get(key, zero)[0],
                    after.get(key, zero)[1] - before.get(key, zero)[1],
                )
                for key in before.keys() | after.keys()
            }
        )


REBUILD_SQL = """
INSERT INTO tasks_yearprogressday (year, day, planned_increase, actual_increase)
SELECT year, day, SUM(planned), SUM(actual) FROM (
    SELECT t.year AS year, m.due_date AS day, m.planned_percent - COALESCE(LAG(m.planned_percent)
           OVER (PARTITION BY m.assignment_id ORDER BY m.due_date), 0) AS planned, 0 AS actual
    FROM tasks_milestone m
    JOIN tasks_assignment a ON a.id = m.assignment_id JOIN tasks_target t ON t.id = a.target_id
    WHERE a.status <> 'draft'
    UNION ALL
    SELECT t.year, r.period_end, 0, r.progress_percent - COALESCE(LAG(r.progress_percent)
           OVER (PARTITION BY r.assignment_id ORDER BY r.period_end), 0)
    FROM tasks_progressreport r
    JOIN tasks_assignment a ON a.id = r.assignment_id JOIN tasks_target t ON t.id = a.target_id
    WHERE a.status <> 'draft' AND r.status = 'accepted'
) increases
GROUP BY year, day
"""


def rebuild_year_progress() -> int:
    """Recompute every day from the plans and accepted reports (after bulk loads that bypass the
    services, such as the benchmark generator); returns the number of days."""
    with transaction.atomic():
        YearProgressDay.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(REBUILD_SQL)
    return YearProgressDay.objects.count()
