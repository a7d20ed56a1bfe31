"""挂图作战: targets (or units) × months, planned against actual, coloured by how far behind.

The month cells are a picture of the past as the plan and the accepted reports tell it; the
official colour of today is the assignments' ``warning_level``, shown in the row's last column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max, QuerySet

from ..models import Assignment
from ..periods import month_end
from .series import cumulative_at, planned_and_actual

# Percentage points behind plan at which a month cell turns yellow and red (DOMAIN.md's defaults).
LAG_YELLOW = Decimal(10)
LAG_RED = Decimal(30)
ONE = Decimal("0.1")


@dataclass(frozen=True)
class Cell:
    month: int
    planned: Decimal
    actual: Decimal | None  # None: the month has not begun
    colour: str


@dataclass
class Row:
    key: int
    obj: object
    count: int
    progress: Decimal
    planned: Decimal
    level: int
    cells: list[Cell]


def _colour(planned: Decimal, actual: Decimal | None) -> str:
    if actual is None:
        return "future"
    if planned == 0 and actual == 0:
        return "idle"  # nothing was due yet (before the target started)
    lag = planned - actual
    if lag > LAG_RED:
        return "red"
    if lag > LAG_YELLOW:
        return "yellow"
    return "green"


def _q(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(ONE, rounding=ROUND_HALF_UP)


def battle_map(assignments: QuerySet[Assignment], objects: list, *, by: str, year: int, today: dt.date) -> list[Row]:
    """One row per object (targets or units of the page) with a cell per month of ``year``."""
    field = f"{by}_id"
    ids = [obj.pk for obj in objects]
    scoped = assignments.filter(**{f"{field}__in": ids})
    planned, actual = planned_and_actual(scoped, group=field)
    figures = {
        row[field]: row
        for row in scoped.order_by()
        .values(field)
        .annotate(
            n=Count("pk"), progress=Avg("progress_percent"), plan=Avg("planned_percent"), level=Max("warning_level")
        )
    }
    months = list(range(1, 13))
    ends = [month_end(dt.date(year, month, 1)) for month in months]
    as_of = [min(end, today) for end in ends]
    rows = []
    for obj in objects:
        figure = figures.get(obj.pk)
        if figure is None:
            continue
        count = Decimal(figure["n"])
        plan_by_end = cumulative_at(planned.get(obj.pk, {}), ends)
        plan_so_far = cumulative_at(planned.get(obj.pk, {}), as_of)
        done_so_far = cumulative_at(actual.get(obj.pk, {}), as_of)
        cells = []
        for index, month in enumerate(months):
            started = dt.date(year, month, 1) <= today
            done = _q(done_so_far[index] / count) if started else None
            colour = _colour(_q(plan_so_far[index] / count), done)
            cells.append(Cell(month, _q(plan_by_end[index] / count), done, colour))
        rows.append(
            Row(obj.pk, obj, figure["n"], _q(figure["progress"]), _q(figure["plan"]), figure["level"] or 0, cells)
        )
    return rows
