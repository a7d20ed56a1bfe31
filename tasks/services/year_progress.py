"""The leader dashboard's weekly trend, kept as it changes (``YearProgressDay``).

A change to an assignment's plan, to its accepted reports or to whether it counts at all (issued or
still a draft, the target's year) changes its increases on a few days. ``keeping_year_progress``
computes the increases of the assignments a service is about to change, lets the service change
them, computes them again and adds the difference to the days concerned, the city's and those of
each leader whose scope holds the assignments (``leader_progress``): four small queries over those
assignments' own rows, and an UPDATE per day that changed. The UPDATE adds to what is
stored (``F() + delta``), so two services changing different assignments on the same day do not
overwrite each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Round

from ..choices import AssignmentStatus, ReportStatus
from ..models import Assignment, Milestone, ProgressReport, YearProgressDay
from ..selectors.scope import leaders_of
from ..selectors.series import increase_sums
from .leader_progress import INCREASES_SQL, LeaderIncreases, add_to_leaders, rebuild_leader_progress

Increases = dict[tuple[int, object], tuple[Decimal, Decimal]]
# Kept figures: ``YearProgressDay`` here, each leader's days in ``leader_progress``; each assignment's
# progress (its latest accepted report) in ``reports.sync_progress``. All always equal a rebuild
# (tests/test_year_progress.py, tests/test_leader_trend.py).

ZERO = (Decimal(0), Decimal(0))
# {assignment: (year, {day: (plan increase, accepted-progress increase)}, leaders whose scope holds it)}
Snapshot = dict[int, tuple[int, dict, tuple[int, ...]]]


def _snapshot(assignments: QuerySet[Assignment] | None) -> Snapshot:
    """Each of these assignments' increases, if issued, with its year and the leaders in whose scope
    it lies: four small queries over their own rows."""
    if assignments is None:
        return {}
    counted = assignments.exclude(status=AssignmentStatus.DRAFT).order_by().values("pk")
    planned = increase_sums(
        Milestone.objects.filter(assignment__in=counted), value="planned_percent", day="due_date", group="assignment_id"
    )
    actual = increase_sums(
        ProgressReport.objects.filter(assignment__in=counted, status=ReportStatus.ACCEPTED),
        value="progress_percent",
        day="period_end",
        group="assignment_id",
    )
    ids = sorted(planned.keys() | actual.keys())
    if not ids:
        return {}
    years = dict(Assignment.objects.filter(pk__in=ids).values_list("pk", "target__year"))
    leaders: dict[int, list[int]] = {}
    for row in leaders_of(Assignment.objects.filter(pk__in=ids)):
        leaders.setdefault(row["zmd_assignment"], []).append(row["zmd_leader"])
    result: Snapshot = {}
    for pk in ids:
        days: dict = {}
        for day, amount in planned.get(pk, {}).items():
            days[day] = (amount, Decimal(0))
        for day, amount in actual.get(pk, {}).items():
            days[day] = (days.get(day, ZERO)[0], amount)
        result[pk] = (years[pk], days, tuple(leaders.get(pk, ())))
    return result


def _differences(before: Snapshot, after: Snapshot) -> tuple[Increases, LeaderIncreases]:
    """after − before, summed by (year, day) for the city and by (leader, year, day) for each leader."""
    city: dict = {}
    per_leader: dict = {}

    def add(snapshot: Snapshot, sign: int) -> None:
        for year, days, leaders in snapshot.values():
            for day, (plan, done) in days.items():
                for sums, key in ((city, (year, day)), *((per_leader, (leader, year, day)) for leader in leaders)):
                    old = sums.get(key, ZERO)
                    sums[key] = (old[0] + sign * plan, old[1] + sign * done)

    add(after, 1)
    add(before, -1)
    return city, per_leader


def _add(deltas: Increases) -> None:
    deltas = {key: value for key, value in deltas.items() if any(value)}
    if not deltas:
        return
    YearProgressDay.objects.bulk_create(
        [YearProgressDay(year=year, day=day) for year, day in deltas], ignore_conflicts=True
    )
    for (year, day), (planned, actual) in sorted(deltas.items()):
        # Rounded to the tenth the percents have: SQLite adds decimals as floats, and a day's
        # increases added and taken away again must leave 0, not 1e-15.
        YearProgressDay.objects.filter(year=year, day=day).update(
            planned_increase=Round(F("planned_increase") + planned, 1),
            actual_increase=Round(F("actual_increase") + actual, 1),
        )


@contextmanager
def keeping_year_progress(
    *, assignment_ids: Iterable[int] = (), target_ids: Callable[[], Iterable[int]] | Iterable[int] = ()
) -> Iterator[None]:
    """Wrap a change to the plans, accepted reports, status, year, target's leader or fields, or unit
    of these assignments (or of every assignment of these targets; a callable is asked again
    afterwards, for targets created inside): the city's days and each leader's are kept."""
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
        before = _snapshot(scope())
        yield
        city, per_leader = _differences(before, _snapshot(scope()))
        _add(city)
        add_to_leaders(per_leader)


REBUILD_SQL = f"""
INSERT INTO tasks_yearprogressday (year, day, planned_increase, actual_increase)
SELECT year, day, SUM(planned), SUM(actual) FROM ({INCREASES_SQL.format(where="")}) increases
GROUP BY year, day
"""


def rebuild_year_progress() -> int:
    """Recompute every day, the city's and each leader's, from the plans and accepted reports (after
    bulk loads that bypass the services, such as the benchmark generator); returns the city's days."""
    with transaction.atomic():
        YearProgressDay.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(REBUILD_SQL)
        rebuild_leader_progress()
    return YearProgressDay.objects.count()
