"""Each assignment's judgment kept for today and the month ends of the year (``AssignmentDayJudgment``).

Every page judges through ``tasks.judgment.state.judge``: five subqueries per assignment, so a
leader's dashboard at province scale (2,000 assignments) spent most of its time judging. The facts a
judgment reads from other tables — the plan due, the progress and value the office held, the
warning level in force, a claim waiting — are kept per assignment for the kept days
(``unit_completion.kept_days``), stamped with the unit's figures version (``UnitFiguresStamp``).
Every change to those facts raises the unit's version in its own transaction: reports, claims and
assignments (``unit_completion.connect``), milestones (the same signals, and ``plans`` for its bulk
insert), warnings (``accountability.services.notices`` and the scan's undo for their set-based
writes, a signal for the rest). A read takes the facts whose version is the unit's and judges
afresh, in one more query, only the assignments of units whose version moved (storing them); the
state is then the one rule (``judgment_of``) applied to the facts and the assignment's own status,
deadline and close-out, read in the same query. Any other day is judged afresh. The nightly scan's
job warms the new day (``warm_kept_figures``); tests/test_kept_judgments.py proves kept = afresh.

The other month ends of the year so far (the battle map's cells: a month end judged afresh from
every report) are kept the same way (``keepable_days``): the night warms them too, for the year's
assignments, and a month end of a unit whose version moved is judged again, for the assignments
the page shows, on the next read.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import Case, F, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from core import clock
from core.periods import month_end

from ..judgment import state as judgment
from ..models import Assignment, AssignmentDayJudgment
from .unit_completion import figures_on, kept_days

# The facts kept, named as ``judgment.annotate`` names them after its prefix.
FACTS = ("planned", "actual", "value", "level", "claimed")
_ROW = (*judgment._BASE, *judgment._FACTS)  # the assignment's own fields the rule reads
_VERSION = "unit__figures_stamp__version"


def judge_days(
    assignments: QuerySet[Assignment],
    days: list[dt.date],
    *,
    today: dt.date | None,
    facts: dict | None,
    behind: bool = False,
    carry: tuple[str, ...] = (),
    carried: dict | None = None,
) -> dict[dt.date, dict[int, judgment.Judgment]]:
    """``judgment.judge_days``: the kept days from the kept facts, the others afresh. ``behind`` (one
    day, ``judgment.judge_behind``): only the rows that may be behind are read and judged, with the
    ``carry`` fields' values into ``carried``."""
    today = today or clock.today()
    wanted = list(dict.fromkeys(days))
    query = assignments.query
    # The kept facts do not depend on ``today`` (only the rule applied to them does): any caller's
    # today may read them. A sliced or combined queryset cannot take the join; it is judged afresh.
    keepable = not query.is_sliced and not query.combinator
    kept = [day for day in wanted if keepable and day in keepable_days(today)]
    others = [day for day in wanted if day not in kept]
    if not kept:
        return judgment.judge_days_afresh(
            assignments, others, today=today, facts=facts, behind=behind, carry=carry, carried=carried
        )
    result = _judge_kept(assignments, kept, others, today, facts, behind, carry, carried)
    return {day: result[day] for day in wanted}


def _judge_kept(
    assignments: QuerySet[Assignment],
    days: list[dt.date],
    others: list[dt.date],
    today: dt.date,
    facts: dict | None,
    behind: bool = False,
    carry: tuple[str, ...] = (),
    carried: dict | None = None,
) -> dict:
    """One query for the assignments, their unit's version, their kept facts of ``days`` and the
    facts of ``others`` judged afresh (a month's end, say); one more for the assignments of stale
    units on ``days``, and their upsert. ``behind`` (one kept day, no other): the query reads the
    rows whose kept facts may make them behind, and every row whose kept facts are stale."""
    queryset = assignments.order_by()
    fields = list(dict.fromkeys([*_ROW, _VERSION, *carry]))  # a carried field the rule reads is read once
    for index, day in enumerate(others):
        queryset = judgment.annotate(queryset, day, prefix=f"j{index}")
        fields += judgment._fields(f"j{index}")
    for index, day in enumerate(days):
        queryset = queryset.annotate(
            **{f"k{index}": FilteredRelation("day_judgments", condition=Q(day_judgments__day=day))}
        )
        fields += [f"k{index}__version", *(f"k{index}__{name}" for name in FACTS)]
    if behind:
        if len(days) != 1 or others:
            raise ValueError("behind: one day, kept")
        current = Q(k0__version=Coalesce(_VERSION, Value(0)))  # NULL (none kept) is not current either
        # Aliases, not lookups on ``k0__``: a filter across the relation would join it a second time.
        queryset = queryset.alias(
            k0_level=F("k0__level"), k0_current=Case(When(current, then=Value(True)), default=Value(False))
        )
        queryset = queryset.filter(judgment.may_be_behind(days[0], "k0_level") | Q(k0_current=False))
    result: dict[dt.date, dict[int, judgment.Judgment]] = {day: {} for day in [*days, *others]}
    versions: dict[int, int] = {}
    stale_units: set[int] = set()
    moments = {day: judgment.end_of(day) for day in [*days, *others]}
    # The kept facts under the names the rule reads them by (``judgment.annotate``'s).
    renames = [[(f"k{index}__{name}", f"j_{name}") for name in FACTS] for index in range(len(days))]
    for row in queryset.values(*fields):
        pk = row["pk"]
        versions[pk] = row[_VERSION] or 0
        if facts is not None:
            facts[pk] = tuple(row[name] for name in judgment._FACTS)
        if carried is not None:  # every row that may be behind is read here, stale or not
            carried[pk] = tuple(row[name] for name in carry)
        for index, day in enumerate(others):
            found = judgment._judge_row(row, day, f"j{index}", today, moments[day])
            if found is not None:
                result[day][pk] = found
        for index, day in enumerate(days):
            if row[f"k{index}__version"] != versions[pk]:  # never judged, or judged before a change
                issued_at = row["issued_at"]
                if issued_at is not None and issued_at < moments[day]:
                    stale_units.add(row["unit_id"])
                continue
            for kept_name, name in renames[index]:
                row[name] = row[kept_name]
            found = judgment._judge_row(row, day, "j", today, moments[day])
            if found is not None:
                result[day][pk] = found
    if stale_units:
        fresh = _judge_and_keep(assignments.filter(unit__in=sorted(stale_units)), days, today, versions)
        for day, judgments in fresh.items():
            result[day].update(judgments)
    return result


