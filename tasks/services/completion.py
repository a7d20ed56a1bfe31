"""The end of an assignment's life: 申请销号 (the unit claims completion with its final figures, a
statement and evidence), the office's verification or refusal, and 退回重办 (a claim or a close-out
that does not hold goes back to the unit). Closing out itself is ``breakdown.close_out``; the
close-out notice and the points follow in ``accountability``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation

from .. import signals
from ..choices import AssignmentStatus, ClaimStatus, ReportStatus, TargetStatus
from ..models import Assignment, ClaimEvidence, CompletionClaim, Target
from .breakdown import _transition
from .common import save_with_history, validate_and_save
from .reports import _progress_from_input, check_evidence_file
from .years import refuse_closed_assignment

HUNDRED = 100


def _lock(assignment: Assignment) -> None:
    """Lock the row and bring the caller's instance up to date with it (callers keep using theirs)."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    for name in ("status", "progress_percent", "actual_value", "closed_at", "deadline"):
        setattr(assignment, name, getattr(locked, name))


def pending_claim(assignment: Assignment) -> CompletionClaim | None:
    return assignment.claims.filter(status=ClaimStatus.PENDING).first()


def claim_completion(
    assignment: Assignment,
    *,
    acting_user,
    statement: str = "",
    note: str = "",
    final_percent=None,
    final_value=None,
    evidence: Iterable = (),
) -> CompletionClaim:
    """申请销号: the unit says its part is done and asks the office to verify and close it out.

    The final figures are the unit's (a value in the unit of measure where it reports one, else a
    percent); without them the latest accepted figures stand. Either way they must reach the goal.
    """
    refuse_closed_assignment(assignment)
    statement = (statement or note).strip()
    evidence = list(evidence)
    if final_percent is None and final_value is None:
        percent, value = assignment.progress_percent, assignment.actual_value
    else:
        percent, value = _progress_from_input(assignment, final_percent, final_value)
    if percent < HUNDRED:
        raise RuleViolation(
            _("Completion can be claimed once the final figures reach 100 percent of the goal (now %(percent)s%%).")
            % {"percent": percent}
        )
    for uploaded in evidence:
        check_evidence_file(uploaded)
    with transaction.atomic():
        _lock(assignment)
        if pending_claim(assignment) is not None:
            raise RuleViolation(_("A completion claim for this assignment is already waiting."))
        _transition(
            assignment, AssignmentStatus.CLAIMED, acting_user=acting_user, reason=statement or _("Completion claimed")
        )
        claim = CompletionClaim(
            assignment=assignment,
            final_percent=percent,
            final_value=value,
            statement=statement or str(_("Completion claimed")),
            claimed_by=acting_user,
            claimed_at=clock.now(),
        )
        validate_and_save(claim, acting_user=acting_user, reason=_("Completion claimed"))
        stored = []
        try:
            for uploaded in evidence:
                stored.append(_attach(claim, uploaded, acting_user=acting_user).file)
        except Exception:
            for file in stored:  # the rows roll back; the files written meanwhile must go too
                file.storage.delete(file.name)
            raise
    return claim


def _attach(claim: CompletionClaim, uploaded, *, acting_user) -> ClaimEvidence:
    evidence = ClaimEvidence.from_upload(uploaded, acting_user=acting_user, claim=claim)
    save_with_history(evidence, acting_user=acting_user, reason=_("Evidence uploaded"))
    return evidence


def _decide(claim: CompletionClaim | None, status: str, *, acting_user, note: str) -> None:
    if claim is None:
        return
    claim.status = status
    claim.decided_by, claim.decided_at, claim.decision_note = acting_user, clock.now(), note.strip()
    save_with_history(
        claim,
        acting_user=acting_user,
        reason=claim.get_status_display(),
        update_fields=["status", "decided_by", "decided_at", "decision_note"],
    )


def verify_completion(assignment: Assignment, *, acting_user, note: str = "") -> None:
    """The office confirms the completion it checked: the claim's final figures become the
    assignment's accepted figures; close-out follows."""
    with transaction.atomic():
        claim = pending_claim(assignment)
        _transition(
            assignment, AssignmentStatus.VERIFIED, acting_user=acting_user, reason=note or _("Completion verified")
        )
        _decide(claim, ClaimStatus.VERIFIED, acting_user=acting_user, note=note)
        if claim is not None and (
            assignment.progress_percent != claim.final_percent or assignment.actual_value != claim.final_value
        ):
            assignment.progress_percent, assignment.actual_value = claim.final_percent, claim.final_value
            save_with_history(
                assignment,
                acting_user=acting_user,
                reason=_("Final figures of the verified claim"),
                update_fields=["progress_percent", "actual_value"],
            )


def refuse_completion(assignment: Assignment, *, acting_user, reason: str) -> CompletionClaim | None:
    """The office does not accept the claim as it stands: the unit works on, and sees why."""
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the claim is refused.")]})
    with transaction.atomic():
        _lock(assignment)
        if assignment.status != AssignmentStatus.CLAIMED:
            raise RuleViolation(
                _("Only a claimed completion can be refused; this assignment is %(status)s.")
                % {"status": assignment.get_status_display()}
            )
        claim = pending_claim(assignment)
        message = _("Claim refused: %(reason)s") % {"reason": reason.strip()}
        _transition(assignment, AssignmentStatus.IN_PROGRESS, acting_user=acting_user, reason=message)
        _decide(claim, ClaimStatus.REFUSED, acting_user=acting_user, note=reason)
    return claim


def return_for_redo(assignment: Assignment, *, acting_user, reason: str) -> None:
    """退回重办: a claimed, verified or closed-out assignment goes back to the unit.

    A closed-out one reopens (its target too, if it had closed with it), its figures go back to the
    latest accepted report, and whatever the completion earned is taken back (the points ledger
    listens to ``assignment_reopened``, in this transaction).
    """
    if not reason.strip():
        raise RuleViolation(_("Say why the assignment is returned."))
    reason = reason.strip()
    with transaction.atomic():
        _lock(assignment)
        was_closed = assignment.status == AssignmentStatus.CLOSED
        fields = []
        if was_closed:
            assignment.closed_at = None
            fields.append("closed_at")
        latest = assignment.reports.filter(status=ReportStatus.ACCEPTED).order_by("-period_end").first()
        percent, value = (latest.progress_percent, latest.actual_value) if latest else (0, None)
        if (assignment.progress_percent, assignment.actual_value) != (percent, value):
            assignment.progress_percent, assignment.actual_value = percent, value
            fields += ["progress_percent", "actual_value"]
        _transition(assignment, AssignmentStatus.RETURNED, acting_user=acting_user, reason=reason, extra_fields=fields)
        claim = (
            assignment.claims.filter(status__in=[ClaimStatus.PENDING, ClaimStatus.VERIFIED])
            .order_by("-claimed_at")
            .first()
        )
        if claim is not None:
            claim.status, claim.returned_at, claim.return_reason = ClaimStatus.RETURNED, clock.now(), reason
            save_with_history(
                claim,
                acting_user=acting_user,
                reason=_("Returned for redo"),
                update_fields=["status", "returned_at", "return_reason"],
            )
        target = Target.objects.select_for_update().get(pk=assignment.target_id)
        if target.status == TargetStatus.CLOSED:
            target.status = TargetStatus.ISSUED
            save_with_history(
                target, acting_user=acting_user, reason=_("Reopened: a unit's work was returned for redo"),
                update_fields=["status"],
            )  # fmt: skip
        signals.assignment_reopened.send(
            Assignment, assignment=assignment, acting_user=acting_user, reason=reason, was_closed=was_closed
        )
