"""Recording the office's checks (四查), and what a check leads to.

A check's follow-up is one of: nothing; a 问题督查单 (issued here through ``issue_supervision``, the
finding as its problem, so the notice then lives its usual life in the register); or a proposal to
hold someone to account (问责), recorded as an intention that the accountability-case record takes up.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.models import Assignment
from tasks.services import validate_and_save
from tasks.services.years import refuse_closed_assignment

from ..choices import CheckFollowUp, CheckMethod
from ..models import Check
from .notices import issue_supervision


def record_check(
    assignment: Assignment,
    *,
    kind: str,
    finding: str,
    acting_user,
    checked_on: dt.date | None = None,
    method: str = CheckMethod.PAPERS,
    rating: str = "",
    follow_up: str = CheckFollowUp.NONE,
    required_action: str = "",
    due_date: dt.date | None = None,
) -> Check:
    """Record a check; with follow-up "notice", issue the supervision notice in the same transaction
    (neither is saved if the notice is refused, e.g. the assignment is no longer open)."""
    checked_on = checked_on or clock.today()
    if checked_on > clock.today():
        raise RuleViolation({"checked_on": [_("A check cannot be dated in the future.")]})
    if not finding.strip():
        raise RuleViolation({"finding": [_("Write down what the check found.")]})
    refuse_closed_assignment(assignment)
    check = Check(
        assignment=assignment,
        kind=kind,
        method=method,
        finding=finding.strip(),
        rating=rating,
        follow_up=follow_up,
        checked_on=checked_on,
        checked_by=acting_user,
        created_at=clock.now(),
    )
    with transaction.atomic():
        if follow_up == CheckFollowUp.NOTICE:
            check.notice = issue_supervision(
                assignment,
                acting_user=acting_user,
                problem=check.finding,
                required_action=required_action,
                due_date=due_date,
            )
        validate_and_save(check, acting_user=acting_user, reason=check.get_kind_display())
    return check
