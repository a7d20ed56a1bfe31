"""挂图作战: targets (or units) × months, planned against actual, coloured by the judgment.

Each month cell is the judgment (tasks/judgment/state.py) at that month's end — or today, for the
month under way — of the row's assignments: the worst warning level in force then, and the average
plan and actual as they stood then. The last column is today's judgment, so the cell of this month
and the 当前 column always agree. The month ends of this year are read from the kept facts
(``tasks.services.kept_judgments``), judged afresh only where a unit changed since they were kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from core.id_lists import AnyOf
from core.periods import month_end

from ..judgment.state import Summary, group, group_targets, judge_days, q1, unit_keys
from ..models import Assignment, Milestone
from .series import cumulative_at, increase_sums

ONE = Decimal("0.1")


@dataclass(frozen=True)
class Cell:
    month: int
    planned: Decimal
    actual: Decimal | None  # None: the month has not begun
    colour: str
    judged: Summary | None = None


@dataclass
class Row:
    key: int
    obj: object
    count: int
    now: Summary
    cells: list[Cell]

    @property
    def progress(self) -> Decimal:
        return self.now.actual

    @property
    def planned(self) -> Decimal:
        return self.now.planned

    @property
    def level(self) -> int:
        return self.now.level


def battle_map(assignments: QuerySet[Assignment], objects: list, *, by: str, year: int, today: dt.date) -> list[Row]:
    """One row per object (targets or units of the page) with a cell per month of ``year``."""
    field = f"{by}_id"
    ids = [obj.pk for obj in objects]
    scoped = assignments.filter(**{f"{field}__in": ids})
    months = list(range(1, 13))
    ends = [month_end(dt.date(year, month, 1)) for month in months]
    begun = [min(end, today) for end, month in zip(ends, months, strict=True) if dt.date(year, month, 1) <= today]
    facts: dict = {}
    judged = judge_days(scoped, [*begun, today] if today not in begun else begun, today=today, facts=facts)
    if by == "target":  # a target's actual is rolled up from its units' as on every page
        targets = {obj.pk: obj for obj in objects}
        by_day = {day: group_targets(judgments, facts, targets) for day, judgments in judged.items()}
    else:
        keys = unit_keys(facts)
        by_day = {day: group(judgments, keys) for day, judgments in judged.items()}
    # Months still ahead show only their plan (cumulative by the month's end), of the assignments
    # just judged: summed per assignment (no join: the planner hashed every assignment for it) and
    # added up per row here, by the keys the judging read.
    position = 0 if by == "target" else 1
    planned: dict[int, dict] = {}
    for pk, sums in increase_sums(
        Milestone.objects.filter(AnyOf("assignment_id", facts)),  # a page of units: thousands of ids
        value="planned_percent",
        day="due_date",
        group="assignment_id",
    ).items():
        into = planned.setdefault(facts[pk][position], {})
        for day, amount in sums.items():
            into[day] = into.get(day, 0) + amount
    counts: dict[int, int] = {}
    for fact in facts.values():
        counts[fact[position]] = counts.get(fact[position], 0) + 1
    rows = []
    for obj in objects:
        now = by_day[today].get(obj.pk)
        if now is None:
            continue
        plan_by_end = cumulative_at(planned.get(obj.pk, {}), ends)
        cells = []
        for index, month in enumerate(months):
            if index < len(begun):
                summary = by_day[begun[index]].get(obj.pk)
                if summary is None:  # nothing issued yet that month
                    cells.append(Cell(month, Decimal(0), None, "idle"))
                    continue
                colour = (
                    "idle" if summary.planned == 0 and summary.actual == 0 and summary.level == 0 else summary.colour
                )
                cells.append(Cell(month, summary.planned, summary.actual, colour, summary))
            else:
                cells.append(Cell(month, q1(plan_by_end[index] / (counts.get(obj.pk) or 1)), None, "future"))
        rows.append(Row(obj.pk, obj, now.count, now, cells))
    return rows
