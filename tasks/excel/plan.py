"""The import plan: a whole sheet parsed, checked against the ledger and turned into the rows to
create and change, before anything is saved (pretix-style phases: validate all → build → save).

``plan_import`` reads the file once (read-only, streamed), loads the lookups it needs in a handful
of queries, and returns an ``ImportPlan`` whose report says per row what would be created or
changed and every problem. ``tasks.services.import_breakdown`` saves a valid plan.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db.models import F, Q
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .. import signals
from ..choices import (
    AssignmentRole,
    AssignmentStatus,
    Direction,
    MeasureKind,
    ShareRule,
    TargetStatus,
    TargetType,
)
from ..measures import ONE_DECIMAL, percent_of_goal, value_at_fraction
from ..models import Assignment, Leader, Milestone, Target, Unit
from ..periods import coarsest_granularity_ending_on, quarter_end
from ..services.breakdown import _check_target, breakdown_errors, chain_errors
from ..services.bulk_history import fewer_collections
from ..services.common import RuleViolation
from .cells import normalise_name, year_in_text
from .layout import QUARTERS, SOURCE_NAMES, TYPE_NAMES, header_name
from .reader import FileRefused, SheetReader, check_file, open_workbook
from .rows import CellProblem, RowParser, RowPlan, source_in_title

Progress = Callable[[str, int, int | None], None]
PROGRESS_EVERY = 500
_SHARE_TOLERANCE = Decimal("0.0001")
# Where a rule of the target model points in the sheet.
_FIELD_COLUMNS = {
    "target_value": "value",
    "measure_unit": "measure_unit",
    "share_rule": "lead",
    "deadline": "deadline",
    "parent": "seq",
    "title": "title",
    "__all__": "title",
}
_MILESTONE_FIELDS = (
    "id", "assignment_id", "due_date", "granularity", "planned_percent", "planned_value", "description",
)  # fmt: skip


@dataclass(slots=True)
class NewLink:
    """An assignment to create, kept light until saving (a sheet can hold tens of thousands)."""

    target: Target
    unit: Unit
    role: str
    share: Decimal | None
    deadline: dt.date
    responsible_person: str
    status: str = AssignmentStatus.DRAFT
    pk: int | None = None  # set once saved

    goal_value = Assignment.goal_value


@dataclass(slots=True)
class NewNode:
    """A quarter-end milestone to create for an assignment (stored or new)."""

    assignment: Assignment | NewLink
    due_date: dt.date
    planned_percent: Decimal
    planned_value: Decimal | None
    description: str

    @property
    def granularity(self) -> str:
        return _granularity(self.due_date)


@dataclass
class TargetWork:
    """What saving one row will do."""

    row: RowPlan
    target: Target
    is_new: bool
    old_deadline: dt.date | None = None
    fields: list[str] = field(default_factory=list)
    new_assignments: list[NewLink] = field(default_factory=list)
    changed_assignments: list[tuple[Assignment, list[str]]] = field(default_factory=list)
    removed_assignments: list[Assignment] = field(default_factory=list)
    new_milestones: list[NewNode] = field(default_factory=list)
    changed_milestones: list[tuple[Milestone, list[str]]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    assignments: list[Assignment] | None = None  # the chain after saving (None: not touched)

    @property
    def action(self) -> str:
        if self.row.problems:
            return "error"
        if self.is_new:
            return "create"
        return "update" if self.changes else "unchanged"


@dataclass
class ImportPlan:
    year: int
    rows: list[RowPlan] = field(default_factory=list)
    work: list[TargetWork] = field(default_factory=list)
    sheet_title: str = ""
    ignored_headers: list[str] = field(default_factory=list)
    file: str = ""
    sheet: str = ""
    include_hidden: bool = False
    hidden_rows: list[tuple[int, str]] = field(default_factory=list)  # left out: (row, title)
    # Existing targets the plan read, with the time they were last changed (checked when saving).
    read_versions: dict[int, dt.datetime] = field(default_factory=dict)

    @property
    def problems(self) -> list[CellProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def is_valid(self) -> bool:
        return not any(row.problems for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for work in self.work:
            counts[work.action] += 1
        counts["rows"] = len(self.rows)
        return counts

    def report(self) -> dict:
        """The dry-run report, JSON-ready (stored on the import job and shown on the page)."""
        return {
            "year": self.year,
            "valid": self.is_valid,
            "counts": self.counts(),
            "ignored_headers": self.ignored_headers,
            "file": self.file,
            "sheet": self.sheet,
            "include_hidden": self.include_hidden,
            "hidden_rows": [{"row": number, "title": title} for number, title in self.hidden_rows],
            "rows": [
                {
                    "row": work.row.number,
                    "seq": work.row.seq,
                    "code": work.target.code,
                    "title": work.row.title,
                    "action": work.action,
                    "changes": work.changes,
                    "notes": work.row.notes,
                    "problems": [problem.as_dict() for problem in work.row.problems],
                }
                for work in self.work
            ],
        }


@fewer_collections()
def plan_import(
    path: Path,
    original_name: str,
    *,
    year: int | None,
    acting_user,
    progress: Progress | None = None,
    sheet: str | None = None,
    include_hidden: bool = False,
) -> ImportPlan:
    """Read and check the whole sheet; raise ``FileRefused`` (naming the file, and the sheet once it is
    known) when the file itself cannot be used, ``SheetChoiceNeeded`` when several sheets qualify."""
    try:
        return _plan(path, year=year, acting_user=acting_user, progress=progress, sheet=sheet,
                     include_hidden=include_hidden, original_name=original_name)  # fmt: skip
    except FileRefused as refused:
        refused.file = original_name
        raise


def _plan(path, *, year, acting_user, progress, sheet, include_hidden, original_name) -> ImportPlan:
    kind = check_file(Path(path), original_name)
    workbook = open_workbook(Path(path), kind)
    try:
        reader = SheetReader(workbook, sheet=sheet, include_hidden=include_hidden)
        layout = reader.find_table()
        title_year = year_in_text(layout.title)
        if year and title_year and year != title_year:
            raise FileRefused(
                _("The sheet's title is for %(title)d but the import is for %(year)d.")
                % {"title": title_year, "year": year},
                sheet=layout.sheet,
            )
        year = year or title_year
        if not year:
            raise FileRefused(_("The sheet's title names no year; choose the year to import into."), sheet=layout.sheet)
        all_units = list(Unit.objects.all())
        units = {normalise_name(unit.name): unit for unit in all_units}
        leaders = {normalise_name(leader.post): leader for leader in Leader.objects.all()}
        parser = RowParser(year=year, columns=layout.columns, units=units, leaders=leaders)
        plan = ImportPlan(
            year=year, sheet_title=layout.title, ignored_headers=layout.ignored_headers, file=original_name,
            sheet=layout.sheet, include_hidden=include_hidden,
        )  # fmt: skip
        for raw in reader.rows():
            plan.rows.append(parser.parse(raw))
            if progress and len(plan.rows) % PROGRESS_EVERY == 0:
                progress("reading", len(plan.rows), layout.max_row)
        plan.hidden_rows = reader.hidden_rows
    finally:
        workbook.close()
    if not plan.rows:
        raise FileRefused(_("The sheet has a header row but no targets below it."), sheet=layout.sheet)
    if progress:
        progress("checking", len(plan.rows), len(plan.rows))
    _Builder(plan, layout.columns, acting_user=acting_user, units=all_units).build()
    return plan


class _Builder:
    """Turns parsed rows into targets, assignments and milestones, comparing with what is stored."""

    def __init__(self, plan: ImportPlan, columns: dict[str, int], *, acting_user, units: list[Unit]):
        self.plan = plan
        self.units_by_pk = {unit.pk: unit for unit in units}
        self.year = plan.year
        self.columns = set(columns)
        self.letters = {key: get_column_letter(index + 1) for key, index in columns.items()}
        self.acting_user = acting_user

    def problem(self, row: RowPlan, key: str, value, message: str) -> None:
        if any(p.column == header_name(key) for p in row.problems) and value in (None, ""):
            return  # the cell's own problem already says what is wrong with it
        text = "" if value in (None, "") else _display(value)
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
                row.source = (source_in_title(row.title) if row.children else None) or (parent and parent.source)
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
        # changes few; the changed ones become instances (``_stored_milestone``).
        nodes = Milestone.objects.filter(assignment__target__year=self.year).filter(
            Q(due_date__in=quarter_ends) | Q(due_date=F("assignment__deadline"))
        )
        self.milestones: dict[tuple[int, dt.date], tuple] = {
            (row[1], row[2]): row for row in nodes.values_list(*_MILESTONE_FIELDS)
        }
        self.used_codes = set(self.by_code)
        self.leaders_by_pk = {leader.pk: leader for leader in Leader.objects.all()}

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
            if not row.code and row.title:
                key = normalise_name(row.title)
                if key in titles_without_code:
                    self.problem(
                        row,
                        "title",
                        row.title,
                        _("a title used once (also on row %(row)d)") % {"row": titles_without_code[key]},
                    )
                titles_without_code[key] = row.number
            existing = self._match(row, claimed, sheet_codes)
            if row.code and existing is None:
                self.used_codes.add(row.code)
            work = self._target_work(row, existing)
            row.work = work
            self.plan.work.append(work)
            if existing is not None:
                self.plan.read_versions[existing.pk] = existing.updated_at
        for work in self.plan.work:
            if not work.row.problems:
                self._assignments(work)
            if not work.row.problems:
                self._milestones(work)
            if work.target.status == TargetStatus.CLOSED and work.changes and not work.row.problems:
                self.problem(work.row, "title", work.row.title, _("no change: the target is closed out"))

    def _target_work(self, row: RowPlan, existing: Target | None) -> TargetWork:
        columns = self.columns
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
            target = existing
            work = TargetWork(row, target, is_new=False, old_deadline=existing.deadline)
        desired = {}
        if "title" in columns:
            desired["title"], desired["description"] = row.title, row.description
        if row.source:
            desired["source"] = row.source
        if row.target_type:
            desired["target_type"] = row.target_type
        if "leader" in columns and not any(p.column == header_name("leader") for p in row.problems):
            desired["leader"] = row.leader
        if columns & {"value", "measure_unit"}:
            desired["target_value"], desired["measure_unit"] = row.value, row.measure_unit
            desired["direction"] = row.direction if row.value is not None else target.direction or Direction.HIGHER
        if row.deadline:
            desired["deadline"] = row.deadline
        if "remarks" in columns:
            desired["remarks"] = row.remarks
        if "lead" in columns or "co" in columns:
            desired["share_rule"] = self._share_rule(row, existing)
        if work.is_new:
            if not desired.get("source"):
                self.problem(row, "source", "", _("the target's source (目标来源) is empty"))
            if not desired.get("target_type"):
                self.problem(row, "type", "", _("the target's type (任务类型) is empty"))
            if not desired.get("deadline"):
                desired["deadline"] = dt.date(self.year, 12, 31)
                row.notes.append(_("No deadline given: the end of the year is used."))
        parent = row.parent.work.target if row.parent is not None else None
        parent_pk = parent.pk if parent is not None else None
        if "seq" in columns and (
            work.is_new or parent_pk != target.parent_id or (parent is not None and parent_pk is None)
        ):
            old_parent = self.by_pk.get(target.parent_id) if target.parent_id else None
            target.parent = parent
            work.fields.append("parent")
            if not work.is_new:
                work.changes.append(
                    _("Parent target: %(old)s → %(new)s") % {"old": old_parent or "—", "new": parent or "—"}
                )
        for name, value in desired.items():
            if name == "leader":  # compare ids: reading target.leader would cost a query per row
                old = self.leaders_by_pk.get(target.leader_id)
                if target.leader_id == (value.pk if value else None):
                    continue
            else:
                old = getattr(target, name)
                if old == value:
                    continue
            setattr(target, name, value)
            work.fields.append(name)
            if not work.is_new:
                label = Target._meta.get_field(name).verbose_name
                work.changes.append(f"{label}：{_display(old)} → {_display(value)}")
        if work.fields or work.is_new:
            try:
                _check_target(target)
                if target.deadline < target.start_date:
                    raise RuleViolation({"deadline": [_("The deadline cannot be before the start date.")]})
            except RuleViolation as error:
                for name, messages in error.message_dict.items():
                    key = _FIELD_COLUMNS.get(name, "title")
                    for message in messages:
                        self.problem(row, key, desired.get(name, ""), message)
        return work

    def _share_rule(self, row: RowPlan, existing: Target | None) -> str:
        shares = [share for _unit, _lead, share in row.units if share is not None]
        current = existing.share_rule if existing else None
        if not shares:
            return current if current == ShareRule.EACH else ShareRule.NONE
        adds_up = row.value is not None and abs(sum(shares, Decimal(0)) - row.value) <= _SHARE_TOLERANCE
        if current == ShareRule.EACH or (current == ShareRule.SUM and adds_up):
            return current
        return ShareRule.SUM if adds_up else ShareRule.EACH

    def _assignments(self, work: TargetWork) -> None:
        row, target = work.row, work.target
        if not ({"lead", "co"} & self.columns):
            work.assignments = self.assignments.get(target.pk, []) if target.pk else []
            return
        existing = {a.unit_id: a for a in self.assignments.get(target.pk, [])} if target.pk else {}
        if not row.units and not row.children:
            self.problem(row, "lead", "", _("a lead unit (牵头单位) for a target without sub-targets"))
            return
        final: list[Assignment] = []
        has_person = "person" in self.columns
        for unit, is_lead, share in row.units:
            role = AssignmentRole.LEAD if is_lead else AssignmentRole.CO
            person = row.persons.get(unit.pk, row.plain_person if is_lead else "")
            assignment = existing.pop(unit.pk, None)
            if assignment is None:
                assignment = NewLink(target, unit, role, share, target.deadline, person if has_person else "")
                if target.status == TargetStatus.ISSUED:
                    assignment.status = AssignmentStatus.ISSUED
                work.new_assignments.append(assignment)
                if not work.is_new:
                    work.changes.append(
                        _("Unit added: %(unit)s (%(role)s)") % {"unit": unit, "role": AssignmentRole(role).label}
                    )
            else:
                self._assignment_changes(
                    work, assignment, role=role, share=share, person=person if has_person else None
                )
            final.append(assignment)
        for assignment in existing.values():
            if assignment.status != AssignmentStatus.DRAFT:
                self.problem(
                    row,
                    "lead",
                    assignment.unit.name,
                    _("every issued unit to stay on the chain (remove it in the workspace, not by import)"),
                )
                continue
            work.removed_assignments.append(assignment)
            work.changes.append(_("Unit removed: %(unit)s") % {"unit": assignment.unit})
        work.assignments = final
        if final:
            check = breakdown_errors if target.status == TargetStatus.ISSUED else chain_errors
            for message in check(target, final):
                self.problem(row, "lead", "", message)

    def _assignment_changes(self, work: TargetWork, assignment: Assignment, *, role, share, person) -> None:
        changes = {}
        if assignment.role != role:
            changes["role"] = role
        if assignment.share != share:
            changes["share"] = share
        if person is not None and assignment.responsible_person != person:
            changes["responsible_person"] = person
        deadline = work.target.deadline
        follows_target = assignment.deadline == work.old_deadline or assignment.deadline > deadline
        if follows_target and assignment.deadline != deadline:
            changes["deadline"] = deadline
        if not changes:
            return
        if assignment.status == AssignmentStatus.CLOSED:
            self.problem(work.row, "lead", assignment.unit.name, _("no change to a unit's closed-out part"))
            return
        if assignment.status != AssignmentStatus.DRAFT:
            try:
                signals.assignment_changing.send(
                    Assignment, assignment=assignment, changes=changes, acting_user=self.acting_user
                )
            except RuleViolation as error:
                for message in error.messages:
                    self.problem(work.row, "lead", assignment.unit.name, message)
                return
        for name, value in changes.items():
            label = Assignment._meta.get_field(name).verbose_name
            old = getattr(assignment, name)
            if name == "role":
                old, value = assignment.get_role_display(), AssignmentRole(value).label
            work.changes.append(f"{assignment.unit}·{label}：{_display(old)} → {_display(value)}")
        for name, value in changes.items():
            setattr(assignment, name, value)
        work.changed_assignments.append((assignment, list(changes)))

    def _milestones(self, work: TargetWork) -> None:
        row, target = work.row, work.target
        if not row.quarters or not work.assignments:
            return
        lead = next((a for a in work.assignments if a.role == AssignmentRole.LEAD), None)
        if lead is None:
            return
        has_value = target.target_value is not None and bool(target.measure_unit)
        baseline = target.baseline if target.measure_kind == MeasureKind.CUMULATIVE else None
        level = target.measure_kind == MeasureKind.LEVEL
        nodes = []
        previous = Decimal(0)
        for index, key in enumerate(QUARTERS, start=1):
            quarter = row.quarters.get(key)
            if quarter is None:
                continue
            due = quarter_end(dt.date(self.year, index * 3, 1))
            if dt.date(self.year, index * 3 - 2, 1) <= lead.deadline < due:
                due = lead.deadline  # the quarter the deadline falls in: its figure is due at the deadline
            if due > lead.deadline or due < target.start_date:
                self.problem(
                    row,
                    key,
                    quarter.text or quarter.number,
                    _("a plan node within the target's time (the quarter starts after the deadline)"),
                )
                continue
            planned_value = None
            if quarter.number is None:
                span = (lead.deadline - target.start_date).days or 1
                percent = min(Decimal(100), Decimal((due - target.start_date).days) * 100 / span)
            elif has_value and not quarter.is_progress and not (quarter.is_percent and target.measure_unit != "%"):
                planned_value = quarter.number
                goal = lead.goal_value
                percent = (
                    percent_of_goal(planned_value, goal=goal, baseline=baseline, direction=target.direction)
                    if goal
                    else Decimal(0)
                )
            else:
                percent = quarter.number
            percent = percent.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
            if not 0 <= percent <= 100:
                self.problem(row, key, quarter.number, _("a planned progress between 0 and 100 percent"))
                continue
            if percent < previous and not level:
                self.problem(
                    row, key, quarter.number, _("planned progress that does not go down from one quarter to the next")
                )
            previous = percent
            nodes.append((key, due, percent, planned_value, quarter.text))
        for key, due, percent, planned_value, text in nodes:
            for assignment in work.assignments:
                stored = self.milestones.get((assignment.pk, due)) if assignment.pk else None
                if assignment is lead:
                    wanted = {"planned_percent": percent, "planned_value": planned_value, "description": text}
                    if stored is None:
                        work.new_milestones.append(NewNode(assignment, due, percent, planned_value, text))
                        if not work.is_new:
                            work.changes.append(_("%(quarter)s plan node added") % {"quarter": header_name(key)})
                        continue
                    current = dict(zip(_MILESTONE_FIELDS, stored, strict=True))
                    changed = [n for n, v in wanted.items() if current[n] != v]
                    if changed:
                        milestone = Milestone(**{**current, **wanted})
                        work.changed_milestones.append((milestone, changed))
                        work.changes.append(_("%(quarter)s plan node changed") % {"quarter": header_name(key)})
                elif stored is None:
                    goal = assignment.goal_value if has_value else None
                    value = None
                    if goal is not None and not level:
                        value = value_at_fraction(percent / 100, goal=goal, baseline=baseline)
                    work.new_milestones.append(NewNode(assignment, due, percent, value, text))
                    if not work.is_new:
                        work.changes.append(
                            _("%(quarter)s plan node added for %(unit)s")
                            % {"quarter": header_name(key), "unit": assignment.unit}
                        )


@functools.cache
def _granularity(day: dt.date) -> str:
    return coarsest_granularity_ending_on(day)


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value in _LABELS:
        return str(_LABELS[value])
    return str(value)


_LABELS = {
    **{key: names[0] for key, names in SOURCE_NAMES.items()},
    **{key: names[0] for key, names in TYPE_NAMES.items()},
    **dict(ShareRule.choices),
    **dict(Direction.choices),
}
