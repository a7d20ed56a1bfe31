"""Filing a report (四报) and reading one; the unit's report history and the head's approvals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock, versions
from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors
from core.lists import paginate
from core.periods import period_from_key
from core.permissions import get_or_deny
from core.views import object_for, unit_heads, unit_members

from .. import services
from ..choices import FollowUpTopic, ReportStatus, ShareRule
from ..forms.reports import FollowUpForm, ReportForm, ReturnForm, follow_up_kinds
from ..judgment import lateness
from ..models import Assignment, ProgressReport, ReportTimeLimits
from ..selectors.reports import report_rows
from ..selectors.rollup import co_unit_figures
from ..services.reports import EDITABLE_REPORT_STATUSES


def _period(assignment: Assignment, key: str | None):
    if key:
        try:
            return period_from_key(key, assignment.target.report_frequency)
        except ValueError:
            return None
    return services.current_period(assignment)


def _report_label(row) -> str:
    return _("Report of %(period)s") % {"period": row.period}


@login_required
def report_edit(request, pk: int):
    """Write, save as draft, submit, or refile after a return: one period's report of an assignment."""
    user = request.user
    assignment = object_for(Assignment, user, Action.REPORT, pk, select=("target", "unit"))
    period = _period(assignment, request.GET.get("period") or request.POST.get("period"))
    if period is None:
        messages.error(request, _("This is not a reporting period of this target."))
        return redirect("assignment_detail", pk=assignment.pk)
    report = assignment.reports.filter(period=period.key).first()
    if report is not None and report.status not in EDITABLE_REPORT_STATUSES:
        messages.info(request, _("This period's report has already been submitted and cannot be edited."))
        return redirect("report_detail", pk=report.pk)
    initial = {}
    if report is not None:
        initial = {
            name: getattr(report, name)
            for name in ("progress_percent", "actual_value", "work_done", "problems", "next_plan", "suggestions")
        }
    co_figures = co_unit_figures(assignment)
    coordinating = co_figures and assignment.share is None and assignment.target.share_rule == ShareRule.SUM
    if report is None and coordinating and co_figures.value is not None:
        initial["actual_value"] = co_figures.value  # a lead that coordinates reports the units' total
    form = ReportForm(
        request.POST or None, request.FILES or None, assignment=assignment, initial=initial, uploader=user
    )
    history = ProgressReport.history.filter(assignment_id=assignment.pk, period=period.key)
    version, stale = versions.version_of(history), []
    if request.method == "POST" and form.is_valid():
        stored_files = []
        try:
            with transaction.atomic():
                ProgressReport.objects.select_for_update().filter(assignment=assignment, period=period.key).first()
                version = versions.version_of(history)
                if versions.is_stale(request, version):
                    stale = versions.changes_since(history, request.POST.get(versions.FIELD), describe=_report_label)
                    raise versions.StaleEdit
                report = services.save_report(
                    assignment, acting_user=user, period_key=period.key, **form.service_arguments()
                )
                for uploaded in form.cleaned_data["evidence"]:
                    evidence = services.add_evidence(report, uploaded_file=uploaded, acting_user=user)
                    stored_files.append((evidence.file.storage, evidence.file.name))
                if form.submitting:
                    services.submit_report(report, acting_user=user)
        except versions.StaleEdit:
            report = assignment.reports.filter(period=period.key).first()
            form.keep_uploads()  # nothing was saved: the chosen files wait for the next submit
        except RuleViolation as error:
            # The rows rolled back; the files written meanwhile must go too.
            for storage, name in stored_files:
                storage.delete(name)
            report = assignment.reports.filter(period=period.key).first()
            add_rule_errors(form, error)
        else:
            form.uploads_saved()
            if not form.submitting:
                messages.success(request, _("The draft is saved. It reaches no one until you submit it."))
                return redirect(f"{request.path}?period={period.key}")
            if report.status == ReportStatus.PENDING_APPROVAL:
                messages.success(request, _("Submitted. The report now waits for your unit head's approval."))
            else:
                messages.success(request, _("Submitted to the supervision office."))
            return redirect("report_detail", pk=report.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("The report was not saved. Please correct the marked fields."))
    return render(
        request,
        "tasks/reports/edit.html",
        {
            "assignment": assignment,
            "target": assignment.target,
            "period": period,
            "report": report,
            "form": form,
            "version": version,
            "stale": stale,
            "evidence": report.evidence.all() if report else [],
            "milestones": assignment.milestones.filter(due_date__gte=period.start).order_by("due_date")[:3],
            "co_figures": co_figures,
        },
        status=409 if stale else 200,
    )


@login_required
def report_detail(request, pk: int):
    user = request.user
    report = get_or_deny(
        ProgressReport,
        user,
        pk,
        "report.view",
        select=("assignment__target__leader", "assignment__unit", "author", "approved_by", "reviewed_by"),
    )
    access = access_for(user)
    kinds = follow_up_kinds(access)
    return render(
        request,
        "tasks/reports/detail.html",
        {
            "report": report,
            "assignment": report.assignment,
            "target": report.assignment.target,
            "evidence": report.evidence.select_related("uploaded_by"),
            "follow_ups": report.follow_ups.select_related("author", "written_by").order_by("created_at"),
            "history": report.history.select_related("history_user").order_by("-history_date"),
            # A callable: the calendar is read only when the form is shown.
            "return_form": ReturnForm(initial={"refile_by": lambda: lateness.default_refile_by(clock.today())}),
            "follow_up_form": FollowUpForm(kinds=kinds, with_topic=True) if kinds else None,
            "topics": FollowUpTopic,
        },
    )


@unit_members
def report_list(request):
    """My unit's reports (history), or with ``?co=1`` the co-units' reports on targets we lead."""
    user = request.user
    access = access_for(user)
    visible = ProgressReport.objects.for_user(user)
    co_units = request.GET.get("co") == "1"
    if co_units:
        visible = visible.exclude(assignment__unit__in=access.unit_ids).exclude(status=ReportStatus.DRAFT)
    else:
        visible = visible.filter(assignment__unit__in=access.unit_ids)
    status = request.GET.get("status")
    if status in ReportStatus.values:
        visible = visible.filter(status=status)
    page = paginate(request, report_rows(visible).order_by("-period_end", "assignment__target__code"))
    return render(
        request,
        "tasks/reports/list.html",
        {"page": page, "co_units": co_units, "status": status, "statuses": ReportStatus.choices},
    )


@unit_heads
def approvals(request):
    """The unit head's queue: reports waiting for approval before they go to the office."""
    waiting = ProgressReport.objects.for_user(request.user, Action.APPROVE).filter(status=ReportStatus.PENDING_APPROVAL)
    page = paginate(request, report_rows(waiting).order_by("submitted_at"))
    # 负责人未审批: the head sees by when each report is to be approved, and which are overdue.
    calendar, days, today = (
        lateness.WorkingCalendar.load(),
        ReportTimeLimits.current().head_approval_days,
        clock.today(),
    )
    overdue = []
    for report in page:
        report.approval_due = lateness.approval_due(report, calendar, days)
        if report.approval_due and today > report.approval_due:
            overdue.append(report)
    return render(request, "tasks/reports/approvals.html", {"page": page, "overdue": overdue})
