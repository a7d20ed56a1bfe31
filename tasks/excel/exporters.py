"""Exporters of the ledger: the breakdown sheet (the layout the importer reads, so an exported
sheet imports back unchanged) and a unit's own status table.

The breakdown is read in chunks: first the tree (id, parent) of the year's targets to number the
rows 1, 2, 2.1 …, then targets, chains and quarter plan nodes chunk by chunk, a fixed number of
queries per chunk, so neither memory nor the query count grows with a row.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.db.models import F, Q
from django.utils.translation import gettext as _

from core import clock
from core.access import Action
from core.excel_writer import Exporter, number_or_text
from core.id_lists import AnyOf
from core.periods import quarter_end

from ..choices import AssignmentRole
from ..judgment.state import judge
from ..models import Assignment, Milestone, Target, Unit
from .cells import format_value
from .layout import EXPORT_COLUMNS, QUARTERS, SOURCE_NAMES, TYPE_NAMES, header_name

CHUNK = 2000


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


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

    def _ordered(self) -> Iterator[tuple[int, str]]:
        """(pk, 序号) of every target the user may see, parents before their children.

        Only the tree is held (ids in arrays and lists, no tuples per target): the rows are read
        chunk by chunk as the numbering reaches them.
        """
        # No user: a command run by the operator, who reads the whole ledger.
        targets = Target.objects.all() if self.user is None else Target.objects.for_user(self.user, Action.VIEW)
        skeleton = targets.filter(year=self.year).order_by("code", "pk").values_list("pk", "parent_id")
        pks, parents = array("q"), array("q")
        for pk, parent in skeleton.iterator(chunk_size=10 * CHUNK):
            pks.append(pk)
            parents.append(parent or 0)
        present = set(pks)
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, parent in zip(pks, parents, strict=True):
            children[parent if parent in present else None].append(pk)
        del pks, parents, present
        stack = [(pk, str(n)) for n, pk in reversed(list(enumerate(children.pop(None, []), start=1)))]
        while stack:
            pk, seq = stack.pop()
            yield pk, seq
            below = children.pop(pk, ())
            stack.extend((child, f"{seq}.{n}") for n, child in reversed(list(enumerate(below, start=1))))

    def rows(self) -> Iterator[list]:
        ordered = self._ordered()
        quarter_ends = [quarter_end(dt.date(self.year, q * 3, 1)) for q in range(1, 5)]
        quarters = [(dt.date(self.year, q * 3 - 2, 1), end) for q, end in enumerate(quarter_ends, start=1)]
        while chunk := list(islice(ordered, CHUNK)):
            pks = [pk for pk, _seq in chunk]
            # Plain rows in at most three queries per chunk: model instances and prefetch querysets would
            # cost more than the workbook's own writing of the cells.
            # The chunk's ids as one array parameter (AnyOf): Django prepares each of 2,000 values of an
            # ``__in`` list on its own, a twentieth of the export's time.
            # No ORDER BY where rows go into a dict: the models' default orders join and sort for nothing (the
            # plan nodes' order joins three tables, and planning it cost more than reading an empty chunk).
            targets = {
                row[0]: row for row in Target.objects.filter(AnyOf("pk", pks)).order_by().values_list(*_TARGET_VALUES)
            }
            chains: dict[int, list[tuple]] = defaultdict(list)
            assignments = Assignment.objects.filter(AnyOf("target_id", pks)).order_by("unit__sort_order", "unit__name")
            for link in assignments.values_list(*_LINK_VALUES):
                chains[link[0]].append(link)
            plans: dict[int, dict[dt.date, tuple]] = defaultdict(dict)
            leads = [link[_ID] for chain in chains.values() for link in chain if link[_ROLE] == AssignmentRole.LEAD]
            if leads:
                nodes = (
                    Milestone.objects.filter(AnyOf("assignment_id", leads))
                    .filter(Q(due_date__in=quarter_ends) | Q(due_date=F("assignment__deadline")))
                    .order_by()
                )
                for node in nodes.values_list(*_NODE_VALUES):
                    plans[node[0]][node[1]] = node
            for pk, seq in chunk:
                yield self._row(targets[pk], chains.get(pk, []), plans, seq, quarters)

    def _row(self, target: tuple, chain: list[tuple], plans, seq: str, quarters: list[tuple[dt.date, dt.date]]) -> list:
        _pk, code, title, description, source, target_type, leader, deadline, value, direction, unit, remarks = target
        lead = [link for link in chain if link[_ROLE] == _LEAD]
        co = [link for link in chain if link[_ROLE] != _LEAD]
        row = [
            seq,
            code,
            SOURCE_NAMES[source][0],
            TYPE_NAMES[target_type][0],
            f"{title}\n{description}" if description else title,
            leader,
            _unit_list(lead) or None,
            _unit_list(co) or None,
            _people(lead, co),
            deadline,
            format_value(value, direction),
            unit or None,
            None,
            None,
            None,
            None,
            remarks or None,
            _duty(chain),
        ]
        if lead:
            has_value = value is not None and bool(unit)
            by_date = plans.get(lead[0][_ID], {})
            deadline = lead[0][_DEADLINE]
            for index, (first_day, due) in enumerate(quarters):
                if first_day <= deadline < due:
                    due = deadline  # the quarter the deadline falls in holds the node at the deadline
                node = by_date.get(due)
                if node is not None:
                    row[_FIRST_QUARTER + index] = _quarter_cell(node, has_value)
        return row


# ``_row`` fills a row by position, in the order of EXPORT_COLUMNS (the round-trip tests read it back).
_FIRST_QUARTER = EXPORT_COLUMNS.index(QUARTERS[0])
_TARGET_VALUES = (
    "pk", "code", "title", "description", "source", "target_type", "leader__post", "deadline", "target_value",
    "direction", "measure_unit", "remarks",
)  # fmt: skip
_LINK_VALUES = ("target_id", "pk", "role", "unit__name", "share", "responsible_person", "deadline", "duty")
_LEAD = AssignmentRole.LEAD.value  # a plain str: compared a hundred thousand times
_ID, _ROLE, _UNIT_NAME, _SHARE, _PERSON, _DEADLINE, _DUTY = 1, 2, 3, 4, 5, 6, 7
_NODE_VALUES = ("assignment_id", "due_date", "planned_percent", "planned_value", "description")


def _unit_list(links: list[tuple]) -> str:
    return "、".join(
        f"{link[_UNIT_NAME]}（{_number_text(link[_SHARE])}）" if link[_SHARE] is not None else link[_UNIT_NAME]
        for link in links
    )


def _people(lead: list[tuple], co: list[tuple]) -> str | None:
    if not any(link[_PERSON] for link in co):
        return lead[0][_PERSON] or None if lead else None
    return "\n".join(f"{link[_UNIT_NAME]}：{link[_PERSON]}" for link in [*lead, *co] if link[_PERSON])


def _duty(chain: list[tuple]) -> str | None:
    """工作职责 when the row's units share one (the importer gives a row's duty to all its units)."""
    duties = {link[_DUTY] for link in chain}
    return duties.pop() or None if len(duties) == 1 else None


def _quarter_cell(node: tuple, has_value: bool):
    _assignment, _due, planned_percent, planned_value, description = node
    percent = f"{_number_text(planned_percent)}%"
    if has_value and planned_value is not None:
        cell = number_or_text(planned_value)
        text = _number_text(planned_value)
    elif has_value:
        cell = text = f"进度{percent}"
    else:
        cell = text = percent
    if description:
        cell = f"{text}：{description}"
    return cell


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
        judged = judge(assignments, clock.today())  # one query: the state every page shows
        for a in assignments.iterator(chunk_size=CHUNK):
            goal = a.goal_value
            judgment = judged.get(a.pk)
            yield [
                a.target.code,
                a.target.title,
                a.get_role_display(),
                format_value(goal, a.target.direction) if goal is not None else None,
                a.target.measure_unit or None,
                a.deadline,
                a.get_status_display(),
                judgment.planned if judgment else None,
                judgment.actual if judgment else None,
                a.actual_value,
                str(judgment.label) if judgment else None,
                a.last_report_period or None,
            ]
