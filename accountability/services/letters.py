"""Responsibility letters (目标责任书): prepared by the office, signed for the unit and for the city;
after signing, a unit's assignments change only through a change request the office approves.

The rule is enforced where the ledger changes an assignment: ``tasks.services.update_assignment``
(and the importer) send ``assignment_changing`` inside their transaction, and ``veto_unapproved_change``
below refuses the change unless it is an approved request being applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import clock
from core.access import access_for
from core.errors import AlreadyDone, RuleViolation
from tasks import signals
from tasks.models import Assignment, Milestone, Unit
from tasks.services import (
    lock_fresh,
    person_named,
    refuse_closed_year,
    save_with_history,
    update_assignment,
    validate_and_save,
)

from ..choices import ChangeRequestStatus
from ..models import LetterChangeRequest, ResponsibilityLetter
from .duties import refuse_unless_office

CHANGEABLE_FIELDS = ("deadline", "share", "responsible_person", "responsible_phone")
# Assignments whose approved change is being applied right now (the veto lets those through).
_applying: ContextVar[frozenset[int]] = ContextVar("letter_change_applying", default=frozenset())


def letter_assignments(unit: Unit, year: int):
    """What the letter lists: every assignment of the unit in the year, with its plan."""
    return (
        Assignment.objects.filter(unit=unit, target__year=year)
        .select_related("target", "target__leader", "person")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_date")))
        .order_by("target__code")
    )


def letter_content(assignments) -> list[dict]:
    """The letter's lines as plain data (kept as signed, and compared with the current state)."""
    lines = []
    for a in assignments:
        goal = a.goal_value
        lines.append(
            {
                "code": a.target.code,
                "title": a.target.title,
                "role": str(a.get_role_display()),
                "goal": f"{goal.normalize():f}" if goal is not None else "",
                "measure_unit": a.target.measure_unit,
                "deadline": a.deadline.isoformat(),
                "responsible_person": a.responsible_person,
                "responsible_post": a.person.post if a.person else "",
                "duty": a.duty,
                "milestones": [
                    {
                        "due_date": m.due_date.isoformat(),
                        "planned_percent": f"{m.planned_percent.normalize():f}",
                        "planned_value": f"{m.planned_value.normalize():f}" if m.planned_value is not None else "",
                        "description": m.description,
                    }
                    for m in a.milestones.all()
                ],
            }
        )
    return lines


def prepare_letters(year: int, *, acting_user) -> list[ResponsibilityLetter]:
    """A letter for every unit with assignments in ``year`` that has none yet (running twice adds nothing)."""
    refuse_unless_office(acting_user)
    refuse_closed_year(year)
    with transaction.atomic():
        have = set(ResponsibilityLetter.objects.filter(year=year).values_list("unit_id", flat=True))
        unit_ids = set(Assignment.objects.filter(target__year=year).values_list("unit_id", flat=True)) - have
        now = clock.now()
        letters = [ResponsibilityLetter(unit_id=pk, year=year, created_at=now) for pk in sorted(unit_ids)]
        if letters:
            bulk_create_with_history(
                letters, ResponsibilityLetter, default_user=acting_user,
                default_change_reason=_("Letter prepared"), default_date=now,
            )  # fmt: skip
    return letters


def _signing(letter: ResponsibilityLetter, signatory: str, signed_on: dt.date | None) -> tuple[str, dt.date]:
    refuse_closed_year(letter.year)
    signatory = signatory.strip()
    if not signatory:
        raise RuleViolation({"signatory": [_("Say who signed.")]})
    signed_on = signed_on or clock.today()
    if signed_on > clock.today():
        raise RuleViolation({"signed_on": [_("A signature cannot be dated in the future.")]})
    if not letter_assignments(letter.unit, letter.year).exists():
        raise RuleViolation(_("The letter lists no assignment yet; there is nothing to sign."))
    return signatory, signed_on


