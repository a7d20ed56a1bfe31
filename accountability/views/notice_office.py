"""The office's side of the five lists: issue supervision from a problem, close out verified work,
put an exposure forward, and run the daily scan now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import Action
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.views import object_for
from tasks import services as ledger
from tasks.forms.completion import ExtensionDecisionForm
from tasks.models import Assignment, ProgressReport

from .. import services, tasks
from ..forms.notices import CloseOutForm, ReasonForm, SupervisionForm, default_due
from ..models import SupervisionRules
from ..selectors import notices as selectors
from .notices import notice_url, require_office, safe_next

RECENT_CLOSE_OUTS = 20


def _assignment_and_report(request):
    """The assignment (and report) the office is acting on, from ?report= or ?assignment=."""
    source = request.POST if request.method == "POST" else request.GET
    report = None
    if source.get("report"):
        report = get_object_or_404(
            ProgressReport.objects.for_user(request.user, Action.MANAGE).select_related("assignment"),
            pk=source.get("report"),
        )
        assignment = report.assignment
    else:
        assignment = get_object_or_404(
            Assignment.objects.for_user(request.user, Action.MANAGE), pk=source.get("assignment") or 0
        )
    assignment = Assignment.objects.select_related("target", "unit").get(pk=assignment.pk)
    return assignment, report


@login_required
def new_supervision(request):
    """问题督查单: from a report's problem (?report=) or a finding on an assignment (?assignment=)."""
    require_office(request)
    assignment, report = _assignment_and_report(request)
    if request.method == "POST":
        form = SupervisionForm(request.POST)
        if form.is_valid():
            try:
                notice = services.issue_supervision(
                    assignment, report=report, acting_user=request.user, **form.cleaned_data
                )
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("Issue supervision notice %(number)s issued.") % {"number": notice.number})
                return redirect(notice_url(notice))
    else:
        problem = report.problems if report else ""
        form = SupervisionForm(
            initial={"problem": problem, "due_date": default_due(SupervisionRules.current().supervision_due_days)}
        )
    return render(
        request,
        "accountability/notices/supervision_form.html",
        {"form": form, "assignment": assignment, "report": report},
    )


