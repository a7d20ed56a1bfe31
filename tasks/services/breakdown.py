"""Targets and their breakdown into assignments (责任分解), from draft to close-out (销号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation

from .. import signals
from ..choices import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    ShareRule,
    TargetStatus,
    TargetType,
)
from ..models import Assignment, ResponsiblePerson, Target, Unit
from .common import save_with_history, validate_and_save
from .year_progress import keeping_year_progress
from .years import refuse_closed_assignment, refuse_closed_year

# Which states each state may be entered from. Anything else is refused with a message.
_ALLOWED_FROM = {
    AssignmentStatus.ISSUED: {AssignmentStatus.DRAFT},
    AssignmentStatus.SIGNED: {AssignmentStatus.ISSUED},
    AssignmentStatus.IN_PROGRESS: {
        AssignmentStatus.ISSUED,
        AssignmentStatus.SIGNED,
        AssignmentStatus.RECTIFYING,
        AssignmentStatus.RETURNED,
        AssignmentStatus.CLAIMED,  # the office refused the claim: the unit works on
    },
    AssignmentStatus.RECTIFYING: {
        AssignmentStatus.ISSUED,
        AssignmentStatus.SIGNED,
        AssignmentStatus.IN_PROGRESS,
        AssignmentStatus.RETURNED,
    },
    AssignmentStatus.CLAIMED: {
        AssignmentStatus.ISSUED,
        AssignmentStatus.SIGNED,
        AssignmentStatus.IN_PROGRESS,
        AssignmentStatus.RETURNED,
    },
    # 退回重办: a claim that does not hold, or a close-out that turns out wrong.
    AssignmentStatus.RETURNED: {AssignmentStatus.CLAIMED, AssignmentStatus.VERIFIED, AssignmentStatus.CLOSED},
    AssignmentStatus.VERIFIED: {AssignmentStatus.CLAIMED},
    AssignmentStatus.CLOSED: {AssignmentStatus.VERIFIED},
    # 年终: the office closes the year before this link was done.
    AssignmentStatus.ENDED: set(OPEN_ASSIGNMENT_STATUSES),
}
SHARE_TOLERANCE = Decimal("0.0001")
TARGET_FIELDS = {
    "year", "code", "title", "description", "parent", "source", "target_type", "is_key", "measure_unit", "baseline",
    "target_value", "direction", "measure_kind", "share_rule", "leader", "task_force", "start_date", "deadline",
    "report_frequency", "remarks", "carried_from",
}  # fmt: skip
ASSIGNMENT_FIELDS = {"person", "duty", "responsible_person", "responsible_phone", "share", "deadline", "role"}


# --- Targets -----------------------------------------------------------------------------------


def check_target(target: Target) -> None:
    errors: dict[str, list[str]] = {}
    if target.target_type == TargetType.INDICATOR:
        if target.target_value is None:
            errors.setdefault("target_value", []).append(_("An indicator needs a target value."))
        if not target.measure_unit:
            errors.setdefault("measure_unit", []).append(_("An indicator needs a unit of measure."))
    if target.share_rule == ShareRule.SUM and target.target_value is None:
        errors.setdefault("share_rule", []).append(_("Shares can only add up to a target value that is set."))
    if target.deadline and target.deadline.year < target.year:
        errors.setdefault("deadline", []).append(_("The deadline cannot be before the target's year."))
    if target.parent_id:
        if target.parent_id == target.pk:
            errors.setdefault("parent", []).append(_("A target cannot be its own parent."))
        elif target.parent.year != target.year:
            errors.setdefault("parent", []).append(_("A sub-target must belong to the same year as its parent."))
        else:
            ancestor = target.parent
            while ancestor is not None:
                if ancestor.pk == target.pk:
                    errors.setdefault("parent", []).append(_("This parent would make a loop of sub-targets."))
                    break
                ancestor = ancestor.parent
    if errors:
        raise RuleViolation(errors)


def _unknown_fields(given, allowed) -> None:
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def create_target(*, acting_user, reason: str = "", areas=None, **fields) -> Target:
    """A new target; ``areas`` are its 分管领域 (``Field`` rows), which decide the leaders in whose scope it lies."""
    _unknown_fields(fields, TARGET_FIELDS)
    target = Target(**fields)
    if target.year:
        refuse_closed_year(target.year)
    check_target(target)
    with transaction.atomic():
        validate_and_save(target, acting_user=acting_user, reason=reason or _("Target created"))
        if areas is not None:
            target.fields.set(areas)
    return target


def update_target(target: Target, *, acting_user, reason: str = "", areas=None, **changes) -> Target:
    _unknown_fields(changes, TARGET_FIELDS)
    if target.status == TargetStatus.CLOSED:
        raise RuleViolation(_("A closed target can no longer be changed."))
    refuse_closed_year(target.year)
    if "year" in changes:
        refuse_closed_year(changes["year"])
    with transaction.atomic(), keeping_year_progress(target_ids=[target.pk]):  # the year may change
        target = Target.objects.select_for_update().get(pk=target.pk)
        for name, value in changes.items():
            setattr(target, name, value)
        check_target(target)
        validate_and_save(target, acting_user=acting_user, reason=reason or _("Target edited"))
        if areas is not None:
            target.fields.set(areas)
        if target.status == TargetStatus.ISSUED:
            _raise_breakdown_errors(target)
    return target


# --- Assignments -------------------------------------------------------------------------------


def _check_assignment_dates(target: Target, deadline: dt.date) -> None:
    if deadline > target.deadline:
        raise RuleViolation({"deadline": [_("A unit's deadline cannot be after the target's deadline.")]})
    if deadline < target.start_date:
        raise RuleViolation({"deadline": [_("A unit's deadline cannot be before the target starts.")]})


def _name_person(assignment: Assignment, person: ResponsiblePerson | None) -> None:
    """Choose the link's 责任人: of its own unit; the printed name and number follow the record."""
    if person is not None and person.unit_id != assignment.unit_id:
        raise RuleViolation({"person": [_("The responsible person must belong to the unit.")]})
    assignment.person = person
    if person is not None:
        assignment.responsible_person = person.name
        assignment.responsible_phone = person.phone


