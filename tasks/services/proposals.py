"""Suggestions and proposals (建议提案类): register, reply, views of co-units, the proposer's view, redo.

The reply deadline is the deadline of the target's assignments, so the warnings and points that
apply to every target apply to proposals too. One extension is allowed; an unsatisfied reply
opens a new round for the unit that gave it, with a new deadline.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from core.periods import add_months

from .. import signals
from ..choices import (
    AssignmentRole,
    AssignmentStatus,
    HandlingMode,
    ProposalKind,
    ProposalStatus,
    ReplyKind,
    ResultCode,
    Satisfaction,
    TargetStatus,
    TargetType,
)
from ..models import Assignment, ExtensionRequest, Proposal, ProposalReply, Target
from .breakdown import close_out
from .common import save_with_history, validate_and_save
from .completion import claim_completion, verify_completion
from .plans import stretch_plan
from .years import refuse_closed_year

PROPOSAL_FIELDS = {"number", "session", "proposers", "handling_mode"}
# Links a concluded proposal closes out (one under rectification waits for the office).
CLOSABLE_ON_CONCLUSION = (
    AssignmentStatus.ISSUED,
    AssignmentStatus.SIGNED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.RETURNED,
    AssignmentStatus.CLAIMED,
)


def reply_deadline_for(kind: str, assigned_on: dt.date) -> dt.date:
    """3 months for an NPC suggestion, 5 for a CPPCC proposal (settings say how many)."""
    months = {
        ProposalKind.NPC: settings.ZMD_PROPOSAL_REPLY_MONTHS_NPC,
        ProposalKind.CPPCC: settings.ZMD_PROPOSAL_REPLY_MONTHS_CPPCC,
    }[ProposalKind(kind)]
    return add_months(assigned_on, months)


def answering_assignments(proposal: Proposal):
    """Who answers the proposer: every unit under separate handling, the lead unit under joint."""
    assignments = proposal.target.assignments.exclude(status=AssignmentStatus.DRAFT)
    if proposal.handling_mode == HandlingMode.JOINT:
        assignments = assignments.filter(role=AssignmentRole.LEAD)
    return assignments


def current_round(assignment: Assignment) -> int:
    """The round the unit answers in: one more than its unsatisfied replies."""
    unsatisfied = assignment.proposal_replies.filter(kind=ReplyKind.REPLY, satisfaction=Satisfaction.UNSATISFIED)
    return 1 + unsatisfied.count()


def _move_deadlines(
    proposal: Proposal, deadline: dt.date, *, acting_user, reason: str, assignments=None
) -> list[tuple[Assignment, dt.date]]:
    """Keep the chain's deadlines on the reply deadline so that warnings follow it; return the links
    moved, each with the deadline it had."""
    target = proposal.target
    if target.status == TargetStatus.CLOSED:
        return []
    if deadline < target.start_date:
        raise RuleViolation({"reply_deadline": [_("The reply deadline cannot be before the target starts.")]})
    if target.deadline < deadline or (assignments is None and target.deadline != deadline):
        target.deadline = deadline
        save_with_history(target, acting_user=acting_user, reason=reason, update_fields=["deadline", "updated_at"])
    links = assignments if assignments is not None else target.assignments.all()
    moved = []
    for assignment in links:
        if assignment.status != AssignmentStatus.CLOSED and assignment.deadline != deadline:
            moved.append((assignment, assignment.deadline))
            assignment.deadline = deadline
            save_with_history(assignment, acting_user=acting_user, reason=reason, update_fields=["deadline"])
    return moved


def register_proposal(
    target: Target,
    *,
    kind: str,
    number: str,
    session: str,
    proposers: str,
    handling_mode: str,
    acting_user,
    assigned_on: dt.date | None = None,
) -> Proposal:
    """Record the proposal behind a 建议提案类 target; its deadline becomes the chain's deadline."""
    if target.target_type != TargetType.PROPOSAL:
        raise RuleViolation(_("Only a target of the type suggestion or proposal can carry proposal data."))
    refuse_closed_year(target.year)
    if Proposal.objects.filter(target=target).exists():
        raise RuleViolation(_("This target's proposal is already registered."))
    assigned_on = assigned_on or target.start_date
    proposal = Proposal(
        target=target,
        kind=kind,
        number=str(number).strip(),
        session=session.strip(),
        proposers=proposers.strip(),
        handling_mode=handling_mode,
        assigned_on=assigned_on,
        reply_deadline=reply_deadline_for(kind, assigned_on),
    )
    with transaction.atomic():
        validate_and_save(proposal, acting_user=acting_user, reason=_("Proposal registered"))
        _move_deadlines(proposal, proposal.reply_deadline, acting_user=acting_user, reason=_("Reply deadline set"))
    return proposal


