"""The units' responsible persons (责任人): added and completed by the office, matched by name on
import, and replaced by a successor rather than deleted while assignments name them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation

from ..choices import AssignmentStatus
from ..models import ResponsiblePerson, Unit
from .breakdown import update_assignment
from .common import validate_and_save

PERSON_FIELDS = {"name", "post", "office_phone", "mobile", "login", "needs_completion", "is_active"}


def _check_fields(fields) -> None:
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def add_person(unit: Unit, *, acting_user, name: str, **fields) -> ResponsiblePerson:
    """A new person of ``unit``; one with no post and no phone is flagged 待完善 for the office."""
    _check_fields(fields)
    name = (name or "").strip()
    if not name:
        raise RuleViolation({"name": [_("A responsible person needs a name.")]})
    person = ResponsiblePerson(unit=unit, name=name, **fields)
    if "needs_completion" not in fields:
        person.needs_completion = not (person.post and (person.mobile or person.office_phone))
    with transaction.atomic():
        validate_and_save(person, acting_user=acting_user, reason=_("Responsible person added"))
    return person


def update_person(person: ResponsiblePerson, *, acting_user, **changes) -> ResponsiblePerson:
    """Edit a person; the printed name and phone of the links naming them follow."""
    _check_fields(changes)
    if "name" in changes and not (changes["name"] or "").strip():
        raise RuleViolation({"name": [_("A responsible person needs a name.")]})
    with transaction.atomic():
        person = ResponsiblePerson.objects.select_for_update().get(pk=person.pk)
        for name, value in changes.items():
            setattr(person, name, value.strip() if isinstance(value, str) else value)
        validate_and_save(person, acting_user=acting_user, reason=_("Responsible person edited"))
        person.assignments.update(responsible_person=person.name, responsible_phone=person.phone)
    return person


def find_people(unit: Unit, name: str) -> list[ResponsiblePerson]:
    """The active persons of ``unit`` with exactly this name (two may share one)."""
    return list(ResponsiblePerson.objects.filter(unit=unit, name=(name or "").strip(), is_active=True).order_by("pk"))


def person_named(unit: Unit, name: str, *, acting_user) -> ResponsiblePerson:
    """The unit's person of this name, or a new one flagged 待完善 (a name typed in the breakdown)."""
    found = find_people(unit, name)
    if len(found) > 1:
        raise RuleViolation(
            {
                "person": [
                    _("%(unit)s has %(count)d people named %(name)s: choose one from the list.")
                    % {"unit": unit.name, "count": len(found), "name": name.strip()}
                ]
            }
        )
    return found[0] if found else add_person(unit, acting_user=acting_user, name=name)


def remove_person(person: ResponsiblePerson, *, acting_user, successor: ResponsiblePerson | None = None) -> int:
    """Take a person off the unit's list. While assignments name them a successor of the same unit
    takes over each (a history row per link keeps both names); the record stays, inactive.

    Returns how many assignments passed to the successor."""
    if successor is not None and (successor.pk == person.pk or successor.unit_id != person.unit_id):
        raise RuleViolation({"successor": [_("The successor must be another person of the same unit.")]})
    with transaction.atomic():
        person = ResponsiblePerson.objects.select_for_update().get(pk=person.pk)
        # A closed-out or year-ended link keeps the person who answered for it.
        in_force = person.assignments.exclude(status__in=[AssignmentStatus.CLOSED, AssignmentStatus.ENDED])
        named = list(in_force.select_related("target", "unit"))
        if named and successor is None:
            raise RuleViolation(
                _("%(name)s is named on %(count)d assignments: choose a successor to take them over.")
                % {"name": person.name, "count": len(named)}
            )
        for assignment in named:
            update_assignment(
                assignment,
                acting_user=acting_user,
                reason=_("Responsible person handed over to %(name)s") % {"name": successor.name},
                check_breakdown=False,
                person=successor,
            )
        person.is_active = False
        validate_and_save(person, acting_user=acting_user, reason=_("Responsible person removed"))
    return len(named)
