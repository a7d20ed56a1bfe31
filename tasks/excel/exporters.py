"""Exporters of the ledger: the breakdown sheet (the layout the importer reads, so an exported
sheet imports back unchanged) and a unit's own status table.

The breakdown is read in chunks: first the tree (id, parent) of the year's targets to number the
rows 1, 2, 2.1 …, then targets, chains and quarter plan nodes chunk by chunk, a fixed number of
queries per chunk, so neither memory nor the query count grows with a row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .. import clock
from ..access import Action
from ..choices import AssignmentRole, WarningLevel
from ..models import Assignment, Milestone, Target, Unit
from ..periods import quarter_end
from .cells import format_value
from .layout import EXPORT_COLUMNS, QUARTERS, SOURCE_NAMES, TYPE_NAMES, header_name
from .writer import Exporter, number_or_text

CHUNK = 2000


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _unit_list(assignments) -> str:
    return "、".join(
        f"{a.unit.name}（{_number_text(a.share)}）" if a.share is not None else a.unit.name for a in assignments
    )


class BreakdownExporter(Exporter):
    """目标任务分解表 of one year, as the office keeps it in Excel."""

    sheet_title = "目标任务分解表"
    column_widths = (7, 12, 16, 12, 40, 16, 16, 28, 20, 12, 11, 9, 12, 12, 12, 12, 20)

    def __init__(self, *, year: int, user):
        self.year = year
        self.user = user

    def title(self) -> str:
        return f"驻马店市{self.year}年目标任务分解表"

    def filename(self) -> str:
        return f"目标任务分解表-{self.year}.xlsx"

    def headers(self) -> list[str]:
        return [header_name(key) for key in EXPORT_COLUMNS]

    def _ordered(self) -> list[tuple[int, str]]:
        """(pk, 序号) of every target the user may see, parents before their children."""
        # No user: a command run by the operator, who reads the whole ledger.
        targets = Target.objects.all() if self.user is None else Target.objects.for_user(self.user, Action.VIEW)
        skeleton = targets.filter(year=self.year).order_by("code", "pk")
        nodes = list(skeleton.values_list("pk", "parent_id"))
        present = {pk for pk, _parent in nodes}
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, parent in nodes:
            children[parent if parent in present else None].append(pk)
        ordered: list[tuple[int, str]] = []
        stack = [(pk, str(n)) for n, pk in reversed(list(enumerate(children[None], start=1)))]
        while stack:
            pk, seq = stack.pop()
            ordered.append((pk, seq))
            stack.extend((child, f"{seq}.{n}") for n, child in reversed(list(enumerate(children[pk], start=1))))
        return ordered

    def rows(self) -> Iterator[list]:
        ordered = self._ordered()
        quarter_ends = [quarter_end(dt.date(self.year, q * 3, 1)) for q in range(1, 5)]
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            milestones = Milestone.objects.filter(due_date__in=quarter_ends)
            assignments = Assignment.objects.select_related("unit").order_by("unit__sort_order", "unit__name")
            assignments = assignments.prefetch_related(Prefetch("milestones", queryset=milestones))
            targets = Target.objects.filter(pk__in=[pk for pk, _seq in chunk]).select_related("leader")
            targets = {t.pk: t for t in targets.prefetch_related(Prefetch("assignments", queryset=assignments))}
            for pk, seq in chunk:
                yield self._row(targets[pk], seq)

    def _row(self, target: Target, seq: str) -> list:
        chain = list(target.assignments.all())
        lead = [a for a in chain if a.role == AssignmentRole.LEAD]
        co = [a for a in chain if a.role != AssignmentRole.LEAD]
        title = f"{target.title}\n{target.description}" if target.description else target.title
        values = {
            "seq": seq,
            "code": target.code,
            "source": SOURCE_NAMES[target.source][0],
            "type": TYPE_NAMES[target.target_type][0],
            "title": title,
            "leader": target.leader.post if target.leader else None,
            "lead": _unit_list(lead) or None,
            "co": _unit_list(co) or None,
            "person": self._people(lead, co),
            "deadline": target.deadline,
            "value": format_value(target.target_value, target.direction),
            "measure_unit": target.measure_unit or None,
            "remarks": target.remarks or None,
        }
        if lead:
            values.update(self._quarters(target, lead[0]))
        return [values.get(key) for key in EXPORT_COLUMNS]

    @staticmethod
    def _people(lead, co) -> str | None:
        if not any(a.responsible_person for a in co):
            return lead[0].responsible_person or None if lead else None
        return "\n".join(f"{a.unit.name}：{a.responsible_person}" for a in [*lead, *co] if a.responsible_person)

    def _quarters(self, target: Target, lead: Assignment) -> dict:
        has_value = target.has_value
        cells = {}
        by_date = {m.due_date: m for m in lead.milestones.all()}
        for index, key in enumerate(QUARTERS, start=1):
            milestone = by_date.get(quarter_end(dt.date(self.year, index * 3, 1)))
            if milestone is None:
                continue
            percent = f"{_number_text(milestone.planned_percent)}%"
            if has_value and milestone.planned_value is not None:
                cell = number_or_text(milestone.planned_value)
                text = _number_text(milestone.planned_value)
            elif has_value:
                cell = text = f"进度{percent}"
            else:
                cell = text = percent
            if milestone.description:
                cell = f"{text}：{milestone.description}"
            cells[key] = cell
        return cells


class UnitStatusExporter(Exporter):
    """A unit's own status table: each of its assignments with plan, progress and warning."""

    sheet_title = "责任单位目标任务完成情况"
    column_widths = (12, 40, 8, 12, 10, 12, 12, 10, 10, 12, 8, 12)

    def __init__(self, *, unit: Unit, year: int, user):
        self.unit, self.year, self.user = unit, year, user

    def title(self) -> str:
        return f"{self.unit.name}{self.year}年目标任务完成情况（截至{clock.today():%Y-%m-%d}）"

    def filename(self) -> str:
        return f"完成情况-{self.unit.name}-{self.year}.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Code"), _("Target"), _("Role"), _("Goal"), _("Unit of measure"), _("Deadline"), _("Status"),
            _("Planned (%)"), _("Progress (%)"), _("Actual value"), _("Warning"), _("Last accepted period"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        assignments = (
            Assignment.objects.for_user(self.user, Action.VIEW)
            .filter(unit=self.unit, target__year=self.year)
            .select_related("target")
            .order_by("target__code")
        )
        for a in assignments.iterator(chunk_size=CHUNK):
            goal = a.goal_value
            yield [
                a.target.code,
                a.target.title,
                a.get_role_display(),
                format_value(goal, a.target.direction) if goal is not None else None,
                a.target.measure_unit or None,
                a.deadline,
                a.get_status_display(),
                a.planned_percent,
                a.progress_percent,
                a.actual_value,
                WarningLevel(a.warning_level).label,
                a.last_report_period or None,
            ]
