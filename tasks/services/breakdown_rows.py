"""Editing a target's whole chain in one go (the office's breakdown table)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation

from ..choices import AssignmentRole, TargetStatus
from ..models import Assignment, Target
from .breakdown import ASSIGNMENT_FIELDS, _raise_breakdown_errors, add_assignment, remove_assignment, update_assignment
from .people import person_named


def save_breakdown(target: Target, *, rows: list[dict], acting_user) -> None:
    """Apply changed links, new units and removed draft links together, then check the chain once.

    Each row holds ``assignment`` (None for a new unit), ``unit``, the fields of
    ``ASSIGNMENT_FIELDS`` and ``remove``; ``person_name`` (a name typed instead of choosing a
    person) names the unit's person of that name or a new one flagged 待完善. Checking once at the
    end is what lets the office move a share from one unit to another, or the lead role, on an
    issued target. Any failure stores nothing.
    """
    with transaction.atomic():
        target = Target.objects.select_for_update().get(pk=target.pk)
        for row in rows:
            name = (row.pop("person_name", "") or "").strip()
            if name and not row.get("person") and not row.get("remove"):
                unit = row["assignment"].unit if row.get("assignment") else row["unit"]
                row["person"] = person_named(unit, name, acting_user=acting_user)
        if target.status == TargetStatus.CLOSED:
            raise RuleViolation(_("A closed target can no longer be changed."))
        existing = [row for row in rows if row.get("assignment") is not None]
        for row in existing:
            if row.get("remove"):
                remove_assignment(row["assignment"], acting_user=acting_user)
        kept = [row for row in existing if not row.get("remove")]
        # A lead that becomes a co-unit steps down before another unit takes the lead.
        kept.sort(key=lambda row: row.get("role") == AssignmentRole.LEAD)
        for row in kept:
            assignment: Assignment = row["assignment"]
            changes = {
                name: row[name] for name in ASSIGNMENT_FIELDS if name in row and row[name] != getattr(assignment, name)
            }
            if changes:
                update_assignment(assignment, acting_user=acting_user, check_breakdown=False, **changes)
        for row in rows:
            if row.get("assignment") is None and not row.get("remove"):
                add_assignment(
                    target,
                    unit=row["unit"],
                    role=row["role"],
                    acting_user=acting_user,
                    deadline=row.get("deadline"),
                    share=row.get("share"),
                    person=row.get("person"),
                    duty=row.get("duty") or "",
                    responsible_person=row.get("responsible_person", ""),
                    responsible_phone=row.get("responsible_phone", ""),
                    check_breakdown=False,
                )
        if target.status == TargetStatus.ISSUED:
            _raise_breakdown_errors(target)