def update_proposal(proposal: Proposal, *, acting_user, **changes) -> Proposal:
    unknown = set(changes) - PROPOSAL_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    refuse_closed_year(proposal.target.year)
    if "handling_mode" in changes and changes["handling_mode"] != proposal.handling_mode and proposal.replies.exists():
        raise RuleViolation({"handling_mode": [_("The handling mode cannot change once units have replied.")]})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("target").get(pk=proposal.pk)
        for name, value in changes.items():
            setattr(proposal, name, value.strip() if isinstance(value, str) else value)
        validate_and_save(proposal, acting_user=acting_user, reason=_("Proposal edited"))
        _refresh_status(proposal, acting_user=acting_user)
    return proposal


def check_extension_allowed(proposal: Proposal, new_deadline: dt.date) -> None:
    """A proposal may be extended once, while it is open, to a later day."""
    if proposal.was_extended:
        raise RuleViolation(_("This proposal has already been extended once; a second extension is not allowed."))
    if proposal.status == ProposalStatus.CONCLUDED:
        raise RuleViolation(_("A concluded proposal needs no more time."))
    if new_deadline <= proposal.reply_deadline:
        raise RuleViolation({"new_deadline": [_("The new deadline must be later than the current one.")]})


def extend_reply_deadline(
    proposal: Proposal, *, new_deadline: dt.date, reason: str, acting_user, request: ExtensionRequest | None = None
) -> Proposal:
    """The one extension a proposal may have (granted on a unit's request, or by the office on its
    own); the chain's deadlines move with it and their plans stretch."""
    refuse_closed_year(proposal.target.year)
    check_extension_allowed(proposal, new_deadline)
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why more time is needed.")]})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("target").get(pk=proposal.pk)
        proposal.original_deadline = proposal.reply_deadline
        proposal.reply_deadline = new_deadline
        proposal.extension_reason = reason.strip()
        proposal.extended_at = clock.now()
        message = _("Reply deadline extended to %(day)s") % {"day": new_deadline}
        save_with_history(
            proposal,
            acting_user=acting_user,
            reason=message,
            update_fields=["original_deadline", "reply_deadline", "extension_reason", "extended_at"],
        )
        moved = _move_deadlines(proposal, new_deadline, acting_user=acting_user, reason=message)
        for assignment, previous in moved:
            stretch_plan(
                assignment, old_deadline=previous, new_deadline=new_deadline, acting_user=acting_user, reason=message
            )
            signals.deadline_extended.send(
                ExtensionRequest, request=request, assignment=assignment, previous=previous, acting_user=acting_user
            )
    return proposal


def _check_answering_unit(proposal: Proposal, assignment: Assignment) -> None:
    refuse_closed_year(proposal.target.year)
    if assignment.target_id != proposal.target_id:
        raise RuleViolation(_("This unit has no part in this proposal."))
    if assignment.status == AssignmentStatus.DRAFT:
        raise RuleViolation(_("The proposal has not been issued to this unit yet."))


def submit_reply(
    proposal: Proposal, *, assignment: Assignment, text: str, result_code: str, acting_user
) -> ProposalReply:
    """The unit's answer to the proposer, with its result code (A–D)."""
    _check_answering_unit(proposal, assignment)
    if proposal.handling_mode == HandlingMode.JOINT and assignment.role != AssignmentRole.LEAD:
        raise RuleViolation(_("Under joint handling the lead unit answers; a co-unit sends its views to the lead."))
    if result_code not in ResultCode.values:
        raise RuleViolation({"result_code": [_("Choose a result code from A to D.")]})
    if not text.strip():
        raise RuleViolation({"text": [_("Write the reply.")]})
    with transaction.atomic():
        Proposal.objects.select_for_update().filter(pk=proposal.pk).first()
        round_ = current_round(assignment)
        if ProposalReply.objects.filter(assignment=assignment, kind=ReplyKind.REPLY, round=round_).exists():
            raise RuleViolation(_("This unit has already replied; wait for the proposer's view."))
        reply = ProposalReply(
            proposal=proposal,
            assignment=assignment,
            kind=ReplyKind.REPLY,
            round=round_,
            result_code=result_code,
            text=text.strip(),
            written_by=acting_user,
            written_at=clock.now(),
        )
        validate_and_save(
            reply, acting_user=acting_user, reason=_("Reply written (round %(round)s)") % {"round": round_}
        )
        _refresh_status(proposal, acting_user=acting_user)
    return reply


def send_views(proposal: Proposal, *, assignment: Assignment, text: str, acting_user) -> ProposalReply:
    """会办: a co-unit sends its views to the lead unit before the lead answers."""
    _check_answering_unit(proposal, assignment)
    if proposal.handling_mode != HandlingMode.JOINT or assignment.role != AssignmentRole.CO:
        raise RuleViolation(_("Only a co-unit of a jointly handled proposal sends views to the lead unit."))
    if not text.strip():
        raise RuleViolation({"text": [_("Write the views.")]})
    lead = proposal.target.assignments.get(role=AssignmentRole.LEAD)
    with transaction.atomic():
        round_ = current_round(lead)
        if ProposalReply.objects.filter(assignment=lead, kind=ReplyKind.REPLY, round=round_).exists():
            raise RuleViolation(_("The lead unit has already replied in this round."))
        if ProposalReply.objects.filter(assignment=assignment, kind=ReplyKind.VIEWS, round=round_).exists():
            raise RuleViolation(_("This unit has already sent its views for this round."))
        views = ProposalReply(
            proposal=proposal,
            assignment=assignment,
            kind=ReplyKind.VIEWS,
            round=round_,
            text=text.strip(),
            written_by=acting_user,
            written_at=clock.now(),
        )
        validate_and_save(views, acting_user=acting_user, reason=_("Views sent to the lead unit"))
    return views