def sign_for_unit(letter: ResponsibilityLetter, *, signatory: str, acting_user, signed_on=None) -> None:
    """Record the unit's signature: the unit head signs in the system, or the office records a paper one."""
    access = access_for(acting_user)
    if not (access.office or letter.unit_id in access.head_unit_ids):
        raise RuleViolation(_("Only the unit head or the supervision office records the unit's signature."))
    with transaction.atomic():
        lock_fresh(letter)  # the city may be signing the same letter at this moment
        if letter.unit_signed_on:
            raise AlreadyDone(_("The unit has already signed this letter."))
        signatory, signed_on = _signing(letter, signatory, signed_on)
        letter.unit_signatory, letter.unit_signed_on = signatory, signed_on
        letter.unit_signature_recorded_by, letter.unit_signature_recorded_at = acting_user, clock.now()
        _freeze_when_signed(letter)
        save_with_history(letter, acting_user=acting_user, reason=_("Signed for the unit"))


def sign_for_city(letter: ResponsibilityLetter, *, signatory: str, acting_user, signed_on=None) -> None:
    """Record the city's signature (the mayor or the leader in charge), entered by the office."""
    refuse_unless_office(acting_user)
    with transaction.atomic():
        lock_fresh(letter)  # the unit may be signing the same letter at this moment
        if letter.city_signed_on:
            raise AlreadyDone(_("The city has already signed this letter."))
        signatory, signed_on = _signing(letter, signatory, signed_on)
        letter.city_signatory, letter.city_signed_on = signatory, signed_on
        letter.city_signature_recorded_by, letter.city_signature_recorded_at = acting_user, clock.now()
        _freeze_when_signed(letter)
        save_with_history(letter, acting_user=acting_user, reason=_("Signed for the city"))


def _freeze_when_signed(letter: ResponsibilityLetter) -> None:
    if letter.is_signed:
        letter.signed_content = letter_content(letter_assignments(letter.unit, letter.year))


def _clean_changes(assignment: Assignment, changes: dict) -> tuple[dict, dict]:
    """Typed, really different values for the allowed fields, and the values they replace."""
    cleaned, previous = {}, {}
    for name, value in changes.items():
        if name not in CHANGEABLE_FIELDS:
            raise RuleViolation(_("This part of an assignment cannot be changed by request."))
        if name == "deadline":
            if value in (None, ""):
                continue
            try:
                value = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            except ValueError:
                raise RuleViolation({"deadline": [_("Enter a date as YYYY-MM-DD.")]}) from None
        elif name == "share":
            try:
                value = None if value in (None, "") else Decimal(str(value))
            except InvalidOperation:
                raise RuleViolation({"share": [_("Enter a number.")]}) from None
        else:
            value = str(value or "").strip()
        if getattr(assignment, name) != value:
            cleaned[name] = value
            previous[name] = getattr(assignment, name)
    if not cleaned:
        raise RuleViolation(_("The request changes nothing."))
    return cleaned, previous


def _json(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else None if v is None else str(v)) for k, v in values.items()}


def request_letter_change(assignment: Assignment, *, changes: dict, reason: str, acting_user) -> LetterChangeRequest:
    """Ask to change an assignment of a signed letter (the unit or the office asks; the office decides)."""
    access = access_for(acting_user)
    if not (access.office or assignment.unit_id in access.unit_ids):
        raise RuleViolation(_("Only the unit or the supervision office may ask for a change."))
    refuse_closed_year(assignment.target.year)
    letter = ResponsibilityLetter.objects.filter(unit=assignment.unit_id, year=assignment.target.year).first()
    if letter is None or not letter.is_signed:
        raise RuleViolation(_("The unit's letter is not signed yet: change the assignment directly."))
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the change is needed.")]})
    cleaned, previous = _clean_changes(assignment, changes)
    request = LetterChangeRequest(
        letter=letter,
        assignment=assignment,
        changes=_json(cleaned),
        previous=_json(previous),
        reason=reason.strip(),
        requested_by=acting_user,
        requested_at=clock.now(),
    )
    with transaction.atomic():
        validate_and_save(request, acting_user=acting_user, reason=_("Change to a signed letter requested"))
    return request