@login_required
def new_exposure(request):
    """Put an exposure forward by hand; it waits for approval like the scan's candidates."""
    require_office(request)
    assignment, _report = _assignment_and_report(request)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.propose_exposure(assignment, acting_user=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The exposure is put forward; approve it to issue and publish it."))
            return redirect(notice_url(notice))
    return render(request, "accountability/notices/exposure_form.html", {"form": form, "assignment": assignment})


@login_required
def close_outs(request):
    """销号核验: claimed completions to verify (or refuse with a reason), requests for more time to
    decide, and the latest close-outs, which the office may still return for redo (退回重办)."""
    require_office(request)
    page = paginate(request, selectors.awaiting_close_out(request.user).order_by("target__code", "unit__sort_order"))
    extensions = list(selectors.pending_extensions(request.user))
    for extension in extensions:
        extension.decide_form = ExtensionDecisionForm(auto_id=f"id_ext{extension.pk}_%s")
    return render(
        request,
        "accountability/notices/close_outs.html",
        {
            "page": page,
            "form": CloseOutForm(),
            "extensions": extensions,
            "recently_closed": selectors.recently_closed(request.user)[:RECENT_CLOSE_OUTS],
        },
    )


@login_required
@require_POST
def close_out(request, assignment_id: int):
    assignment = object_for(Assignment, request.user, Action.MANAGE, assignment_id)
    form = CloseOutForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        notice = services.verify_and_close_out(assignment, acting_user=request.user, note=note)
    except RuleViolation as error:
        flash_rule_errors(request, error)
        return redirect("notices:close_outs")
    messages.success(
        request,
        _("Closed out; close-out notice %(number)s issued and the completion points written.")
        % {"number": notice.number},
    )
    return redirect(notice_url(notice))


def _with_reason(request, assignment_id: int, action, done_message: str):
    """Refuse a claim or return for redo: both need the office's reason, which the unit sees. Only the
    office acts (another unit's assignment is a 404, one the person may only read a 403)."""
    assignment = object_for(Assignment, request.user, Action.MANAGE, assignment_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason; the unit will see it."))
    else:
        try:
            action(assignment, acting_user=request.user, reason=form.cleaned_data["reason"])
        except RuleViolation as error:
            flash_rule_errors(request, error)
        else:
            messages.success(request, done_message)
    return redirect(safe_next(request, reverse("notices:close_outs")))


@login_required
@require_POST
def refuse_claim(request, assignment_id: int):
    """The claim does not hold as it stands: the unit works on and sees why."""
    return _with_reason(
        request, assignment_id, ledger.refuse_completion, _("The claim is refused; the unit sees the reason.")
    )


@login_required
@require_POST
def return_for_redo(request, assignment_id: int):
    """退回重办 on a claimed or closed-out assignment: the unit's work reopens; a close-out's points
    are reversed in the points ledger."""
    return _with_reason(
        request,
        assignment_id,
        ledger.return_for_redo,
        _("Returned for redo: the unit's work is open again, and any completion points are reversed."),
    )


@login_required
def problems(request):
    """待督查问题: problems units reported (报问题), each once however often repeated, until an
    issue-supervision notice covers it or the office marks it resolved or merged into an earlier one."""
    require_office(request)
    state = "closed" if request.GET.get("state") == "closed" else "open"
    if state == "closed":
        page = paginate(request, selectors.closed_problems(request.user))
        context = {"page": page, "state": state}
        return render(request, "accountability/notices/problems.html", context)
    open_problems = selectors.open_problems(request.user)
    page = paginate(request, open_problems)
    # The earlier problems each one may be merged into: open ones on the same target (one query).
    rows = list(page)
    targets = {report.assignment.target_id for report in rows}
    candidates = list(
        open_problems.filter(assignment__target__in=targets).values_list(
            "pk", "assignment__target_id", "period_end", "period", "assignment__unit__name", "problems"
        )
    )
    for report in rows:
        report.merge_choices = [
            (pk, f"{period} {unit}：{text[:40]}")
            for pk, target_id, period_end, period, unit, text in candidates
            if target_id == report.assignment.target_id
            and pk != report.pk
            and (period_end, pk) <= (report.period_end, report.pk)
        ]
    context = {"page": page, "rows": rows, "state": state}
    return render(request, "accountability/notices/problems.html", context)


def _problem_action(request, pk: int, action, done: str):
    require_office(request)
    report = get_object_or_404(selectors.problem_reports(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the problem is closed."))
        return redirect("notices:problems")
    try:
        action(report, form.cleaned_data["reason"])
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("notices:problems")


@login_required
@require_POST
def resolve_problem(request, pk: int):
    """标记已解决: the problem leaves the list with all its repeats."""
    return _problem_action(
        request,
        pk,
        lambda report, reason: services.resolve_problem(report, reason=reason, acting_user=request.user),
        _("The problem is marked resolved."),
    )


@login_required
@require_POST
def merge_problem(request, pk: int):
    """并入前一问题: the problem is followed as the earlier one chosen."""
    raw = request.POST.get("merged_into", "")
    into = (
        selectors.problem_reports(request.user).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    )
    if into is None:
        require_office(request)
        messages.error(request, _("Choose the earlier problem to merge it into."))
        return redirect("notices:problems")
    return _problem_action(
        request,
        pk,
        lambda report, reason: services.merge_problem(report, into=into, reason=reason, acting_user=request.user),
        _("The problem is merged into the earlier one."),
    )


@login_required
@require_POST
def run_scan(request):
    """The office asks for the daily scan now; a worker runs it (the same job as the nightly one)."""
    require_office(request)
    if tasks.enqueue(tasks.run_supervision_scan, None, request.user.pk):
        messages.success(request, _("The scan has been started; new notices appear in a minute."))
    else:
        messages.error(request, _("The job queue cannot be reached; the scan will run at its usual time tonight."))
    return redirect("notices:register")
