"""Turns a sheet's parsed rows into targets, assignments and milestones, comparing with what is
stored: the hierarchy, the cells a row inherits, matching rows to stored targets, then the columns
(``tasks.excel.columns``) applied row by row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, Q
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.errors import RuleViolation
from core.periods import quarter_end

from ..choices import MeasureKind, TargetStatus, TargetType
from ..models import Assignment, Leader, Milestone, Target, Unit
from ..services.breakdown import check_target
from .cells import normalise_name
from .columns import MILESTONE_FIELDS, PARENT, QUARTERS_COLUMN, RULE_COLUMNS, SOURCE, TARGET_COLUMNS, UNITS
from .layout import header_name
from .people import PeopleLookup
from .rows import CellProblem, RowPlan
from .work import TargetWork, display


class ImportBuilder:
    """Builds the plan's work, one ``TargetWork`` per row; the columns read their lookups here."""

    def __init__(self, plan, columns: dict[str, int], *, acting_user, units: list[Unit]):
        self.plan = plan
        self.units_by_pk = {unit.pk: unit for unit in units}
        self.year = plan.year
        self.columns = set(columns)
        self.letters = {key: get_column_letter(index + 1) for key, index in columns.items()}
        self.acting_user = acting_user

    def problem(self, row: RowPlan, key: str, value, message: str) -> None:
        if any(p.column == header_name(key) for p in row.problems) and value in (None, ""):
            return  # the cell's own problem already says what is wrong with it
        text = "" if value in (None, "") else display(value)
        row.problems.append(CellProblem(row.number, header_name(key), self.letters.get(key, ""), text, message))

    # --- the hierarchy and inherited cells ------------------------------------------------------

    def _tree(self) -> None:
        stack: list[tuple[int, RowPlan]] = []
        for row in self.plan.rows:
            level = row.level if row.level is not None else 3
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack:
                row.parent = stack[-1][1]
                row.parent.children.append(row)
            stack.append((level, row))

    def _inherit(self) -> None:
        rows = self.plan.rows
        for row in rows:  # parents come before their children
            parent = row.parent
            if row.source is None and header_name("source") not in {p.column for p in row.problems}:
                row.source = (SOURCE.named_in(row.title) if row.children else None) or (parent and parent.source)
            if row.target_type is None and parent and parent.target_type:
                row.target_type = parent.target_type
            if row.deadline is None and parent and parent.deadline_given:
                row.deadline = parent.deadline
        for row in reversed(rows):  # children before their parents
            if row.children:
                row.source = row.source or next((c.source for c in row.children if c.source), None)
                # A heading groups its rows; it is a task item unless the sheet says otherwise.
                row.target_type = row.target_type or TargetType.TASK
                if row.deadline is None:
                    dates = [c.deadline for c in row.children if c.deadline]
                    row.deadline = max(dates) if dates else None

    # --- matching -------------------------------------------------------------------------------

    def _load(self) -> None:
        targets = list(Target.objects.filter(year=self.year).order_by("pk"))
        self.by_pk = {t.pk: t for t in targets}
        # Related objects are put straight into Django's per-instance cache: the descriptors' checks
        # cost more than the loading itself when a year holds ten thousand targets and their links.
        for target in targets:  # ancestors resolve in memory when the rules walk them
            if target.parent_id in self.by_pk:
                target._state.fields_cache["parent"] = self.by_pk[target.parent_id]
        self.by_code = {t.code: t for t in targets}
        self.by_title: dict[str, list[Target]] = defaultdict(list)
        for target in targets:
            self.by_title[normalise_name(target.title)].append(target)
        self.assignments: dict[int, list[Assignment]] = defaultdict(list)
        for assignment in Assignment.objects.filter(target__year=self.year).order_by("pk"):
            cache = assignment._state.fields_cache
            cache["target"] = self.by_pk[assignment.target_id]
            cache["unit"] = self.units_by_pk[assignment.unit_id]
            self.assignments[assignment.target_id].append(assignment)
        quarter_ends = [quarter_end(dt.date(self.year, q * 3, 1)) for q in range(1, 5)]
        # Plain rows, not model instances: a re-imported sheet compares tens of thousands of nodes and
        # changes few; the changed ones become instances (``QuartersColumn``).
        nodes = Milestone.objects.filter(assignment__target__year=self.year).filter(
            Q(due_date__in=quarter_ends) | Q(due_date=F("assignment__deadline"))
        )
        self.milestones: dict[tuple[int, dt.date], tuple] = {
            (row[1], row[2]): row for row in nodes.values_list(*MILESTONE_FIELDS)
        }
        self.used_codes = set(self.by_code)
        self.leaders_by_pk = {leader.pk: leader for leader in Leader.objects.all()}
        self.people = PeopleLookup()
        self.plan.new_people = self.people.new

    def _match(self, row: RowPlan, claimed: dict[int, int], sheet_codes: dict[str, int]) -> Target | None:
        target = None
        if row.code:
            if row.code in sheet_codes:
                self.problem(
                    row, "code", row.code, _("a code used once (also on row %(row)d)") % {"row": sheet_codes[row.code]}
                )
                return None
            sheet_codes[row.code] = row.number
            target = self.by_code.get(row.code)
        elif row.title:
            found = self.by_title.get(normalise_name(row.title), [])
            if len(found) > 1:
                self.problem(
                    row, "title", row.title, _("a title that names one target; several have it, add the 编号 column")
                )
                return None
            target = found[0] if found else None
        if target is not None:
            if target.pk in claimed:
                self.problem(
                    row,
                    "title",
                    row.title,
                    _("each target once (row %(row)d is the same target)") % {"row": claimed[target.pk]},
                )
                return None
            claimed[target.pk] = row.number
        return target

    def _next_code(self) -> str:
        number = 0
        prefix = f"{self.year}-"
        for code in self.used_codes:
            tail = code[len(prefix) :] if code.startswith(prefix) else ""
            if tail.isdigit():
                number = max(number, int(tail))
        while True:
            number += 1
            code = f"{prefix}{number:03d}"
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    # --- building -------------------------------------------------------------------------------

    def build(self) -> None:
        self._tree()
        self._inherit()
        self._load()
        claimed: dict[int, int] = {}
        sheet_codes: dict[str, int] = {}
        titles_without_code: dict[str, int] = {}
        for row in self.plan.rows:
            self._title_once(row, titles_without_code)
            existing = self._match(row, claimed, sheet_codes)
            if row.code and existing is None:
                self.used_codes.add(row.code)
            work = self._target_work(row, existing)
            row.work = work
            self.plan.work.append(work)
            if existing is not None:
                self.plan.read_versions[existing.pk] = existing.updated_at
        for work in self.plan.work:
            for column in (UNITS, QUARTERS_COLUMN):
                if not work.row.problems:
                    column.apply(work, self)
            if work.target.status == TargetStatus.CLOSED and work.changes and not work.row.problems:
                self.problem(work.row, "title", work.row.title, _("no change: the target is closed out"))

    def _title_once(self, row: RowPlan, titles_without_code: dict[str, int]) -> None:
        if row.code or not row.title:
            return
        key = normalise_name(row.title)
        if key in titles_without_code:
            message = _("a title used once (also on row %(row)d)") % {"row": titles_without_code[key]}
            self.problem(row, "title", row.title, message)
        titles_without_code[key] = row.number

    def _target_work(self, row: RowPlan, existing: Target | None) -> TargetWork:
        if existing is None:
            target = Target(
                year=self.year,
                code=row.code or self._next_code(),
                start_date=dt.date(self.year, 1, 1),
                status=TargetStatus.DRAFT,
                measure_kind=MeasureKind.LEVEL if row.measure_unit == "%" else MeasureKind.CUMULATIVE,
            )
            work = TargetWork(row, target, is_new=True)
        else:
            work = TargetWork(row, existing, is_new=False, old_deadline=existing.deadline)
        desired, owners = {}, {}
        for column in TARGET_COLUMNS:
            for name, value in column.wanted(work, self).items():
                desired[name], owners[name] = value, column
        PARENT.apply(work, self)
        for name, value in desired.items():
            owners[name].apply(work, name, value, self)
        if work.fields or work.is_new:
            self._check(work, desired)
        return work

    def _check(self, work: TargetWork, desired: dict) -> None:
        """The target rules, each problem put on the column that feeds the field."""
        target = work.target
        try:
            check_target(target)
            if target.deadline < target.start_date:
                raise RuleViolation({"deadline": [_("The deadline cannot be before the start date.")]})
        except RuleViolation as error:
            for name, messages in error.message_dict.items():
                key = RULE_COLUMNS.get(name, "title")
                for message in messages:
                    self.problem(work.row, key, desired.get(name, ""), message)