@contextmanager
def _applying_change(assignment_id: int) -> Iterator[None]:
    token = _applying.set(_applying.get() | {assignment_id})
    try:
        yield
    finally:
        _applying.reset(token)


def decide_letter_change(request: LetterChangeRequest, *, approve: bool, acting_user, note: str = "") -> None:
    """Approve (the change is applied through the ledger's service and the letter's revision goes up) or refuse."""
    refuse_unless_office(acting_user)
    with transaction.atomic():
        request = (
            LetterChangeRequest.objects.select_for_update().select_related("letter", "assignment").get(pk=request.pk)
        )
        if request.status != ChangeRequestStatus.PENDING:
            raise RuleViolation(_("This request has already been decided."))
        refuse_closed_year(request.letter.year)
        request.decided_by, request.decided_at, request.decision_note = acting_user, clock.now(), note.strip()
        if approve:
            letter = ResponsibilityLetter.objects.select_for_update().get(pk=request.letter_id)
            changes, _previous = _clean_changes(request.assignment, request.changes)
            name = changes.pop("responsible_person", "")
            if name:  # a new 责任人 named by the unit: the unit's person of that name, or a new one (待完善)
                changes["person"] = person_named(request.assignment.unit, name, acting_user=acting_user)
            reason = _("Change to the signed letter approved: %(reason)s") % {"reason": request.reason}
            with _applying_change(request.assignment_id):
                update_assignment(request.assignment, acting_user=acting_user, reason=reason, **changes)
            letter.revision += 1
            save_with_history(letter, acting_user=acting_user, reason=reason, update_fields=["revision"])
            request.status, request.revision = ChangeRequestStatus.APPROVED, letter.revision
        else:
            request.status = ChangeRequestStatus.REFUSED
        save_with_history(request, acting_user=acting_user, reason=request.get_status_display())


@receiver(signals.assignment_changing, dispatch_uid="letters_veto_unapproved_change")
def veto_unapproved_change(sender, *, assignment: Assignment, changes: dict, acting_user, **kwargs) -> None:
    """After the letter is signed, an assignment changes only through an approved change request."""
    if assignment.pk in _applying.get():
        return
    letter = ResponsibilityLetter.objects.filter(unit=assignment.unit_id, year=assignment.target.year).first()
    if letter is not None and letter.is_signed:
        raise RuleViolation(
            _(
                "%(unit)s has signed its %(year)d responsibility letter: this change needs a change request "
                "approved by the supervision office."
            )
            % {"unit": assignment.unit, "year": letter.year}
        )


@receiver(signals.deadline_extended, dispatch_uid="letters_record_granted_extension")
def record_granted_extension(sender, *, request, assignment: Assignment, previous, acting_user, **kwargs) -> None:
    """A granted extension counts as the approved change of a signed letter: the letter's revision
    goes up and the change is listed with it (an unsigned letter simply shows the new deadline)."""
    letter = (
        ResponsibilityLetter.objects.select_for_update()
        .filter(unit=assignment.unit_id, year=assignment.target.year)
        .first()
    )
    if letter is None or not letter.is_signed:
        return
    why = request.reason if request is not None else ""
    reason = _("Extension granted: %(reason)s") % {"reason": why} if why else _("Extension granted")
    letter.revision += 1
    save_with_history(letter, acting_user=acting_user, reason=reason, update_fields=["revision"])
    now = clock.now()
    change = LetterChangeRequest(
        letter=letter,
        assignment=assignment,
        changes=_json({"deadline": assignment.deadline}),
        previous=_json({"deadline": previous}),
        reason=reason,
        status=ChangeRequestStatus.APPROVED,
        requested_by=request.requested_by if request is not None else acting_user,
        requested_at=request.requested_at if request is not None else now,
        decided_by=acting_user,
        decided_at=now,
        decision_note=request.decision_note if request is not None else "",
        revision=letter.revision,
        extension=request,
    )
    save_with_history(change, acting_user=acting_user, reason=reason)
