"""What may still happen to a report once written: the author's unit deletes a draft (删除草稿) or
withdraws a report nobody has decided on (撤回); the office reopens a wrong acceptance (重新打开)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import RuleViolation, flash_rule_errors
from core.permissions import get_or_deny

from .. import services
from ..models import ProgressReport


def _report(request, pk: int, action: str) -> ProgressReport:
    return get_or_deny(ProgressReport, request.user, pk, action, select=("assignment__target", "assignment__unit"))


def _failed(request, error: RuleViolation, report: ProgressReport):
    flash_rule_errors(request, error)
    return redirect("report_detail", pk=report.pk)


@require_POST
@login_required
def delete_draft(request, pk: int):
    report = _report(request, pk, "report.delete")
    assignment_pk = report.assignment_id
    try:
        services.delete_report(report, acting_user=request.user)
    except RuleViolation as error:
        return _failed(request, error, report)
    messages.success(request, _("The draft and its files were deleted."))
    return redirect("assignment_detail", pk=assignment_pk)


@require_POST
@login_required
def withdraw(request, pk: int):
    report = _report(request, pk, "report.withdraw")
    try:
        services.withdraw_report(report, acting_user=request.user, reason=request.POST.get("reason", ""))
    except RuleViolation as error:
        return _failed(request, error, report)
    messages.success(request, _("The report was withdrawn. Correct it and file it again."))
    return redirect("report_detail", pk=report.pk)


@require_POST
@login_required
def reopen(request, pk: int):
    report = _report(request, pk, "report.reopen")
    try:
        services.reopen_report(report, acting_user=request.user, reason=request.POST.get("reason", ""))
    except RuleViolation as error:
        return _failed(request, error, report)
    messages.success(request, _("The report was reopened and waits for review again."))
    return redirect("report_detail", pk=report.pk)
