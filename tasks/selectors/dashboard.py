"""The leader dashboard's figures: a fixed handful of grouped queries, whatever the year holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core import clock
from core.periods import week_end

from ..choices import (
    WARNING_COLOURS,
    AssignmentRole,
    AssignmentStatus,
    Source,
    TargetType,
    WarningLevel,
)
from ..judgment.state import Judgment, attach, behind_filter, judge, with_level, worst_level_expression
from ..models import Assignment, Target, Unit, YearProgressDay
from ..services.leader_progress import leader_days
from .ranked_units import UnitRow, furthest_behind, rank_units, unit_figures
from .series import cumulative_at, planned_and_actual

ONE = Decimal("0.1")


def _round(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(ONE, rounding=ROUND_HALF_UP)


def issued(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.exclude(status=AssignmentStatus.DRAFT)


@dataclass
class Matrix:
    """Targets counted by source (rows) and type (columns), with totals."""

    types: list
    rows: list = field(default_factory=list)  # (source, label, [(type, count)], row total)
    column_totals: list = field(default_factory=list)
    total: int = 0


def totals_by_source_and_type(targets: QuerySet[Target]) -> Matrix:
    counts = {
        (row["source"], row["target_type"]): row["n"]
        for row in targets.order_by().values("source", "target_type").annotate(n=Count("pk"))
    }
    matrix = Matrix(types=list(TargetType.choices))
    for source, label in Source.choices:
        cells = [(kind, counts.get((source, kind), 0)) for kind, _ in TargetType.choices]
        matrix.rows.append((source, label, cells, sum(count for _, count in cells)))
    matrix.column_totals = [
        (kind, sum(counts.get((source, kind), 0) for source in Source.values)) for kind in TargetType.values
    ]
    matrix.total = sum(total for _, total in matrix.column_totals)
    return matrix


def colour_counts(assignments: QuerySet[Assignment], day: dt.date | None = None) -> list[dict]:
    """Open assignments by the warning level in force (the judgment), every level listed (zero included)."""
    day = day or clock.today()
    counts: dict[int, int] = {}
    for judgment in judge(assignments, day).values():
        if judgment.is_open:
            counts[judgment.level] = counts.get(judgment.level, 0) + 1
    return _colour_list(counts)


def colour_counts_of(rankings: dict[str, list[Unit]]) -> list[dict]:
    """``colour_counts`` added up from ``unit_rankings``' per-unit counts (no query of its own)."""
    counts = {
        level: sum(unit.open_levels[level] for units in rankings.values() for unit in units) for level in WarningLevel
    }
    return _colour_list(counts)


def assignment_count_of(rankings: dict[str, list[Unit]]) -> int:
    """How many assignments ``unit_rankings`` counted (every assignment has a unit)."""
    return sum(unit.assignment_count for units in rankings.values() for unit in units)


def _colour_list(counts: dict) -> list[dict]:
    return [
        {"level": level.value, "label": level.label, "colour": WARNING_COLOURS[level], "count": counts.get(level, 0)}
        for level in WarningLevel
    ]


def unit_rankings(
    assignments: QuerySet[Assignment], day: dt.date | None = None, *, judged: tuple | None = None
) -> dict[str, list[Unit]]:
    """Units ranked by average completion of their assignments, counties and departments apart.

    Every figure is the judgment's (tasks/judgment/state.py) on ``day``: completion and plan are the
    averages of the judged actual and planned, 滞后 (``behind_count``) counts what the judgment calls
    behind, the colour counts the warning levels in force — so each number matches the list behind it.
    ``judged`` is ``judged_with_facts``' answer, when the page has it already. The dashboard reads
    the same figures kept per facts (``ranked_units.ranked_units``).
    """
    day = day or clock.today()
    judgments, facts = judged or judged_with_facts(assignments, day)
    figures = unit_figures(judgments, facts)
    units = Unit.objects.filter(pk__in=list(figures)).values_list("pk", "name", "kind", "sort_order")
    return rank_units([UnitRow(*unit) for unit in units], figures)


def judged_with_facts(assignments: QuerySet[Assignment], day: dt.date) -> tuple[dict, dict]:
    """Every assignment's judgment on ``day`` and its facts (target, unit, role, share): one query."""
    facts: dict = {}
    return judge(assignments, day, facts=facts), facts


def weekly_trend(assignments: QuerySet[Assignment], year: int, today: dt.date) -> dict:
    """Average planned and actual progress at each week's end, from the year's start to today,
    computed from the milestones and accepted reports of ``assignments`` (any subset)."""
    planned, actual = planned_and_actual(assignments)
    return _trend(planned.get(0, {}), actual.get(0, {}), assignments.count(), year, today)