def issue_errors(assignment: Assignment, day: dt.date | None) -> list[str]:
    """What stops this link from being issued on ``day``: 事有专管之人、人有明确之责、责有限定之期.

    ``day=None`` checks the person and duty only (an issued link being edited)."""
    unit = assignment.unit.name
    errors = []
    if assignment.person_id is None:
        errors.append(_("%(unit)s: no responsible person.") % {"unit": unit})
    if not (assignment.duty or "").strip():
        errors.append(_("%(unit)s: no duty.") % {"unit": unit})
    if assignment.deadline is None:
        errors.append(_("%(unit)s: no deadline.") % {"unit": unit})
    elif day is not None and assignment.deadline < day:
        errors.append(
            _("%(unit)s: the deadline %(deadline)s is earlier than the issue date %(day)s.")
            % {"unit": unit, "deadline": assignment.deadline.isoformat(), "day": day.isoformat()}
        )
    return errors


def _raise_issue_errors(assignments) -> None:
    day = clock.today()
    errors = [message for assignment in assignments for message in issue_errors(assignment, day)]
    if errors:
        raise RuleViolation(errors)


def add_assignment(
    target: Target,
    *,
    unit: Unit,
    role: str,
    acting_user,
    deadline: dt.date | None = None,
    share: Decimal | None = None,
    person: ResponsiblePerson | None = None,
    duty: str = "",
    responsible_person: str = "",
    responsible_phone: str = "",
    check_breakdown: bool = True,
) -> Assignment:
    """Put a unit on the target's chain; on an issued target the new link is issued at once.

    ``check_breakdown=False`` leaves the whole-chain check (one lead, shares) to the caller, who
    changes several links in one transaction and checks once at the end (``save_breakdown``).
    """
    if target.status == TargetStatus.CLOSED:
        raise RuleViolation(_("A closed target can no longer be changed."))
    refuse_closed_year(target.year)
    deadline = deadline or target.deadline
    _check_assignment_dates(target, deadline)
    assignment = Assignment(
        target=target,
        unit=unit,
        role=role,
        deadline=deadline,
        share=share,
        duty=duty.strip(),
        responsible_person=responsible_person,
        responsible_phone=responsible_phone,
    )
    _name_person(assignment, person)
    if target.status == TargetStatus.ISSUED:
        _raise_issue_errors([assignment])
    with transaction.atomic():
        validate_and_save(assignment, acting_user=acting_user, reason=_("Unit added to the chain"))
        if target.status == TargetStatus.ISSUED:
            if check_breakdown:
                _raise_breakdown_errors(target)
            _issue(assignment, acting_user=acting_user)
    return assignment


