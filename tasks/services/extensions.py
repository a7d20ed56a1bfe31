"""Deadline extensions: the unit asks, the office grants or refuses; a grant moves the deadline."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from .. import clock
from ..choices import OPEN_ASSIGNMENT_STATUSES, ExtensionStatus
from ..models import Assignment, ExtensionRequest
from .common import RuleViolation, save_with_history, validate_and_save


def request_extension(assignment: Assignment, *, new_deadline: dt.date, reason: str, acting_user) -> ExtensionRequest:
    if assignment.status not in OPEN_ASSIGNMENT_STATUSES:
        raise RuleViolation(_("Only an open assignment can ask for more time."))
    if new_deadline <= assignment.deadline:
        raise RuleViolation({"requested_deadline": [_("The new deadline must be later than the current one.")]})
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why more time is needed.")]})
    request = ExtensionRequest(
        assignment=assignment,
        requested_deadline=new_deadline,
        previous_deadline=assignment.deadline,
        reason=reason.strip(),
        requested_by=acting_user,
        requested_at=clock.now(),
    )
    with transaction.atomic():
        validate_and_save(request, acting_user=acting_user, reason=_("Extension requested"))
    return request


def decide_extension(request: ExtensionRequest, *, grant: bool, acting_user, note: str = "") -> ExtensionRequest:
    """Grant or refuse. A grant moves the assignment's deadline (and the target's, if it ends later)."""
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().select_related("assignment__target").get(pk=request.pk)
        if request.status != ExtensionStatus.PENDING:
            raise RuleViolation(_("This request has already been decided."))
        request.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        request.decided_by, request.decided_at, request.decision_note = acting_user, clock.now(), note.strip()
        save_with_history(request, acting_user=acting_user, reason=request.get_status_display())
        if grant:
            assignment = request.assignment
            target = assignment.target
            reason = _("Extension granted to %(day)s") % {"day": request.requested_deadline}
            if request.requested_deadline > target.deadline:
                target.deadline = request.requested_deadline
                save_with_history(
                    target, acting_user=acting_user, reason=reason, update_fields=["deadline", "updated_at"]
                )
            assignment.deadline = request.requested_deadline
            save_with_history(assignment, acting_user=acting_user, reason=reason, update_fields=["deadline"])
    return request
