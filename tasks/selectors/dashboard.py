"""The leader dashboard's figures: a fixed handful of grouped queries, whatever the year holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..choices import (
    OPEN_ASSIGNMENT_STATUSES,
    WARNING_COLOURS,
    AssignmentRole,
    AssignmentStatus,
    RankingGroup,
    Source,
    TargetType,
    UnitKind,
    WarningLevel,
)
from ..models import Assignment, Target, Unit, YearProgressDay
from ..periods import week_end
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


def colour_counts(assignments: QuerySet[Assignment]) -> list[dict]:
    """Open assignments by warning level, every level listed (zero included)."""
    counts = dict(
        assignments.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by()
        .values_list("warning_level")
        .annotate(n=Count("pk"))
    )
    return _colour_list(counts)


def colour_counts_of(rankings: dict[str, list[Unit]]) -> list[dict]:
    """``colour_counts`` added up from ``unit_rankings``' per-unit counts (no query of its own)."""
    counts = {
        level: sum(getattr(unit, f"open_level_{level.value}") for units in rankings.values() for unit in units)
        for level in WarningLevel
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


def unit_rankings(assignments: QuerySet[Assignment]) -> dict[str, list[Unit]]:
    """Units ranked by average completion of their assignments, counties and departments apart."""
    # Grouped from the assignments side: one pass over the year's assignments joined to their units
    # (counting through Unit → assignments with a semi-join took 109 ms at city scale, this 15 ms).
    rows = (
        assignments.order_by()
        .values("unit_id", "unit__name", "unit__kind", "unit__sort_order")
        .annotate(
            assignment_count=Count("pk"),
            completion=Avg("progress_percent"),
            planned=Avg("planned_percent"),
            red_count=Count("pk", filter=Q(warning_level=WarningLevel.RED)),
            behind_count=Count(
                "pk",
                filter=Q(status__in=OPEN_ASSIGNMENT_STATUSES)
                & (Q(warning_level__gt=WarningLevel.GREEN) | Q(progress_percent__lt=F("planned_percent"))),
            ),
            # The dashboard's colour counts, added up from these (one pass over the assignments, not three).
            **{
                f"open_level_{level.value}": Count(
                    "pk", filter=Q(status__in=OPEN_ASSIGNMENT_STATUSES, warning_level=level)
                )
                for level in WarningLevel
            },
        )
        .order_by("-completion", "unit__sort_order")
    )
    units = []
    for row in rows:
        unit = Unit(
            id=row["unit_id"], name=row["unit__name"], kind=row["unit__kind"], sort_order=row["unit__sort_order"]
        )
        for name, value in row.items():
            if not name.startswith("unit"):
                setattr(unit, name, value)
        units.append(unit)
    groups: dict[str, list[Unit]] = {RankingGroup.COUNTIES: [], RankingGroup.DEPARTMENTS: []}
    for unit in units:
        unit.completion = _round(unit.completion)
        unit.planned = _round(unit.planned)
        group = RankingGroup.DEPARTMENTS if unit.kind == UnitKind.DEPARTMENT else RankingGroup.COUNTIES
        unit.rank = len(groups[group]) + 1
        groups[group].append(unit)
    return groups


def weekly_trend(assignments: QuerySet[Assignment], year: int, today: dt.date) -> dict:
    """Average planned and actual progress at each week's end, from the year's start to today,
    computed from the milestones and accepted reports of ``assignments`` (any subset)."""
    planned, actual = planned_and_actual(assignments)
    return _trend(planned.get(0, {}), actual.get(0, {}), assignments.count(), year, today)


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
    # Start a week before the first planned or reported figure, not at an empty January.
    known = [day for line in (planned, actual) for day in line if day.year == year]
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


def lagging(assignments: QuerySet[Assignment], limit: int = 15) -> list[Assignment]:
    """Open assignments furthest behind their plan, warned ones first."""
    return list(
        assignments.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
        .filter(Q(warning_level__gt=WarningLevel.GREEN) | Q(progress_percent__lt=F("planned_percent")))
        .select_related("target", "unit")
        .order_by("-warning_level", "progress_percent")[:limit]
    )


def target_figures(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Targets with lead unit, number of units, average progress and plan, worst colour.

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
        avg_progress=per_target(Avg("progress_percent")),
        avg_planned=per_target(Avg("planned_percent")),
        worst_level=per_target(Max("warning_level")),
    )