def update_assignment(
    assignment: Assignment, *, acting_user, reason: str = "", check_breakdown: bool = True, **changes
) -> Assignment:
    _unknown_fields(changes, ASSIGNMENT_FIELDS)
    if assignment.status == AssignmentStatus.CLOSED:
        raise RuleViolation(_("A closed-out assignment can no longer be changed."))
    refuse_closed_assignment(assignment)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().select_related("target").get(pk=assignment.pk)
        if assignment.status != AssignmentStatus.DRAFT:
            signals.assignment_changing.send(
                Assignment, assignment=assignment, changes=changes, acting_user=acting_user
            )
        for name, value in changes.items():
            if name == "person":
                _name_person(assignment, value)
            else:
                setattr(assignment, name, value.strip() if name == "duty" else value)
        _check_assignment_dates(assignment.target, assignment.deadline)
        if assignment.status != AssignmentStatus.DRAFT and ({"person", "duty"} & set(changes)):
            errors = issue_errors(assignment, None)
            if errors:
                raise RuleViolation(errors)
        validate_and_save(assignment, acting_user=acting_user, reason=reason or _("Assignment edited"))
        if check_breakdown and assignment.target.status == TargetStatus.ISSUED:
            _raise_breakdown_errors(assignment.target)
    return assignment


def remove_assignment(assignment: Assignment, *, acting_user) -> None:
    if assignment.status != AssignmentStatus.DRAFT:
        raise RuleViolation(_("Only a draft assignment can be removed; an issued one is closed out or edited."))
    refuse_closed_assignment(assignment)
    with transaction.atomic():
        assignment._history_user = acting_user
        assignment.delete()


def breakdown_errors(target: Target, assignments: list[Assignment] | None = None) -> list[str]:
    """What stops the target's breakdown from being issued, in words for the office.

    ``assignments`` (saved or not) stand in for the stored ones: the importer checks a breakdown
    before anything is saved.
    """
    if assignments is None:
        assignments = list(target.assignments.all())
    errors = []
    if target.leader_id is None:
        errors.append(_("A target needs a responsible city leader."))
    if target.is_key and target.task_force_id is None:
        # 一名领导、一个专班、一个时限、一份问责: a key target is carried by a named task force.
        errors.append(_("A key target needs a task force."))
    return errors + chain_errors(target, assignments)


def chain_errors(target: Target, assignments: list[Assignment]) -> list[str]:
    """The part of ``breakdown_errors`` about the units on the chain: one lead, shares by the share rule.

    A draft being built (by hand or by an import) must already satisfy these; the leader and task
    force are only required when the target is issued.
    """
    errors = []
    leads = [a for a in assignments if a.role == AssignmentRole.LEAD]
    if len(leads) != 1:
        errors.append(_("A target needs exactly one lead unit."))
    shares = [a.share for a in assignments if a.share is not None]
    if target.share_rule == ShareRule.NONE and shares:
        errors.append(_("This target does not split its value, so no unit may have a share."))
    if target.share_rule == ShareRule.SUM:
        total = sum(shares, Decimal(0))
        if target.target_value is not None and abs(total - target.target_value) > SHARE_TOLERANCE:
            errors.append(
                _("The units' shares add up to %(total)s but the target value is %(value)s.")
                % {"total": f"{total.normalize():f}", "value": f"{target.target_value.normalize():f}"}
            )
    return errors


def _raise_breakdown_errors(target: Target) -> None:
    errors = breakdown_errors(target)
    if errors:
        raise RuleViolation(errors)


# --- Issuing and the assignment's life ---------------------------------------------------------