def shown_trend(assignments: QuerySet[Assignment], year: int, today: dt.date, *, scope=None, count=None) -> dict:
    """The weekly trend of the assignments a page shows (the dashboard, a leader's digest): the kept
    days when they are the whole year's (no scope, or the mayor's whole city), else computed from
    the scope's own (kept per leader post), so a vice-mayor's 我分管的 is his assignments' average,
    not the city's sums over his count. ``count``: the assignments' number, when already known."""
    if scope is None or scope.whole_city:
        return year_trend(assignments.count() if count is None else count, year, today)
    if len(scope.leader_ids) == 1:
        (leader_id,) = scope.leader_ids
        return leader_trend(leader_id, assignments.count() if count is None else count, year, today)
    # Several posts (one person holding two): an assignment in both scopes is in both posts' days,
    # and their sum would count it twice; computed from the union's own rows instead.
    return weekly_trend(assignments, year, today)


def leader_trend(leader_id: int, count: int, year: int, today: dt.date) -> dict:
    """``weekly_trend`` of one leader post's scope (``count`` assignments), read from the days the
    services keep for that leader (``LeaderProgressDay``), rebuilt first if the scope changed."""
    planned, actual = {}, {}
    for day, plan, done in leader_days(leader_id, year):
        if plan:
            planned[day] = plan
        if done:
            actual[day] = done
    return _trend(planned, actual, count, year, today)


def year_trend(count: int, year: int, today: dt.date) -> dict:
    """``weekly_trend`` of every issued assignment of ``year`` (``count`` of them: what leaders and
    the office see), read from the days the services keep (``YearProgressDay``), not every report."""
    planned, actual = {}, {}
    for day, plan, done in YearProgressDay.objects.filter(year=year).values_list(
        "day", "planned_increase", "actual_increase"
    ):
        if plan:
            planned[day] = plan
        if done:
            actual[day] = done
    return _trend(planned, actual, count, year, today)


def _trend(planned: dict, actual: dict, count: int, year: int, today: dt.date) -> dict:
    last = min(today, dt.date(year, 12, 31))
    # Start a week before the plan or the progress first rises, not at an empty January. A day
    # that raises nothing (a 0 % milestone) does not count: the kept days drop such days (a day
    # whose increases cancel out), and the live and kept trends must start on the same week.
    known = [day for line in (planned, actual) for day, amount in line.items() if amount and day.year == year]
    first = min(known, default=dt.date(year, 1, 1)) - dt.timedelta(days=7)
    weeks, cursor = [], week_end(max(first, dt.date(year, 1, 1)))
    while cursor <= week_end(last):
        weeks.append(cursor)
        cursor += dt.timedelta(days=7)
    divide = Decimal(count or 1)
    planned_line = [float(_round(total / divide)) for total in cumulative_at(planned, weeks)]
    actual_line = [float(_round(total / divide)) for total in cumulative_at(actual, weeks)]
    return {
        "weeks": [f"{day:%m-%d}" for day in weeks],
        "week_ends": [day.isoformat() for day in weeks],
        "planned": planned_line,
        "actual": actual_line,
        "assignments": count,
    }


def lagging(
    assignments: QuerySet[Assignment], limit: int = 15, day: dt.date | None = None, *, judged: dict | None = None
) -> list[Assignment]:
    """Open assignments the judgment calls behind (滞后), the highest warning first, each with ``judged``."""
    day = day or clock.today()
    if judged is None:
        rows = list(
            with_level(assignments, day)
            .filter(behind_filter(day))
            .select_related("target", "unit")
            .order_by("-level_now", "deadline", "progress_percent", "pk")[:limit]
        )
        return attach(rows, judge(Assignment.objects.filter(pk__in=[row.pk for row in rows]), day))
    behind = furthest_behind(judged, limit)
    rows = Assignment.objects.filter(pk__in=list(behind)).select_related("target", "unit").in_bulk()
    return attach([rows[pk] for pk in behind], behind)


def lagging_rows(behind: dict[int, Judgment]) -> list[dict]:
    """What the dashboard shows of the assignments ``behind`` names (``furthest_behind``'s), in its
    order: plain values (pk, target_id, code, title, unit_name, deadline) with ``judged``."""
    rows = {
        row["pk"]: row
        for row in Assignment.objects.filter(pk__in=list(behind)).values(
            "pk", "target_id", "deadline", code=F("target__code"), title=F("target__title"), unit_name=F("unit__name")
        )
    }
    return [{**rows[pk], "judged": judged} for pk, judged in behind.items()]


def target_figures(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Targets with lead unit, number of units and the worst warning level in force (for filters and
    order; the figures shown are the judgment's, ``judge_targets``, for the page's targets only).

    Each figure is a subquery on the target's own assignments rather than a join grouped over
    every target: a page sorts the targets, keeps 25 and only then asks for their figures, and
    the paginator's count is a plain count of targets (ledger page 67 ms -> a few at city scale).
    """
    links = Assignment.objects.filter(target=OuterRef("pk")).order_by().values("target")

    def per_target(aggregate):
        return Subquery(links.annotate(figure=aggregate).values("figure"))

    lead = Assignment.objects.filter(target=OuterRef("pk"), role=AssignmentRole.LEAD).order_by()
    return targets.select_related("leader").annotate(
        lead_unit=Subquery(lead.values("unit__name")[:1]),
        unit_count=Coalesce(per_target(Count("pk")), 0),
        worst_level=worst_level_expression(clock.today()),
    )
