"""Proposal pages (建议提案): the register, one proposal with its replies, and the forms on it.

Units reply (or, as co-units of a jointly handled proposal, send views to the lead); the office
registers the proposal data, extends the deadline once and records the proposer's view.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate

from .. import services
from ..choices import (
    AssignmentRole,
    ExtensionStatus,
    HandlingMode,
    ProposalKind,
    ProposalStatus,
    ReplyKind,
    TargetType,
)
from ..forms.proposals import (
    DecideExtensionForm,
    EditProposalForm,
    ExtendForm,
    RegisterProposalForm,
    ReplyForm,
    RequestExtensionForm,
    SatisfactionForm,
    ViewsForm,
)
from ..models import Assignment, ExtensionRequest, Proposal, ProposalReply, Target


def _with_role(request):
    access = access_for(request.user)
    if not (access.sees_everything or access.unit_ids):
        raise PermissionDenied
    return access


@login_required
def proposal_list(request):
    access = _with_role(request)
    lead_unit = Assignment.objects.filter(target=OuterRef("target"), role=AssignmentRole.LEAD).values("unit__name")
    proposals = (
        Proposal.objects.for_user(request.user)
        .select_related("target")
        .annotate(lead_unit=Subquery(lead_unit[:1]))
        .order_by("target__year", "kind", "number")
    )
    kind, status = request.GET.get("kind"), request.GET.get("status")
    if kind in ProposalKind.values:
        proposals = proposals.filter(kind=kind)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    unregistered = Target.objects.none()
    if access.office:
        unregistered = Target.objects.for_user(request.user, Action.MANAGE).filter(
            target_type=TargetType.PROPOSAL, proposal__isnull=True
        )
    return render(
        request,
        "tasks/proposals/list.html",
        {
            "page": paginate(request, proposals),
            "unregistered": unregistered,
            "kinds": ProposalKind.choices,
            "statuses": ProposalStatus.choices,
            "kind": kind,
            "status": status,
        },
    )


@login_required
def proposal_register(request, target_id: int):
    targets = Target.objects.for_user(request.user, Action.MANAGE).filter(
        target_type=TargetType.PROPOSAL, proposal__isnull=True
    )
    target = get_object_or_404(targets, pk=target_id)
    form = RegisterProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.register_proposal(target, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The proposal has been registered; its reply deadline is on the chain."))
            return redirect("proposals:detail", proposal.pk)
    return render(request, "tasks/proposals/register.html", {"target": target, "form": form})


def _own_assignments(proposal: Proposal, user):
    """The person's own units' assignments on the proposal: what they answer or ask time for.

    Units answer for themselves: the office sees no unit's forms (it records the proposer's view
    instead), even though its access reaches every unit.
    """
    return Assignment.objects.for_user(user, Action.REPORT).filter(
        target=proposal.target, unit__in=access_for(user).staff_unit_ids
    )


def _answering_forms(proposal: Proposal, user) -> list[dict]:
    """The reply or views forms the person may fill in, one per assignment of their own unit."""
    forms = []
    mine = _own_assignments(proposal, user).select_related("unit")
    lead = proposal.target.assignments.filter(role=AssignmentRole.LEAD).first()
    for assignment in mine:
        if proposal.handling_mode == HandlingMode.JOINT and assignment.role == AssignmentRole.CO:
            action, kind, form = "views", ReplyKind.VIEWS, ViewsForm(initial={"assignment": assignment.pk})
            round_ = services.current_round(lead) if lead else 1  # views go into the lead's round
        else:
            action, kind, form = "reply", ReplyKind.REPLY, ReplyForm(initial={"assignment": assignment.pk})
            round_ = services.current_round(assignment)
        done = assignment.proposal_replies.filter(kind=kind, round=round_).exists()
        forms.append({"assignment": assignment, "form": form, "action": action, "round": round_, "done": done})
    return forms


@login_required
def proposal_detail(request, pk: int):
    _with_role(request)
    proposal = get_object_or_404(Proposal.objects.for_user(request.user).select_related("target__leader"), pk=pk)
    office = access_for(request.user).office
    replies = list(
        proposal.replies.select_related("assignment__unit", "written_by", "satisfaction_recorded_by").order_by(
            "round", "kind", "written_at"
        )
    )
    context = {
        "proposal": proposal,
        "chain": proposal.target.assignments.select_related("unit").order_by("role", "unit__sort_order"),
        "replies": replies,
        "office": office,
        "answering_forms": _answering_forms(proposal, request.user),
        "history": proposal.history.select_related("history_user").order_by("-history_date")[:20],
        "extension_requests": list(_extension_requests(proposal)),
    }
    context["extension_forms"] = _extension_forms(proposal, request.user, context["extension_requests"])
    if office:
        context["edit_form"] = EditProposalForm(
            initial={
                "number": proposal.number,
                "session": proposal.session,
                "proposers": proposal.proposers,
                "handling_mode": proposal.handling_mode,
            }
        )
        context["extend_form"] = None if proposal.was_extended else ExtendForm()
        for pending in context["extension_requests"]:
            if pending.status == ExtensionStatus.PENDING:
                pending.decide_form = DecideExtensionForm(
                    initial={"request": pending.pk}, auto_id=f"id_decide{pending.pk}_%s"
                )
        for reply in replies:  # one form per reply awaiting the proposer's view, with its own ids
            if reply.kind == ReplyKind.REPLY and not reply.satisfaction:
                reply.view_form = SatisfactionForm(auto_id=f"id_view{reply.pk}_%s")
    return render(request, "tasks/proposals/detail.html", context)


def _extension_requests(proposal: Proposal):
    return (
        ExtensionRequest.objects.filter(assignment__target=proposal.target)
        .select_related("assignment__unit", "requested_by", "decided_by")
        .order_by("requested_at")
    )


def _extension_forms(proposal: Proposal, user, requests: list) -> list[dict]:
    """The unit's "ask for more time" form, one per assignment of its own, while the proposal's one
    extension is unused, the proposal is open and the unit has no request waiting."""
    if proposal.was_extended or proposal.status == ProposalStatus.CONCLUDED:
        return []
    waiting = {r.assignment_id for r in requests if r.status == ExtensionStatus.PENDING}
    mine = _own_assignments(proposal, user).select_related("unit")
    return [
        {
            "assignment": assignment,
            "waiting": assignment.pk in waiting,
            "form": RequestExtensionForm(initial={"assignment": assignment.pk}, auto_id=f"id_ext{assignment.pk}_%s"),
        }
        for assignment in mine
    ]


def _fail(request, form_or_error) -> None:
    if isinstance(form_or_error, RuleViolation):
        flash_rule_errors(request, form_or_error)
        return
    for errors in form_or_error.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def proposal_action(request, pk: int, action: str):
    """One POST endpoint per form on the proposal page; each checks its own right to act."""
    proposal = get_object_or_404(Proposal.objects.for_user(request.user).select_related("target"), pk=pk)
    if action not in _ACTIONS:
        raise Http404
    form_class, act, office_only = _ACTIONS[action]
    if office_only and not access_for(request.user).office:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        _fail(request, form)
        return redirect("proposals:detail", proposal.pk)
    try:
        messages.success(request, act(request, proposal, form.cleaned_data))
    except RuleViolation as error:
        _fail(request, error)
    return redirect("proposals:detail", proposal.pk)


def _own_assignment(request, proposal, data):
    assignment = _own_assignments(proposal, request.user).filter(pk=data["assignment"]).first()
    if assignment is None:
        raise Http404
    return assignment


def _reply(request, proposal, data) -> str:
    services.submit_reply(
        proposal,
        assignment=_own_assignment(request, proposal, data),
        text=data["text"],
        result_code=data["result_code"],
        acting_user=request.user,
    )
    return _("Your reply has been recorded.")


def _views(request, proposal, data) -> str:
    assignment = _own_assignment(request, proposal, data)
    services.send_views(proposal, assignment=assignment, text=data["text"], acting_user=request.user)
    return _("Your views have been sent to the lead unit.")


def _request_extension(request, proposal, data) -> str:
    services.request_extension(
        _own_assignment(request, proposal, data),
        new_deadline=data["new_deadline"],
        reason=data["reason"],
        acting_user=request.user,
    )
    return _("Your request for more time has been sent to the office.")


def _decide_extension(request, proposal, data) -> str:
    pending = get_object_or_404(ExtensionRequest.objects.filter(assignment__target=proposal.target), pk=data["request"])
    grant = data["decision"] == "grant"
    services.decide_extension(pending, grant=grant, note=data["note"], acting_user=request.user)
    return _("The reply deadline has been extended.") if grant else _("The request has been refused.")


def _edit(request, proposal, data) -> str:
    services.update_proposal(proposal, acting_user=request.user, **data)
    return _("The proposal has been saved.")


def _extend(request, proposal, data) -> str:
    services.extend_reply_deadline(proposal, acting_user=request.user, **data)
    return _("The reply deadline has been extended.")


# action -> (its form, what it does, whether only the office may)
_ACTIONS = {
    "reply": (ReplyForm, _reply, False),
    "views": (ViewsForm, _views, False),
    "request-extension": (RequestExtensionForm, _request_extension, False),
    "decide-extension": (DecideExtensionForm, _decide_extension, True),
    "edit": (EditProposalForm, _edit, True),
    "extend": (ExtendForm, _extend, True),
}


@login_required
@require_POST
def record_view(request, reply_id: int):
    """The office records the proposer's view of one reply."""
    if not access_for(request.user).office:
        raise Http404
    reply = get_object_or_404(
        ProposalReply.objects.filter(proposal__in=Proposal.objects.for_user(request.user, Action.MANAGE)),
        pk=reply_id,
    )
    form = SatisfactionForm(request.POST)
    if not form.is_valid():
        _fail(request, form)
    else:
        try:
            services.record_satisfaction(reply, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            _fail(request, error)
        else:
            messages.success(request, _("The proposer's view has been recorded."))
    return redirect("proposals:detail", reply.proposal_id)