def _transition(assignment: Assignment, new_status: str, *, acting_user, reason: str, extra_fields=()) -> None:
    with transaction.atomic():
        # The row is locked and its state read again: another request may have moved it since.
        list(Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk", flat=True))
        assignment.refresh_from_db(fields=["status"])
        _change_status(assignment, new_status, acting_user=acting_user, reason=reason, extra_fields=extra_fields)


def _change_status(assignment: Assignment, new_status: str, *, acting_user, reason: str, extra_fields=()) -> None:
    if new_status != AssignmentStatus.ISSUED:  # issuing checks the target's year once for all its links
        refuse_closed_assignment(assignment)
    if assignment.status not in _ALLOWED_FROM[new_status]:
        raise RuleViolation(
            _("This assignment is %(current)s and cannot become %(new)s.")
            % {
                "current": assignment.get_status_display(),
                "new": AssignmentStatus(new_status).label,
            }
        )
    assignment.status = new_status
    save_with_history(assignment, acting_user=acting_user, reason=reason, update_fields=["status", *extra_fields])


def _issue(assignment: Assignment, *, acting_user) -> None:
    assignment.issued_at = clock.now()
    _transition(
        assignment, AssignmentStatus.ISSUED, acting_user=acting_user, reason=_("Issued"), extra_fields=["issued_at"]
    )
    transaction.on_commit(
        lambda: signals.assignments_issued.send(
            Assignment, assignment_ids=[assignment.pk], acting_user_id=acting_user.pk
        )
    )


def issue_target(target: Target, *, acting_user) -> list[Assignment]:
    """Send the breakdown to the units: the target and every draft link become issued."""
    with transaction.atomic(), keeping_year_progress(target_ids=[target.pk]):
        target = Target.objects.select_for_update().get(pk=target.pk)
        if target.status != TargetStatus.DRAFT:
            raise RuleViolation(_("This target has already been issued."))
        refuse_closed_year(target.year)
        _raise_breakdown_errors(target)
        drafts = list(target.assignments.filter(status=AssignmentStatus.DRAFT).select_related("unit"))
        _raise_issue_errors(drafts)
        target.status = TargetStatus.ISSUED
        save_with_history(target, acting_user=acting_user, reason=_("Issued"), update_fields=["status"])
        for assignment in drafts:
            _issue(assignment, acting_user=acting_user)
    return drafts


def sign_for_assignment(assignment: Assignment, *, acting_user) -> None:
    """The unit acknowledges the assignment (签收)."""
    with transaction.atomic():
        assignment.signed_at = clock.now()
        _transition(
            assignment,
            AssignmentStatus.SIGNED,
            acting_user=acting_user,
            reason=_("Signed for"),
            extra_fields=["signed_at"],
        )


def mark_in_progress(assignment: Assignment, *, acting_user, reason: str) -> None:
    """Enter work: first report filed, rectification finished, or redo started."""
    if assignment.status == AssignmentStatus.IN_PROGRESS:
        return
    _transition(assignment, AssignmentStatus.IN_PROGRESS, acting_user=acting_user, reason=reason)


def start_rectification(assignment: Assignment, *, acting_user, reason: str) -> None:
    _transition(assignment, AssignmentStatus.RECTIFYING, acting_user=acting_user, reason=reason)


def close_out(assignment: Assignment, *, acting_user, reason: str = "") -> None:
    """销号: the verified assignment is closed; the target closes with its last open link."""
    with transaction.atomic():
        assignment.closed_at = clock.now()
        _transition(
            assignment,
            AssignmentStatus.CLOSED,
            acting_user=acting_user,
            reason=reason or _("Closed out"),
            extra_fields=["closed_at"],
        )
        target = Target.objects.select_for_update().get(pk=assignment.target_id)
        if not target.assignments.exclude(status=AssignmentStatus.CLOSED).exists():
            target.status = TargetStatus.CLOSED
            save_with_history(
                target, acting_user=acting_user, reason=_("All units closed out"), update_fields=["status"]
            )
        transaction.on_commit(
            lambda: signals.assignment_closed.send(
                Assignment, assignment_id=assignment.pk, acting_user_id=acting_user.pk
            )
        )


def is_overdue(assignment: Assignment, day: dt.date | None = None) -> bool:
    return assignment.status in OPEN_ASSIGNMENT_STATUSES and assignment.deadline < (day or clock.today())
