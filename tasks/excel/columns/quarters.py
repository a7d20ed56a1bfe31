"""一季度…四季度: the lead unit's plan nodes at the quarters' ends (the quarter holding the deadline
has its node at the deadline), and the co units' nodes derived from them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.periods import quarter_end

from ...choices import AssignmentRole, MeasureKind
from ...measures import ONE_DECIMAL, percent_of_goal, value_at_fraction
from ...models import Milestone
from ..cells import CellError, looks_numeric, parse_percent_or_number, text_of
from ..work import NewNode, TargetWork
from .base import MAX_VALUE, Cells, SheetColumn

QUARTERS = ("q1", "q2", "q3", "q4")
# The stored plan nodes the plan compares with, read as plain rows (``ImportBuilder.load``).
MILESTONE_FIELDS = (
    "id", "assignment_id", "due_date", "granularity", "planned_percent", "planned_value", "description",
)  # fmt: skip
MAX_DESCRIPTION = 200
_PROGRESS = "进度"
_LABELLED = re.compile(r"^(?P<number>[+-]?\d+(?:\.\d+)?)(?P<percent>%?):(?P<text>.+)$", re.S)


@dataclass
class Quarter:
    """A quarterly column's cell: the plan node due at the quarter end."""

    number: Decimal | None = None
    is_percent: bool = False
    is_progress: bool = False  # "进度50%": a percent of the work, even for a target measured in %
    text: str = ""


