"""Deadline extensions (申请延期): the unit asks, the office grants or refuses.

One model and one pair of services for every assignment. A grant moves the assignment's deadline
(and the target's, if it now ends later) and stretches the plan nodes still ahead onto the longer
time, each with its history; a signed responsibility letter records the grant as an approved change
(``signals.deadline_extended``). A proposal's assignment is the one special case: a proposal may be
extended once, and the extension moves the reply deadline of its whole chain.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation

from .. import signals
from ..choices import OPEN_ASSIGNMENT_STATUSES, ExtensionStatus
from ..models import Assignment, ExtensionRequest, Proposal
from .common import save_with_history, validate_and_save
from .plans import stretch_plan
from .proposals import check_extension_allowed, extend_reply_deadline
from .years import refuse_closed_assignment


def pending_extension(assignment: Assignment) -> ExtensionRequest | None:
    return assignment.extension_requests.filter(status=ExtensionStatus.PENDING).first()


def _proposal_of(assignment: Assignment) -> Proposal | None:
    return Proposal.objects.filter(target=assignment.target_id).first()


def request_extension(assignment: Assignment, *, new_deadline: dt.date, reason: str, acting_user) -> ExtensionRequest:
    """申请延期: a new deadline and the reason, for the office to decide."""
    refuse_closed_assignment(assignment)
    if assignment.status not in OPEN_ASSIGNMENT_STATUSES:
        raise RuleViolation(_("Only an open assignment can ask for more time."))
    if new_deadline is None or new_deadline <= assignment.deadline:
        raise RuleViolation({"new_deadline": [_("The new deadline must be later than the current one.")]})
    if new_deadline.year > assignment.target.year + 1:
        raise RuleViolation({"new_deadline": [_("An extension cannot go beyond the end of the next year.")]})
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why more time is needed.")]})
    proposal = _proposal_of(assignment)
    if proposal is not None:
        check_extension_allowed(proposal, new_deadline)
    if pending_extension(assignment) is not None:
        raise RuleViolation(_("An extension request for this assignment is already pending."))
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
    """Grant (the deadline and the plan move, with history) or refuse with a reason."""
    with transaction.atomic():
        request = (
            ExtensionRequest.objects.select_for_update().select_related("assignment__target", "assignment__unit")
        ).get(pk=request.pk)
        if request.status != ExtensionStatus.PENDING:
            raise RuleViolation(_("This request has already been decided."))
        if not grant and not note.strip():
            raise RuleViolation({"note": [_("Say why the request is refused.")]})
        assignment = request.assignment
        refuse_closed_assignment(assignment)
        if grant and assignment.status not in OPEN_ASSIGNMENT_STATUSES:
            raise RuleViolation(
                _("The assignment is %(status)s: there is no deadline left to extend; refuse the request.")
                % {"status": assignment.get_status_display()}
            )
        request.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        request.decided_by, request.decided_at, request.decision_note = acting_user, clock.now(), note.strip()
        save_with_history(request, acting_user=acting_user, reason=request.get_status_display())
        if grant:
            proposal = _proposal_of(assignment)
            if proposal is not None:
                extend_reply_deadline(
                    proposal,
                    new_deadline=request.requested_deadline,
                    reason=request.reason,
                    acting_user=acting_user,
                    request=request,
                )
            else:
                _move(request, acting_user=acting_user)
    return request


def _move(request: ExtensionRequest, *, acting_user) -> None:
    """The assignment's deadline (and the target's, if it ends later) moves; the plan stretches."""
    assignment, deadline = request.assignment, request.requested_deadline
    target = assignment.target
    reason = _("Extension granted to %(day)s") % {"day": deadline}
    if deadline > target.deadline:
        target.deadline = deadline
        save_with_history(target, acting_user=acting_user, reason=reason, update_fields=["deadline", "updated_at"])
    previous = assignment.deadline
    assignment.deadline = deadline
    save_with_history(assignment, acting_user=acting_user, reason=reason, update_fields=["deadline"])
    stretch_plan(assignment, old_deadline=previous, new_deadline=deadline, acting_user=acting_user, reason=reason)
    signals.deadline_extended.send(
        ExtensionRequest, request=request, assignment=assignment, previous=previous, acting_user=acting_user
    )
