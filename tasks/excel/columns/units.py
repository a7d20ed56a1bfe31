"""牵头单位, 配合单位 and 责任人: the units on a target's chain (its assignments), read from the row,
compared with the stored chain, each change checked and described."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import RuleViolation

from ... import signals
from ...choices import AssignmentRole, AssignmentStatus, TargetStatus
from ...models import Assignment
from ...services.breakdown import breakdown_errors, chain_errors
from ..cells import CellError, normalise_name, split_people, split_units, text_of
from ..people import Ambiguous
from ..work import NewLink, TargetWork, display
from .base import Cells, SheetColumn, suggestion

MAX_PERSON = 64
MAX_DUTY = 2000


class UnitsColumn(SheetColumn):
    """The lead and co units with their shares (驿城区（300）) and responsible persons; the first lead
    unit leads, any others are co units."""

    key = "lead"
    headers = {
        "lead": ("牵头单位", "主办单位", "责任单位", "牵头责任单位"),
        "co": ("配合单位", "协办单位", "配合责任单位"),
    }

    def parse(self, name: str, ctx, *, seen: set[int]):
        """The unit a name means (``ctx.units``: normalised name → unit), once per row (``seen``)."""
        unit = ctx.units.get(normalise_name(name))
        if unit is None:
            raise CellError(_("a unit the system knows.") + suggestion(normalise_name(name), ctx.units))
        if unit.pk in seen:
            raise CellError(_("each unit once per target (this one is listed twice)"))
        return unit

    def read(self, row, cells: Cells, ctx) -> None:
        seen: set[int] = set()
        for key in ("lead", "co"):
            for index, (name, share) in enumerate(split_units(cells.text(key))):
                try:
                    unit = self.parse(name, ctx, seen=seen)
                except CellError as error:
                    ctx.problem(row, key, name, str(error))
                    continue
                if share is not None and share < 0:
                    ctx.problem(row, key, name, _("a share that is not negative"))
                seen.add(unit.pk)
                row.units.append((unit, key == "lead" and index == 0, share))

    def apply(self, work: TargetWork, ctx) -> None:
        row, target = work.row, work.target
        stored = ctx.assignments.get(target.pk, []) if target.pk else []
        if not ({"lead", "co"} & ctx.columns):
            work.assignments = stored
            return
        if not row.units and not row.children:
            ctx.problem(row, self.key, "", _("a lead unit (牵头单位) for a target without sub-targets"))
            return
        existing = {a.unit_id: a for a in stored}
        final = [self._link(work, existing.pop(unit.pk, None), unit, is_lead, share, ctx)
                 for unit, is_lead, share in row.units]  # fmt: skip
        for assignment in existing.values():
            self._remove(work, assignment, ctx)
        work.assignments = final
        if final:
            check = breakdown_errors if target.status == TargetStatus.ISSUED else chain_errors
            for message in check(target, final):
                ctx.problem(row, self.key, "", message)

    def _link(self, work: TargetWork, assignment, unit, is_lead: bool, share, ctx):
        """The row's link to one unit: the stored one (changed as the row says) or a new one."""
        row, target = work.row, work.target
        role = AssignmentRole.LEAD if is_lead else AssignmentRole.CO
        name = row.persons.get(unit.pk, row.plain_person if is_lead else "") if "person" in ctx.columns else ""
        person = self._person(work, unit, name, ctx)
        if assignment is not None:
            wanted = {"role": role, "share": share}
            if row.duty:
                wanted["duty"] = row.duty
            self._change(work, assignment, wanted, ctx, person=person)
            return assignment
        duty = row.duty or self._default_duty(work)
        assignment = NewLink(target, unit, role, share, target.deadline, person.name if person else "", person, duty)
        if target.status == TargetStatus.ISSUED:
            assignment.status = AssignmentStatus.ISSUED
            if person is None:
                ctx.problem(row, "person", "", _("a responsible person (责任人) for %(unit)s, joining an issued target")
                            % {"unit": unit.name})  # fmt: skip
        work.new_assignments.append(assignment)
        work.describe(_("Unit added: %(unit)s (%(role)s)") % {"unit": unit, "role": AssignmentRole(role).label})
        return assignment

    @staticmethod
    def _default_duty(work: TargetWork) -> str:
        """Without a 工作职责 cell a new link's duty is the target's title, and the check says so."""
        note = _("No duty (工作职责) given: the target's title is used.")
        if note not in work.row.notes:
            work.row.notes.append(note)
        return work.target.title

    @staticmethod
    def _person(work: TargetWork, unit, name: str, ctx):
        """The person a 责任人 name means in ``unit`` (None for no name); a new one is noted."""
        if not name:
            return None
        try:
            person, is_new = ctx.people.find(unit, name)
        except Ambiguous as error:
            ctx.problem(work.row, "person", name, str(error))
            return None
        if is_new:
            note = _("New responsible person %(name)s of %(unit)s (to be completed: post and phones).") % {
                "name": person.name,
                "unit": unit.name,
            }
            if note not in work.row.notes:
                work.row.notes.append(note)
        return person

    def _remove(self, work: TargetWork, assignment: Assignment, ctx) -> None:
        if assignment.status != AssignmentStatus.DRAFT:
            message = _("every issued unit to stay on the chain (remove it in the workspace, not by import)")
            ctx.problem(work.row, self.key, assignment.unit.name, message)
            return
        work.removed_assignments.append(assignment)
        work.changes.append(_("Unit removed: %(unit)s") % {"unit": assignment.unit})

    def _change(self, work: TargetWork, assignment: Assignment, wanted: dict, ctx, *, person=None) -> None:
        changes = {name: value for name, value in wanted.items() if getattr(assignment, name) != value}
        # The person is compared by key (reading ``assignment.person`` would cost a query per link);
        # an empty 责任人 cell leaves the stored person as it is.
        if person is not None and (person.pk is None or person.pk != assignment.person_id):
            changes["person"] = person
        deadline = work.target.deadline
        follows_target = assignment.deadline == work.old_deadline or assignment.deadline > deadline
        if follows_target and assignment.deadline != deadline:
            changes["deadline"] = deadline
        if not changes or not self._may_change(work, assignment, changes, ctx):
            return
        for name, value in changes.items():
            label = Assignment._meta.get_field(name).verbose_name
            old = assignment.responsible_person if name == "person" else getattr(assignment, name)
            if name == "person":
                value = value.name
            elif name == "role":
                old, value = assignment.get_role_display(), AssignmentRole(value).label
            work.changes.append(f"{assignment.unit}·{label}：{display(old)} → {display(value)}")
        for name, value in changes.items():
            setattr(assignment, name, value)
        if "person" in changes:  # the printed name and number follow the person (as in the services)
            assignment.responsible_person, assignment.responsible_phone = (
                changes["person"].name,
                changes["person"].phone,
            )
            changes.update(responsible_person=None, responsible_phone=None)
        work.changed_assignments.append((assignment, list(changes)))

    def _may_change(self, work: TargetWork, assignment: Assignment, changes: dict, ctx) -> bool:
        """A closed-out part stays as it is; an issued one asks the receivers (accountability may veto)."""
        if assignment.status == AssignmentStatus.CLOSED:
            ctx.problem(work.row, self.key, assignment.unit.name, _("no change to a unit's closed-out part"))
            return False
        if assignment.status == AssignmentStatus.DRAFT:
            return True
        try:
            signals.assignment_changing.send(
                Assignment, assignment=assignment, changes=changes, acting_user=ctx.acting_user
            )
        except RuleViolation as error:
            for message in error.messages:
                ctx.problem(work.row, self.key, assignment.unit.name, message)
            return False
        return True