def record_satisfaction(reply: ProposalReply, *, satisfaction: str, acting_user, note: str = "") -> ProposalReply:
    """The office records the proposer's view; 不满意 sends the unit back to answer again."""
    if reply.kind != ReplyKind.REPLY:
        raise RuleViolation(_("The proposer's view is recorded on a reply, not on a co-unit's views."))
    if satisfaction not in Satisfaction.values:
        raise RuleViolation({"satisfaction": [_("Choose satisfied, basically satisfied or unsatisfied.")]})
    refuse_closed_year(reply.proposal.target.year)
    with transaction.atomic():
        reply = ProposalReply.objects.select_for_update().select_related("proposal__target").get(pk=reply.pk)
        if reply.satisfaction:
            raise RuleViolation(_("The proposer's view of this reply has already been recorded."))
        reply.satisfaction = satisfaction
        reply.satisfaction_note = note.strip()
        reply.satisfaction_recorded_by, reply.satisfaction_recorded_at = acting_user, clock.now()
        save_with_history(
            reply,
            acting_user=acting_user,
            reason=_("Proposer's view: %(view)s") % {"view": reply.get_satisfaction_display()},
            update_fields=[
                "satisfaction",
                "satisfaction_note",
                "satisfaction_recorded_by",
                "satisfaction_recorded_at",
            ],
        )
        proposal = reply.proposal
        if satisfaction == Satisfaction.UNSATISFIED:
            redo_by = add_months(clock.today(), settings.ZMD_PROPOSAL_REDO_MONTHS)
            message = _("Unsatisfied reply: answer again by %(day)s") % {"day": redo_by}
            if redo_by > proposal.reply_deadline:
                proposal.reply_deadline = redo_by
                save_with_history(proposal, acting_user=acting_user, reason=message, update_fields=["reply_deadline"])
            # The unit answers again; under joint handling its co-units send views again too.
            again = proposal.target.assignments.filter(pk=reply.assignment_id)
            if proposal.handling_mode == HandlingMode.JOINT:
                again = proposal.target.assignments.exclude(status=AssignmentStatus.DRAFT)
            _move_deadlines(proposal, redo_by, acting_user=acting_user, reason=message, assignments=list(again))
        _refresh_status(proposal, acting_user=acting_user)
    return reply


def derive_status(answering_ids, replies) -> str:
    """The proposal's status from each answering unit's latest reply (``replies`` in round order)."""
    latest: dict[int, ProposalReply] = {}
    for reply in replies:
        if reply.kind == ReplyKind.REPLY:
            latest[reply.assignment_id] = reply
    states = set()
    for assignment_id in answering_ids:
        reply = latest.get(assignment_id)
        if reply is None:
            states.add(ProposalStatus.PENDING)
        elif not reply.satisfaction:
            states.add(ProposalStatus.REPLIED)
        elif reply.satisfaction == Satisfaction.UNSATISFIED:
            states.add(ProposalStatus.REDO)
    for status in (ProposalStatus.REDO, ProposalStatus.PENDING, ProposalStatus.REPLIED):
        if status in states:
            return status
    return ProposalStatus.CONCLUDED


def _refresh_status(proposal: Proposal, *, acting_user) -> None:
    answering = answering_assignments(proposal).values_list("pk", flat=True)
    status = derive_status(answering, proposal.replies.order_by("round"))
    if status != proposal.status:
        proposal.status = status
        proposal.concluded_at = clock.now() if status == ProposalStatus.CONCLUDED else None
        save_with_history(
            proposal,
            acting_user=acting_user,
            reason=proposal.get_status_display(),
            update_fields=["status", "concluded_at"],
        )
        if status == ProposalStatus.CONCLUDED:
            _close_chain(proposal, acting_user=acting_user)


def _close_chain(proposal: Proposal, *, acting_user) -> None:
    """办结: every unit on the concluded proposal's chain is closed out through the ledger's own
    steps (claimed, verified, closed), so that its close-out notice and points follow as for any
    task. A link under rectification is left for the office to finish."""
    statement = _("Proposal no. %(number)s concluded: the proposer's view of the reply has been recorded.") % {
        "number": proposal.number
    }
    chain = proposal.target.assignments.filter(status__in=CLOSABLE_ON_CONCLUSION).order_by("role", "pk")
    for assignment in chain:
        if assignment.status != AssignmentStatus.CLAIMED:
            claim_completion(
                assignment,
                acting_user=acting_user,
                statement=statement,
                final_percent=100,
                final_value=assignment.goal_value if assignment.reports_value else None,
            )
        assignment.refresh_from_db()
        verify_completion(assignment, acting_user=acting_user, note=statement)
        close_out(assignment, acting_user=acting_user, reason=statement)
