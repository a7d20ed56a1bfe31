"""Saving a checked breakdown sheet (目标任务分解表) in one short transaction, all or nothing.

The plan (``tasks.excel.plan.plan_import``) has parsed every row, applied the target rules
(``_check_target``, ``breakdown_errors``) and asked the ``assignment_changing`` receivers; this
service stores it with history rows naming the acting user. It checks again what could have
changed since the plan was read: the targets it read (compare-and-set on ``updated_at``) and the
receivers' veto. The model constraints are the last guard: any failure rolls everything back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import clock, signals
from ..choices import AssignmentRole, AssignmentStatus
from ..models import Assignment, Milestone, Target
from .common import RuleViolation
from .plans import refresh_planned_progress
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


def import_breakdown(plan, *, acting_user, progress=None) -> ImportResult:
    """Store a valid import plan. Raises ``RuleViolation`` (and stores nothing) on any problem."""
    if not plan.is_valid:
        raise RuleViolation([str(problem) for problem in plan.problems[:20]])
    reason = _("Imported from the breakdown sheet")
    now = clock.now()
    history = {"default_user": acting_user, "default_change_reason": reason, "default_date": now}
    result = ImportResult()
    works = plan.work
    try:
        with (
            transaction.atomic(),
            keeping_year_progress(target_ids=lambda: [w.target.pk for w in works if w.target.pk is not None]),
        ):
            _check_unchanged_since_read(plan)
            _ask_receivers(works, acting_user)
            # New targets, parents before children (the sheet lists a parent first).
            new_targets = [w.target for w in works if w.is_new]
            for target in new_targets:
                target.parent = target.parent  # picks up the parent's primary key once it has one
            _create_in_order(new_targets, history)
            result.created = len(new_targets)
            changed = [w for w in works if not w.is_new and w.fields]
            for work in changed:
                work.target.updated_at = now
                if work.target.parent is not None:
                    work.target.parent = work.target.parent
            fields = sorted({name for w in changed for name in w.fields} | {"updated_at"})
            if changed:
                bulk_update_with_history([w.target for w in changed], Target, fields, batch_size=500, **history)
            result.updated = sum(1 for w in works if not w.is_new and w.changes)
            result.unchanged = sum(1 for w in works if w.action == "unchanged")
            if progress:
                progress("saving", 1, 3)
            _save_assignments(works, history, result, now)
            if progress:
                progress("saving", 2, 3)
            _save_milestones(works, history, result)
            touched = [getattr(a, "instance", a).pk for w in works for a in (w.assignments or [])]
            if touched:
                refresh_planned_progress(assignment_ids=touched)
    except IntegrityError as error:
        raise RuleViolation(
            _("The sheet breaks a rule of the ledger and nothing was saved: %(error)s") % {"error": error}
        ) from None
    issued = [link.instance.pk for w in works for link in w.new_assignments if link.status == AssignmentStatus.ISSUED]
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


def _create_in_order(targets: list[Target], history: dict) -> None:
    remaining = targets
    while remaining:
        ready = [t for t in remaining if t.parent is None or t.parent.pk is not None]
        if not ready:
            raise RuleViolation(_("The sub-targets in the sheet form a loop."))
        for target in ready:
            target.parent = target.parent
        bulk_create_with_history(ready, Target, batch_size=500, **history)
        ready_ids = {id(t) for t in ready}
        remaining = [t for t in remaining if id(t) not in ready_ids]


def _save_assignments(works, history: dict, result: ImportResult, now) -> None:
    for assignment in (a for w in works for a in w.removed_assignments):  # drafts only (the plan checked)
        assignment._history_user = history["default_user"]
        assignment._change_reason = history["default_change_reason"]
        assignment.delete()
    changed = [(a, names) for w in works for a, names in w.changed_assignments]
    # A lead moving to another unit: the old lead steps down first (one lead per target at any moment).
    demoted = [(a, names) for a, names in changed if "role" in names and a.role == AssignmentRole.CO]
    others = [(a, names) for a, names in changed if not ("role" in names and a.role == AssignmentRole.CO)]
    for batch in (demoted, others):
        if batch:
            fields = sorted({name for _a, names in batch for name in names})
            bulk_update_with_history([a for a, _n in batch], Assignment, fields, batch_size=500, **history)
    result.assignments_changed = len(changed)
    new = [link.build() for w in works for link in w.new_assignments]
    for assignment in new:
        if assignment.status == AssignmentStatus.ISSUED:
            assignment.issued_at = now
    if new:
        bulk_create_with_history(new, Assignment, batch_size=500, **history)
    result.assignments_created = len(new)


def _save_milestones(works, history: dict, result: ImportResult) -> None:
    new = [node.build() for w in works for node in w.new_milestones]
    if new:
        bulk_create_with_history(new, Milestone, batch_size=500, **history)
    changed = [(m, names) for w in works for m, names in w.changed_milestones]
    if changed:
        fields = sorted({name for _m, names in changed for name in names})
        bulk_update_with_history([m for m, _n in changed], Milestone, fields, batch_size=500, **history)
    result.milestones_saved = len(new) + len(changed)
