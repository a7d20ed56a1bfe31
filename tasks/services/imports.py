"""Saving a checked breakdown sheet (目标任务分解表) in one short transaction, all or nothing.

The plan (``tasks.excel.plan.plan_import``) has parsed every row, applied the target rules
(``check_target``, ``breakdown_errors``) and asked the ``assignment_changing`` receivers; this
service stores it with history rows naming the acting user. It checks again what could have
changed since the plan was read: the targets it read (compare-and-set on ``updated_at``) and the
receivers' veto. The model constraints are the last guard: any failure rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock
from core.bulk_history import HistoryStamp, fewer_collections, insert_rows, update_rows
from core.errors import RuleViolation

from .. import signals
from ..choices import AssignmentRole, AssignmentStatus
from ..models import Assignment, Milestone, ResponsiblePerson, Target
from .plans import refresh_planned_progress
from .unit_completion import bump_units
from .year_progress import keeping_year_progress


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assignments_created: int = 0
    assignments_changed: int = 0
    milestones_saved: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@fewer_collections()
def import_breakdown(plan, *, acting_user, progress=None) -> ImportResult:
    """Store a valid import plan. Raises ``RuleViolation`` (and stores nothing) on any problem.

    Set-based: a fixed number of statements per batch of rows (``bulk_history``), whatever the
    sheet's length; a sheet that changes nothing writes nothing.
    """
    if not plan.is_valid:
        raise RuleViolation([str(problem) for problem in plan.problems[:20]])
    stamp = HistoryStamp.now(acting_user, _("Imported from the breakdown sheet"))
    result = ImportResult()
    works = plan.work
    try:
        with (
            transaction.atomic(),
            keeping_year_progress(target_ids=lambda: [w.target.pk for w in works if w.target.pk is not None]),
        ):
            _check_unchanged_since_read(plan)
            _ask_receivers(works, acting_user)
            new_targets = [w.target for w in works if w.is_new]
            _create_targets(new_targets, stamp)
            result.created = len(new_targets)
            _update_targets([w for w in works if not w.is_new and w.fields], stamp)
            result.updated = sum(1 for w in works if not w.is_new and w.changes)
            result.unchanged = sum(1 for w in works if w.action == "unchanged")
            if progress:
                progress("saving", 1, 3)
            _create_people(getattr(plan, "new_people", {}), stamp)
            _save_assignments(works, stamp, result)
            if progress:
                progress("saving", 2, 3)
            replanned = _save_milestones(works, stamp, result)
            if replanned:  # stored links with new or changed plan nodes; new links got theirs on insert
                refresh_planned_progress(assignment_ids=replanned)
    except IntegrityError as error:
        raise RuleViolation(
            _("The sheet breaks a rule of the ledger and nothing was saved: %(error)s") % {"error": error}
        ) from None
    issued = [link.pk for w in works for link in w.new_assignments if link.status == AssignmentStatus.ISSUED]
    if issued:
        transaction.on_commit(
            lambda: signals.assignments_issued.send(Assignment, assignment_ids=issued, acting_user_id=acting_user.pk)
        )
    return result


def _check_unchanged_since_read(plan) -> None:
    if not plan.read_versions:
        return
    stored = dict(
        Target.objects.select_for_update().filter(pk__in=list(plan.read_versions)).values_list("pk", "updated_at")
    )
    if any(stored.get(pk) != version for pk, version in plan.read_versions.items()):
        raise RuleViolation(_("Some of these targets were changed while the sheet was being checked. Check it again."))


def _ask_receivers(works, acting_user) -> None:
    """A signed responsibility letter may veto a change to an issued assignment (as in update_assignment)."""
    for work in works:
        for assignment, names in work.changed_assignments:
            if assignment.status != AssignmentStatus.DRAFT:
                changes = {name: getattr(assignment, name) for name in names}
                signals.assignment_changing.send(
                    Assignment, assignment=assignment, changes=changes, acting_user=acting_user
                )


_TARGET_COLUMNS = [
    f.attname for f in Target._meta.concrete_fields if not f.primary_key and f.name not in {"created_at", "updated_at"}
]


def _parent_pk(target: Target) -> int | None:
    # The plan links a new sub-target to its parent object before either has a primary key.
    if Target.parent.is_cached(target):
        return target.parent.pk if target.parent is not None else None
    return target.parent_id


def _create_targets(targets: list[Target], stamp: HistoryStamp) -> None:
    """New targets, parents before children (a child needs its parent's primary key): one round per level."""
    remaining = targets
    while remaining:
        ready = [t for t in remaining if not Target.parent.is_cached(t) or t.parent is None or t.parent.pk]
        if not ready:
            raise RuleViolation(_("The sub-targets in the sheet form a loop."))
        for target in ready:
            target.parent_id = _parent_pk(target)
        rows = [tuple(getattr(t, name) for name in _TARGET_COLUMNS) for t in ready]
        for target, pk in zip(ready, insert_rows(Target, _TARGET_COLUMNS, rows, stamp=stamp), strict=True):
            target.pk, target.created_at, target.updated_at = pk, stamp.date, stamp.date
            target._state.adding, target._state.db = False, "default"
        ready_ids = {id(t) for t in ready}
        remaining = [t for t in remaining if id(t) not in ready_ids]


def _update_targets(changed, stamp: HistoryStamp) -> None:
    for work in changed:
        work.target.updated_at = stamp.date
        if "parent" in work.fields:
            work.target.parent_id = _parent_pk(work.target)
    update_rows([w.target for w in changed], {name for w in changed for name in w.fields} | {"updated_at"}, stamp=stamp)


_ASSIGNMENT_COLUMNS = [
    "target_id", "unit_id", "role", "share", "deadline", "person_id", "duty", "responsible_person",
    "responsible_phone", "status", "issued_at", "planned_percent", "planned_node_due", "planned_as_of",
]  # fmt: skip
_PERSON_COLUMNS = ["unit_id", "name", "post", "office_phone", "mobile", "needs_completion", "is_active"]


def _create_people(new_people: dict, stamp: HistoryStamp) -> None:
    """The persons the sheet names that their unit did not have: created flagged 待完善."""
    people = list(new_people.values())
    rows = [(p.unit.pk, p.name, "", "", "", True, True) for p in people]
    for person, pk in zip(people, insert_rows(ResponsiblePerson, _PERSON_COLUMNS, rows, stamp=stamp), strict=True):
        person.pk = person.id = pk
        person._state.adding, person._state.db = False, "default"


def _save_assignments(works, stamp: HistoryStamp, result: ImportResult) -> None:
    for assignment in (a for w in works for a in w.removed_assignments):  # drafts only (the plan checked)
        assignment._history_user = stamp.user
        assignment._change_reason = stamp.reason
        assignment.delete()
    changed = [(a, names) for w in works for a, names in w.changed_assignments]
    # A lead moving to another unit: the old lead steps down first (one lead per target at any moment).
    demoted = [(a, names) for a, names in changed if "role" in names and a.role == AssignmentRole.CO]
    others = [(a, names) for a, names in changed if not ("role" in names and a.role == AssignmentRole.CO)]
    for batch in (demoted, others):
        update_rows([a for a, _n in batch], {name for _a, names in batch for name in names}, stamp=stamp)
    result.assignments_changed = len(changed)
    new = [link for w in works for link in w.new_assignments]
    today = clock.today()
    planned = _planned_progress_of_new_links(works, today)
    rows = [_assignment_row(link, stamp, planned.get(id(link), (None, _ZERO)), today) for link in new]
    for link, pk in zip(new, insert_rows(Assignment, _ASSIGNMENT_COLUMNS, rows, stamp=stamp), strict=True):
        link.pk = pk
    result.assignments_created = len(new)
    # Rows written without save(): the units' kept completion is stale (a link removed, moved, issued).
    bump_units(
        [a.unit_id for w in works for a in w.removed_assignments]
        + [a.unit_id for a, _names in changed]
        + [link.unit.pk for link in new]
    )


_ZERO = Decimal(0)


def _assignment_row(link, stamp: HistoryStamp, planned: tuple, today) -> tuple:
    issued_at = stamp.date if link.status == AssignmentStatus.ISSUED else None
    node_due, planned_percent = planned
    return (
        link.target.pk, link.unit.pk, link.role, link.share, link.deadline, link.person.pk if link.person else None,
        link.duty, link.responsible_person, link.person.phone if link.person else "", link.status, issued_at,
        planned_percent, node_due, today,
    )  # fmt: skip


def _planned_progress_of_new_links(works, today) -> dict[int, tuple]:
    """What ``refresh_planned_progress`` would write on a new link: its last plan node due by today,
    as (due date, planned percent)."""
    latest: dict[int, tuple] = {}
    for work in works:
        for node in work.new_milestones:
            if not isinstance(node.assignment, Assignment) and node.due_date <= today:
                key = id(node.assignment)
                if key not in latest or latest[key][0] < node.due_date:
                    latest[key] = (node.due_date, node.planned_percent)
    return latest


_MILESTONE_COLUMNS = ["assignment_id", "due_date", "granularity", "planned_percent", "planned_value", "description"]


def _save_milestones(works, stamp: HistoryStamp, result: ImportResult) -> set[int]:
    """Store new and changed plan nodes; return the stored links whose plan changed."""
    new = [node for w in works for node in w.new_milestones]
    rows = [
        (n.assignment.pk, n.due_date, n.granularity, n.planned_percent, n.planned_value, n.description) for n in new
    ]
    insert_rows(Milestone, _MILESTONE_COLUMNS, rows, stamp=stamp)
    changed = [(m, names) for w in works for m, names in w.changed_milestones]
    update_rows([m for m, _n in changed], {name for _m, names in changed for name in names}, stamp=stamp)
    result.milestones_saved = len(new) + len(changed)
    replanned = {node.assignment.pk for node in new if isinstance(node.assignment, Assignment)}
    return replanned | {m.assignment_id for m, _n in changed}
