"""Review: the unit head's approval and the office's acceptance or return; the office's queues."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import Action, access_for
from core.errors import RuleViolation, flash_rule_errors
from core.lists import paginate
from core.views import leaders_and_office, object_for, office_only

from .. import services
from ..choices import ReportStatus
from ..forms.filters import ReviewFilterForm
from ..forms.reports import ReturnForm
from ..models import ProgressReport
from ..selectors.reports import OPEN_PROBLEM, OPEN_SUGGESTION, follow_up_reports, report_rows


def _run(request, report, action, success: str):
    try:
        action()
    except services.AlreadyDone as done:  # a double click or a colleague was first: nothing to do
        flash_rule_errors(request, done, messages.INFO)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("report_detail", pk=report.pk)


@require_POST
@login_required
def approve(request, pk: int):
    report = object_for(ProgressReport, request.user, Action.APPROVE, pk)
    return _run(
        request,
        report,
        lambda: services.approve_report(report, acting_user=request.user),
        _("Approved. The report has gone to the supervision office."),
    )


@require_POST
@login_required
def accept(request, pk: int):
    report = object_for(ProgressReport, request.user, Action.MANAGE, pk)
    return _run(
        request,
        report,
        lambda: services.accept_report(report, acting_user=request.user),
        _("Accepted. Its figures are now the assignment's progress."),
    )


@require_POST
@login_required
def return_report(request, pk: int):
    """Send back with a reason: the head before approval, the office after submission."""
    user = request.user
    visible = object_for(ProgressReport, user, Action.VIEW, pk)
    action = Action.APPROVE if visible.status == ReportStatus.PENDING_APPROVAL else Action.MANAGE
    report = object_for(ProgressReport, user, action, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        for field in ("reason", "refile_by"):
            for message in form.errors.get(field, []):
                messages.error(request, message)
        return redirect("report_detail", pk=report.pk)
    data = form.cleaned_data
    return _run(
        request,
        report,
        lambda: services.return_report(report, acting_user=user, reason=data["reason"], refile_by=data["refile_by"]),
        _("Returned to the unit with your reason."),
    )


@office_only
def review_queue(request):
    """审核队列: submitted reports, the longest waiting first; filtered by unit, age and kind."""
    form = ReviewFilterForm(request.GET)
    filters = form.filters
    waiting = (
        ProgressReport.objects.for_user(request.user, Action.MANAGE)
        .filter(status=ReportStatus.SUBMITTED)
        .annotate(reached_office_at=Coalesce("approved_at", "submitted_at"))
    )
    if "unit" in filters:
        waiting = waiting.filter(assignment__unit=filters["unit"])
    if "target_type" in filters:
        waiting = waiting.filter(assignment__target__target_type=filters["target_type"])
    if "age" in filters:
        waiting = waiting.filter(reached_office_at__lt=clock.now() - dt.timedelta(days=filters["age"]))
    rows = report_rows(waiting).prefetch_related("evidence").order_by("reached_office_at", "pk")
    page = paginate(request, rows)
    today = clock.today()
    for report in page:
        report.waiting_days = (today - timezone.localtime(report.reached_office_at).date()).days
    return render(request, "tasks/office/review_queue.html", {"page": page, "form": form})


@leaders_and_office
def follow_up_list(request):
    """两跟进: reports that raise problems or suggestions; open until the office has followed up."""
    scope = request.GET.get("state", "open")
    rows = follow_up_reports(ProgressReport.objects.for_user(request.user))
    if scope == "open":
        rows = rows.filter(OPEN_PROBLEM | OPEN_SUGGESTION)
    elif scope == "answered":
        rows = rows.exclude(OPEN_PROBLEM | OPEN_SUGGESTION)
    page = paginate(request, report_rows(rows).order_by("-period_end", "assignment__target__code"))
    return render(
        request,
        "tasks/office/follow_ups.html",
        {"page": page, "state": scope, "access": access_for(request.user)},
    )