class QuartersColumn(SheetColumn):
    """The four quarter columns: a number is a planned value, 50% a planned percent, 进度50% a percent
    of the work, "450:text" a value with what is due, other text what is due."""

    headers = {
        "q1": ("一季度", "第一季度", "1季度"),
        "q2": ("二季度", "第二季度", "2季度"),
        "q3": ("三季度", "第三季度", "3季度"),
        "q4": ("四季度", "第四季度", "4季度"),
    }

    def read(self, row, cells: Cells, ctx) -> None:
        for key in QUARTERS:
            value = cells.value(key)
            if value in (None, ""):
                continue
            is_progress = isinstance(value, str) and value.startswith(_PROGRESS)
            if is_progress:
                value = value[len(_PROGRESS) :].strip()
            try:
                quarter = self.parse(
                    value, cells.typed(key), percent_format=cells.is_percent(key), is_progress=is_progress
                )
            except CellError as error:
                ctx.problem(row, key, value, str(error))
                continue
            for message in self.refusals(quarter):
                ctx.problem(row, key, value, message)
            row.quarters[key] = quarter

    def parse(self, value, typed, *, percent_format: bool, is_progress: bool = False) -> Quarter:
        """One cell (``value`` NFKC-normalised and without 进度, ``typed`` as typed) as a plan node."""
        quarter = self._parse(value, typed, percent_format=percent_format)
        quarter.is_progress = is_progress
        if is_progress and quarter.number is None:
            quarter.text = quarter.text[len(_PROGRESS) :].strip()
        return quarter

    def _parse(self, value, typed, *, percent_format: bool) -> Quarter:
        labelled = _LABELLED.match(value) if isinstance(value, str) else None
        if labelled:
            number, is_percent = parse_percent_or_number(
                labelled.group("number") + labelled.group("percent"), percent_format=False
            )
            return Quarter(number, is_percent, text=re.split(r"[:：]", str(typed), maxsplit=1)[-1].strip())
        if looks_numeric(value):
            number, is_percent = parse_percent_or_number(value, percent_format=percent_format)
            return Quarter(number, is_percent)
        if isinstance(value, dt.date):
            raise CellError(_("a number such as 450, a percent such as 50%, or what is due"))
        return Quarter(text=text_of(typed))

    def refusals(self, quarter: Quarter) -> list[str]:
        """What is wrong with a node read from a cell (it stays on the row; the problem stops the save)."""
        refusals = []
        if len(quarter.text) > MAX_DESCRIPTION:
            refusals.append(_("a description of at most 200 characters"))
        if quarter.number is not None and abs(quarter.number) >= MAX_VALUE:
            refusals.append(_("a number below 100 trillion"))
        return refusals

    def apply(self, work: TargetWork, ctx) -> None:
        if not work.row.quarters or not work.assignments:
            return
        lead = next((a for a in work.assignments if a.role == AssignmentRole.LEAD), None)
        if lead is None:
            return
        for key, due, percent, planned_value, text in self._nodes(work, lead, ctx):
            for assignment in work.assignments:
                stored = ctx.milestones.get((assignment.pk, due)) if assignment.pk else None
                if assignment is lead:
                    self._lead_node(work, lead, stored, key, (due, percent, planned_value, text))
                elif stored is None:
                    self._co_node(work, assignment, key, (due, percent, text))

    def _nodes(self, work: TargetWork, lead, ctx) -> list[tuple]:
        """The lead's nodes as the row plans them: (column, due, percent, value, text), checked."""
        row, target = work.row, work.target
        level = target.measure_kind == MeasureKind.LEVEL
        nodes = []
        previous = Decimal(0)
        for index, key in enumerate(QUARTERS, start=1):
            quarter = row.quarters.get(key)
            if quarter is None:
                continue
            due = quarter_end(dt.date(ctx.year, index * 3, 1))
            if dt.date(ctx.year, index * 3 - 2, 1) <= lead.deadline < due:
                due = lead.deadline  # the quarter the deadline falls in: its figure is due at the deadline
            if due > lead.deadline or due < target.start_date:
                message = _("a plan node within the target's time (the quarter starts after the deadline)")
                ctx.problem(row, key, quarter.text or quarter.number, message)
                continue
            percent, planned_value = self._planned(quarter, due, lead, target)
            if not 0 <= percent <= 100:
                ctx.problem(row, key, quarter.number, _("a planned progress between 0 and 100 percent"))
                continue
            if percent < previous and not level:
                message = _("planned progress that does not go down from one quarter to the next")
                ctx.problem(row, key, quarter.number, message)
            previous = percent
            nodes.append((key, due, percent, planned_value, quarter.text))
        return nodes

    def _planned(self, quarter, due: dt.date, lead, target) -> tuple[Decimal, Decimal | None]:
        """The node's planned percent (one decimal) and planned value: text is planned by time, a
        number in the unit of measure by the lead's goal, a percent as it is."""
        planned_value = None
        if quarter.number is None:
            span = (lead.deadline - target.start_date).days or 1
            percent = min(Decimal(100), Decimal((due - target.start_date).days) * 100 / span)
        elif target.has_value and not quarter.is_progress and not (quarter.is_percent and target.measure_unit != "%"):
            planned_value = quarter.number
            goal = lead.goal_value
            percent = (
                percent_of_goal(planned_value, goal=goal, baseline=target.progress_baseline, direction=target.direction)
                if goal
                else Decimal(0)
            )
        else:
            percent = quarter.number
        return percent.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP), planned_value

    def _lead_node(self, work: TargetWork, lead, stored: tuple | None, key: str, node: tuple) -> None:
        due, percent, planned_value, text = node
        if stored is None:
            work.new_milestones.append(NewNode(lead, due, percent, planned_value, text))
            work.describe(_("%(quarter)s plan node added") % {"quarter": self.header(key)})
            return
        wanted = {"planned_percent": percent, "planned_value": planned_value, "description": text}
        current = dict(zip(MILESTONE_FIELDS, stored, strict=True))
        changed = [name for name, value in wanted.items() if current[name] != value]
        if changed:
            work.changed_milestones.append((Milestone(**{**current, **wanted}), changed))
            work.changes.append(_("%(quarter)s plan node changed") % {"quarter": self.header(key)})

    def _co_node(self, work: TargetWork, assignment, key: str, node: tuple) -> None:
        """A co unit without a node there gets one at the lead's percent, valued on its own goal."""
        due, percent, text = node
        target = work.target
        goal = assignment.goal_value if target.has_value else None
        value = None
        if goal is not None and target.measure_kind != MeasureKind.LEVEL:
            value = value_at_fraction(percent / 100, goal=goal, baseline=target.progress_baseline)
        work.new_milestones.append(NewNode(assignment, due, percent, value, text))
        work.describe(
            _("%(quarter)s plan node added for %(unit)s") % {"quarter": self.header(key), "unit": assignment.unit}
        )


QUARTERS_COLUMN = QuartersColumn()
