"""Recording the office's checks (四查)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.models import Assignment
from tasks.services import validate_and_save
from tasks.services.years import refuse_closed_assignment

from ..models import Check


def record_check(
    assignment: Assignment, *, kind: str, finding: str, acting_user, checked_on: dt.date | None = None
) -> Check:
    checked_on = checked_on or clock.today()
    if checked_on > clock.today():
        raise RuleViolation({"checked_on": [_("A check cannot be dated in the future.")]})
    refuse_closed_assignment(assignment)
    check = Check(
        assignment=assignment,
        kind=kind,
        finding=finding.strip(),
        checked_on=checked_on,
        checked_by=acting_user,
        created_at=clock.now(),
    )
    with transaction.atomic():
        validate_and_save(check, acting_user=acting_user, reason=check.get_kind_display())
    return check