class PersonColumn(SheetColumn):
    """责任人: a plain name is the lead unit's person; "unit: person" pairs name each unit's (the units
    apply them to their links)."""

    key = "person"
    headers = {"person": ("责任人",)}

    def read(self, row, cells: Cells, ctx) -> None:
        plain, pairs = split_people(text_of(cells.typed(self.key)))  # names as typed
        by_name = {normalise_name(unit.name): unit for unit, _lead, _share in row.units}
        row.plain_person = plain
        for name, person in pairs.items():
            unit = by_name.get(name)
            if unit is None:
                ctx.problem(row, self.key, f"{name}:{person}", _("“unit: person” for a unit named in this row"))
            else:
                row.persons[unit.pk] = person
        for person in [plain, *pairs.values()]:
            if len(person) > MAX_PERSON:
                ctx.problem(row, self.key, person, _("a name of at most 64 characters"))


class DutyColumn(SheetColumn):
    """工作职责: what the row's units are to do (every unit of the row); without it a new link's duty
    is the target's title."""

    key = "duty"
    headers = {"duty": ("工作职责", "具体工作职责", "责任内容")}

    def read(self, row, cells: Cells, ctx) -> None:
        row.duty = text_of(cells.typed(self.key)).strip()
        if len(row.duty) > MAX_DUTY:
            ctx.problem(row, self.key, row.duty[:20], _("a duty of at most %(count)d characters") % {"count": MAX_DUTY})