def _judge_and_keep(assignments: QuerySet[Assignment], days: list[dt.date], today: dt.date, versions: dict) -> dict:
    """Judge afresh (one query, as ``judge_days_afresh``) and keep the facts read, stamped with the
    version read before judging (a change meanwhile leaves them stale)."""
    queryset = assignments.order_by()
    fields = list(judgment._BASE)
    for index, day in enumerate(days):
        queryset = judgment.annotate(queryset, day, prefix=f"j{index}")
        fields += judgment._fields(f"j{index}")
    result: dict[dt.date, dict[int, judgment.Judgment]] = {day: {} for day in days}
    moments = [judgment.end_of(day) for day in days]
    rows = []
    for row in queryset.values(*fields):
        for index, day in enumerate(days):
            found = judgment._judge_row(row, day, f"j{index}", today, moments[index])
            if found is None:
                continue
            if row["pk"] in versions:
                result[day][row["pk"]] = found
                rows.append(_kept_row(row, day, f"j{index}", versions[row["pk"]]))
    _keep(rows, today)
    return result


def _kept_row(row: dict, day: dt.date, prefix: str, version: int) -> AssignmentDayJudgment:
    return AssignmentDayJudgment(
        assignment_id=row["pk"],
        day=day,
        version=version,
        planned=judgment.q1(row[f"{prefix}_planned"]),
        actual=judgment.q1(row[f"{prefix}_actual"]),
        value=row[f"{prefix}_value"],
        level=int(row[f"{prefix}_level"] or 0),
        claimed=bool(row[f"{prefix}_claimed"]),
    )


def _keep(rows: list[AssignmentDayJudgment], today: dt.date) -> None:
    if not rows:
        return
    rows.sort(key=lambda row: (row.assignment_id, row.day))  # a fixed order: two readers never deadlock
    with transaction.atomic():
        forget_other_days(today)
        AssignmentDayJudgment.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["assignment", "day"],
            update_fields=["version", *FACTS],
            batch_size=4000,
        )


def keepable_days(today: dt.date) -> list[dt.date]:
    """The days whose facts may be kept, in order: the kept days (today, last month's end) and the
    other month ends of today's year before it (what the battle map shows month by month)."""
    ends = {month_end(dt.date(today.year, month, 1)) for month in range(1, today.month)}
    return sorted(ends | set(kept_days(today)))


def forget_other_days(today: dt.date) -> int:
    """Kept facts of a day no longer kept (yesterday, say) go (ranges on the day index, between
    the days kept: a read's write never scans the table)."""
    days = keepable_days(today)
    other = Q(day__lt=days[0]) | Q(day__gt=days[-1])
    for before, after in pairwise(days):
        if (after - before).days > 1:
            other |= Q(day__gt=before, day__lt=after)
    return AssignmentDayJudgment.objects.filter(other).delete()[0]


def warm_kept_figures(today: dt.date | None = None) -> int:
    """The night's work after the scan (which raised the versions of the units it warned): keep the
    new day's judgments and units' completion for every issued assignment, so the morning's pages
    find them. Judges afresh only what is stale; returns how many judgments are kept."""
    today = today or clock.today()
    days = list(dict.fromkeys(kept_days(today)))
    forget_other_days(today)
    issued = Assignment.objects.filter(issued_at__isnull=False)
    judge_days(issued, days, today=today, facts=None)
    # The year's other month ends (the battle map's columns) for this year's assignments, one day
    # at a time (a province's 120,000 judgments a day, not a million at once): the morning's first
    # battle map took 667 ms judging them after a night had moved every warned unit's version.
    for day in keepable_days(today):
        if day not in days:
            judge_days(issued.filter(target__year=today.year), [day], today=today, facts=None)
    figures_on(days, year=today.year, today=today)
    if connection.vendor == "postgresql":
        # Most rows were just replaced: the planner must know a day holds every assignment, or
        # it hashes the whole day for a leader's two thousand (autovacuum would tell it later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AssignmentDayJudgment._meta.db_table}")
    return AssignmentDayJudgment.objects.count()


def rebuild_kept_judgments(today: dt.date | None = None) -> int:
    """Judge every assignment again for the kept days (after a load that bypassed the services)."""
    AssignmentDayJudgment.objects.all().delete()
    return warm_kept_figures(today)
