"""The end of a task in the browser: 申请销号 and 申请延期 for the unit (staff and heads), the office's
decision on an extension, and the claim's evidence files. Verification, refusal and 退回重办 are
the office's 销号核验 pages in ``accountability`` (they issue the close-out notice and write points).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.views import object_for

from .. import services
from ..choices import OPEN_ASSIGNMENT_STATUSES
from ..forms.completion import ClaimForm, ExtensionDecisionForm, ExtensionForm
from ..models import Assignment, ClaimEvidence, CompletionClaim, ExtensionRequest
from ..permissions import CLAIMABLE_STATUSES


def own_assignment(request, pk: int) -> Assignment:
    """The assignment if it is the person's own unit's (staff or head): another unit's is a 404, one
    they may only read (a leader, the office) a 403."""
    assignment = object_for(Assignment, request.user, Action.VIEW, pk, select=("target", "unit"))
    if assignment.unit_id not in access_for(request.user).unit_ids:
        raise PermissionDenied(_("Only the unit itself may do this."))
    return assignment


def _back(request, assignment: Assignment):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("assignment_detail", pk=assignment.pk)


@login_required
def claim(request, pk: int):
    """申请销号: the final figures, a statement and evidence files, for the office to verify."""
    assignment = own_assignment(request, pk)
    initial = {"final_percent": 100}
    if assignment.reports_value:
        initial = {"final_value": assignment.actual_value}
    form = ClaimForm(
        request.POST or None, request.FILES or None, assignment=assignment, initial=initial, uploader=request.user
    )
    open_for_claim = assignment.status in CLAIMABLE_STATUSES
    if request.method == "POST" and open_for_claim and form.is_valid():
        try:
            services.claim_completion(assignment, acting_user=request.user, **form.service_arguments())
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            form.uploads_saved()
            messages.success(request, _("Completion claimed. The supervision office will verify it and close it out."))
            return redirect("assignment_detail", pk=assignment.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("The claim was not sent. Please correct the marked fields."))
    return render(
        request,
        "tasks/assignments/claim.html",
        {"assignment": assignment, "target": assignment.target, "form": form, "open_for_claim": open_for_claim},
    )


@login_required
def request_extension(request, pk: int):
    """申请延期: a new deadline and the reason, for the office to decide."""
    assignment = own_assignment(request, pk)
    form = ExtensionForm(request.POST or None)
    pending = services.pending_extension(assignment)
    can_ask = assignment.status in OPEN_ASSIGNMENT_STATUSES and pending is None
    if request.method == "POST" and can_ask and form.is_valid():
        try:
            services.request_extension(assignment, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Your request for more time has been sent to the office."))
            return redirect("assignment_detail", pk=assignment.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("The request was not sent. Please correct the marked fields."))
    return render(
        request,
        "tasks/assignments/extension.html",
        {
            "assignment": assignment,
            "target": assignment.target,
            "form": form,
            "pending": pending,
            "can_ask": can_ask,
            "requests": assignment.extension_requests.select_related("requested_by", "decided_by"),
        },
    )


@login_required
@require_POST
def decide_extension(request, pk: int):
    """The office grants (deadline and plan move) or refuses (with the reason) a request for more time."""
    extension = object_for(ExtensionRequest, request.user, Action.MANAGE, pk, select=("assignment",))
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, extension.assignment)
    try:
        services.decide_extension(extension, grant=form.grant, note=form.cleaned_data["note"], acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        if form.grant:
            messages.success(
                request,
                _("Extension granted: the deadline is now %(day)s and the plan has moved with it.")
                % {"day": extension.requested_deadline},
            )
        else:
            messages.success(request, _("The request has been refused; the unit sees the reason."))
    return _back(request, extension.assignment)


@login_required
def claim_evidence(request, pk: int):
    """A claim's evidence file, after the claim's access check; always as an attachment."""
    evidence = (
        ClaimEvidence.objects.filter(pk=pk, claim__in=CompletionClaim.objects.for_user(request.user).values("pk"))
        .select_related("claim")
        .first()
    )
    if evidence is None:
        raise Http404(_("Not found, or not yours to see."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from storage.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type="application/octet-stream"
    )
