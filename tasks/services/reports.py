"""Progress reports (四报): draft, submit, optional unit-head approval, office review; evidence;
the two follow-ups (两跟进) on problems and suggestions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core import clock
from core.errors import AlreadyDone, RuleViolation
from core.periods import Period, period_for, period_from_key
from core.permissions import can

from .. import signals
from ..choices import (
    REPORTABLE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    FollowUpKind,
    FollowUpTopic,
    ReportStatus,
    ReturnedBy,
)
from ..judgment import lateness
from ..measures import percent_of_goal
from ..models import Assignment, Evidence, FollowUp, ProgressReport, Target
from .breakdown import mark_in_progress
from .common import lock_fresh, save_with_history, validate_and_save
from .year_progress import keeping_year_progress
from .years import refuse_closed_assignment, refuse_closed_year

EDITABLE_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
RETURN_FIELDS = ["status", "return_reason", "returned_by_role", "refile_by", "reviewed_by", "reviewed_at", "updated_at"]
REPORT_PARTS = ("work_done", "problems", "next_plan", "suggestions")
# Executables and scripts are refused whatever their name says.
_FORBIDDEN_MAGIC = (b"MZ", b"\x7fELF", b"#!")


def current_period(assignment: Assignment) -> Period:
    return period_for(clock.today(), assignment.target.report_frequency)


def _progress_from_input(assignment: Assignment, progress_percent, actual_value) -> tuple[Decimal, Decimal | None]:
    target = assignment.target
    if assignment.reports_value:
        if actual_value is None:
            message = _("Enter the actual value in %(unit)s.") % {"unit": target.measure_unit}
            raise RuleViolation({"actual_value": [message]})
        actual_value = Decimal(actual_value)
        goal = assignment.goal_value
        baseline = target.progress_baseline
        percent = percent_of_goal(actual_value, goal=goal, baseline=baseline, direction=target.direction)
        return percent, actual_value
    if progress_percent is None:
        raise RuleViolation({"progress_percent": [_("Enter the cumulative progress in percent.")]})
    progress_percent = Decimal(progress_percent)
    if not 0 <= progress_percent <= 100:
        raise RuleViolation({"progress_percent": [_("Progress must be between 0 and 100 percent.")]})
    return progress_percent, None


def save_report(
    assignment: Assignment,
    *,
    acting_user,
    period_key: str | None = None,
    progress_percent=None,
    actual_value=None,
    **parts: str,
) -> ProgressReport:
    """Create or update the unit's draft for a period (default: the current one)."""
    unknown = set(parts) - set(REPORT_PARTS)
    if unknown:
        raise TypeError(f"unknown report parts: {sorted(unknown)}")
    target = assignment.target
    refuse_closed_year(target.year)
    if assignment.status not in REPORTABLE_ASSIGNMENT_STATUSES:
        raise RuleViolation(
            _("No report can be filed while the assignment is %(status)s.")
            % {"status": assignment.get_status_display()}
        )
    try:
        period = period_from_key(period_key, target.report_frequency) if period_key else current_period(assignment)
    except ValueError:
        raise RuleViolation({"period": [_("This is not a reporting period of this target.")]}) from None
    if period.start > clock.today():
        raise RuleViolation({"period": [_("A report cannot be filed for a period that has not begun.")]})
    if period.end < target.start_date or period.start > assignment.deadline:
        raise RuleViolation({"period": [_("This period is outside the assignment's time.")]})
    percent, value = _progress_from_input(assignment, progress_percent, actual_value)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().filter(assignment=assignment, period=period.key).first()
        if report is None:
            report = ProgressReport(
                assignment=assignment, period=period.key, period_end=period.end, due_date=period.due, author=acting_user
            )
        elif report.status not in EDITABLE_REPORT_STATUSES:
            raise RuleViolation(_("This period's report has already been submitted and cannot be edited."))
        report.progress_percent, report.actual_value = percent, value
        for name, text in parts.items():
            setattr(report, name, (text or "").strip())
        validate_and_save(report, acting_user=acting_user, reason=_("Report saved"))
    return report


def submit_report(report: ProgressReport, *, acting_user) -> ProgressReport:
    """Send the report on: to the unit head when the unit asks for approval, else to the office."""
    refuse_closed_assignment(report.assignment)
    with transaction.atomic():
        lock_fresh(report)
        if report.status in (ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED):
            raise AlreadyDone(_("This report has already been submitted."))
        if report.status not in EDITABLE_REPORT_STATUSES:
            raise RuleViolation(_("Only a draft or returned report can be submitted."))
        if not report.work_done.strip():
            raise RuleViolation({"work_done": [_("Describe the work done before submitting.")]})
        assignment = report.assignment
        if assignment.status not in REPORTABLE_ASSIGNMENT_STATUSES:
            raise RuleViolation(
                _("No report can be filed while the assignment is %(status)s.")
                % {"status": assignment.get_status_display()}
            )
        now = clock.now()
        # The filing that counts for lateness: the first one, kept by a refile within its date.
        if report.filed_at is None or not lateness.filing_kept_on_refile(report, clock.today()):
            report.filed_at = now
        report.submitted_at = now
        if assignment.unit.requires_head_approval:
            report.status = ReportStatus.PENDING_APPROVAL
        else:
            report.status = ReportStatus.SUBMITTED
        report.return_reason = ""
        save_with_history(
            report,
            acting_user=acting_user,
            reason=_("Submitted"),
            update_fields=["status", "submitted_at", "filed_at", "return_reason", "updated_at"],
        )
        if report.status == ReportStatus.SUBMITTED:
            _after_filed(report, acting_user=acting_user)
    return report


def _after_filed(report: ProgressReport, *, acting_user) -> None:
    assignment = report.assignment
    if assignment.status in (AssignmentStatus.ISSUED, AssignmentStatus.SIGNED):
        mark_in_progress(assignment, acting_user=acting_user, reason=_("First report filed"))
    transaction.on_commit(
        lambda: signals.report_filed.send(ProgressReport, report_id=report.pk, acting_user_id=acting_user.pk)
    )


def approve_report(report: ProgressReport, *, acting_user) -> ProgressReport:
    """The unit head lets the report go out to the office."""
    refuse_closed_assignment(report.assignment)
    with transaction.atomic():
        lock_fresh(report)
        if report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED) and report.approved_at:
            raise AlreadyDone(_("This report has already been approved."))
        if report.status != ReportStatus.PENDING_APPROVAL:
            raise RuleViolation(_("Only a report awaiting approval can be approved."))
        report.status = ReportStatus.SUBMITTED
        report.approved_by, report.approved_at = acting_user, clock.now()
        save_with_history(
            report,
            acting_user=acting_user,
            reason=_("Approved by the unit head"),
            update_fields=["status", "approved_by", "approved_at", "updated_at"],
        )
        _after_filed(report, acting_user=acting_user)
    return report


def return_report(
    report: ProgressReport, *, acting_user, reason: str, refile_by: dt.date | None = None
) -> ProgressReport:
    """Send the report back with a reason and a refile-by date (default: the office's refile limit in
    working days): by the unit head before approval, or by the office. Refiled by that date, the
    report is not late."""
    if not reason.strip():
        raise RuleViolation({"return_reason": [_("Say why the report is returned.")]})
    today = clock.today()
    refile_by = refile_by or lateness.default_refile_by(today)
    if refile_by < today:
        raise RuleViolation({"refile_by": [_("The refile-by date cannot be before today.")]})
    refuse_closed_assignment(report.assignment)
    with transaction.atomic():
        lock_fresh(report)
        if report.status == ReportStatus.RETURNED:
            raise AlreadyDone(_("This report has already been returned."))
        if report.status not in (ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED):
            raise RuleViolation(_("Only a report waiting for review can be returned."))
        report.returned_by_role = (
            ReturnedBy.HEAD if report.status == ReportStatus.PENDING_APPROVAL else ReturnedBy.OFFICE
        )
        report.refile_by = refile_by
        report.status = ReportStatus.RETURNED
        report.return_reason = reason.strip()
        report.reviewed_by, report.reviewed_at = acting_user, clock.now()
        save_with_history(
            report,
            acting_user=acting_user,
            reason=_("Returned: %(reason)s") % {"reason": report.return_reason},
            update_fields=RETURN_FIELDS,
        )
    return report


def accept_report(report: ProgressReport, *, acting_user) -> ProgressReport:
    """The office accepts the report; its figures become the assignment's latest progress.
    A second accept (a double click, two people at once) finds it accepted and changes nothing."""
    refuse_closed_assignment(report.assignment)
    with transaction.atomic(), keeping_year_progress(assignment_ids=[report.assignment_id]):
        lock_fresh(report)
        if report.status == ReportStatus.ACCEPTED:
            raise AlreadyDone(_("This report has already been accepted."))
        if report.status != ReportStatus.SUBMITTED:
            raise RuleViolation(_("Only a submitted report can be accepted."))
        report.status = ReportStatus.ACCEPTED
        report.reviewed_by, report.reviewed_at = acting_user, clock.now()
        save_with_history(
            report,
            acting_user=acting_user,
            reason=_("Accepted"),
            update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"],
        )
        sync_progress(report.assignment_id, acting_user=acting_user)
        transaction.on_commit(
            lambda: signals.report_accepted.send(ProgressReport, report_id=report.pk, acting_user_id=acting_user.pk)
        )
    return report


def sync_progress(assignment_id: int, *, acting_user) -> None:
    """The assignment's kept progress is its latest accepted report's (none: nothing reported)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    latest = assignment.reports.filter(status=ReportStatus.ACCEPTED).order_by("-period_end").first()
    kept = (
        (latest.progress_percent, latest.actual_value, latest.period, latest.submitted_at)
        if latest
        else (Decimal(0), None, "", None)
    )
    stored = (assignment.progress_percent, assignment.actual_value, assignment.last_report_period,
              assignment.last_reported_at)  # fmt: skip
    if stored == kept:
        return
    assignment.progress_percent, assignment.actual_value, assignment.last_report_period = kept[:3]
    assignment.last_reported_at = kept[3]
    reason = (
        _("Progress from the report of %(period)s") % {"period": latest.period}
        if latest
        else _("No accepted report left")
    )
    save_with_history(
        assignment,
        acting_user=acting_user,
        reason=reason,
        update_fields=["progress_percent", "actual_value", "last_report_period", "last_reported_at"],
    )


def delete_report(report: ProgressReport, *, acting_user) -> None:
    """Delete a draft and its files (删除草稿): only its own unit's staff, only while it is a draft.
    A report once submitted is never deleted — it is withdrawn (``withdraw_report``) or returned."""
    with transaction.atomic(), keeping_year_progress(assignment_ids=[report.assignment_id]):
        lock_fresh(report)
        if report.status != ReportStatus.DRAFT:
            raise RuleViolation(_("Only a draft can be deleted; a submitted report can only be withdrawn."))
        if not can(acting_user, "report.delete", report):
            raise RuleViolation(_("Only your own unit's drafts can be deleted."))
        stored = [(e.file.storage, e.file.name) for e in report.evidence.all()]
        for evidence in report.evidence.all():
            evidence._history_user = acting_user
            evidence._change_reason = _("Deleted with the draft")
            evidence.delete()
        report._history_user = acting_user
        report._history_date = clock.now()
        report._change_reason = _("Draft deleted")
        try:
            with transaction.atomic():
                report.delete()
        except ProtectedError:
            raise RuleViolation(_("Other records refer to this draft: it cannot be deleted.")) from None
        sync_progress(report.assignment_id, acting_user=acting_user)
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in stored])


def withdraw_report(report: ProgressReport, *, acting_user, reason: str) -> ProgressReport:
    """撤回: the unit takes back a report nobody has decided on yet; it can be corrected and filed again.
    Nothing is deleted: the report stands as returned with the reason, and its history keeps both."""
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the report is withdrawn.")]})
    refuse_closed_assignment(report.assignment)
    with transaction.atomic():
        lock_fresh(report)
        if not can(acting_user, "report.withdraw", report):
            raise RuleViolation(_("Only your unit can withdraw a report, and only before it is decided on."))
        report.status = ReportStatus.RETURNED
        report.return_reason = _("Withdrawn by the unit: %(reason)s") % {"reason": reason.strip()}
        save_with_history(
            report,
            acting_user=acting_user,
            reason=report.return_reason,
            update_fields=["status", "return_reason", "updated_at"],
        )
    return report


def reopen_report(report: ProgressReport, *, acting_user, reason: str) -> ProgressReport:
    """重新打开: the office takes back a wrong acceptance; the report waits for review again and the
    assignment's progress and the kept figures go back to the latest report still accepted."""
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the report is reopened.")]})
    refuse_closed_assignment(report.assignment)
    with transaction.atomic(), keeping_year_progress(assignment_ids=[report.assignment_id]):
        lock_fresh(report)
        if not can(acting_user, "report.reopen", report):
            raise RuleViolation(_("Only the supervision office can reopen an accepted report."))
        report.status = ReportStatus.SUBMITTED
        report.reviewed_by, report.reviewed_at = None, None
        save_with_history(
            report,
            acting_user=acting_user,
            reason=_("Reopened: %(reason)s") % {"reason": reason.strip()},
            update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"],
        )
        sync_progress(report.assignment_id, acting_user=acting_user)
    return report


# --- Evidence ----------------------------------------------------------------------------------


def check_evidence_file(uploaded) -> None:
    """Refuse a file by size, by its extension and by what its first bytes say it is."""
    limit_mb = settings.ZMD_EVIDENCE_MAX_MB
    if uploaded.size > limit_mb * 1024 * 1024:
        raise RuleViolation({"file": [_("The file is larger than %(limit)s MB.") % {"limit": limit_mb}]})
    if uploaded.size == 0:
        raise RuleViolation({"file": [_("The file is empty.")]})
    extension = PurePath(uploaded.name).suffix.lower().lstrip(".")
    allowed = settings.ZMD_EVIDENCE_EXTENSIONS
    if extension not in allowed:
        raise RuleViolation(
            {
                "file": [
                    _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
                    % {"ext": extension or "?", "allowed": "、".join(allowed)}
                ]
            }
        )
    head = uploaded.read(4)
    uploaded.seek(0)
    if head.startswith(_FORBIDDEN_MAGIC):
        raise RuleViolation({"file": [_("Programs and scripts cannot be uploaded as evidence.")]})


def add_evidence(report: ProgressReport, *, uploaded_file, acting_user) -> Evidence:
    if report.status not in (*EDITABLE_REPORT_STATUSES, ReportStatus.PENDING_APPROVAL):
        raise RuleViolation(_("Evidence can only be added while the report is a draft or returned."))
    refuse_closed_assignment(report.assignment)
    check_evidence_file(uploaded_file)
    evidence = Evidence.from_upload(uploaded_file, acting_user=acting_user, report=report)
    with transaction.atomic():
        save_with_history(evidence, acting_user=acting_user, reason=_("Evidence uploaded"))
    return evidence


def remove_evidence(evidence: Evidence, *, acting_user) -> None:
    if evidence.report.status not in EDITABLE_REPORT_STATUSES:
        raise RuleViolation(_("Evidence of a submitted report cannot be removed."))
    with transaction.atomic():
        evidence._history_user = acting_user
        stored = evidence.file.name
        evidence.delete()
        transaction.on_commit(lambda: evidence.file.storage.delete(stored))


# --- 两跟进 ------------------------------------------------------------------------------------


def add_follow_up(
    *,
    target: Target,
    kind: str,
    text: str,
    acting_user,
    report: ProgressReport | None = None,
    topic: str = FollowUpTopic.GENERAL,
    on_behalf_of=None,
) -> FollowUp:
    """The office's follow-up or a leader's instruction (批示) on a target or one of its reports.
    ``on_behalf_of``: the leader a secretary writes for; the leader is the author and the record
    says "秘书 X 代 Y" (tasks/services/delegation.py)."""
    if report is not None and report.assignment.target_id != target.pk:
        raise RuleViolation(_("The report does not belong to this target."))
    refuse_closed_year(target.year)
    if topic != FollowUpTopic.GENERAL and report is None:
        raise RuleViolation(_("A follow-up on a problem or suggestion must name the report it answers."))
    if kind not in FollowUpKind.values:
        raise RuleViolation(_("Unknown kind of follow-up."))
    follow_up = FollowUp(
        target=target,
        report=report,
        kind=kind,
        topic=topic,
        text=text.strip(),
        author=on_behalf_of or acting_user,
        written_by=acting_user if on_behalf_of else None,
        created_at=clock.now(),
    )
    reason = follow_up.get_kind_display()
    if on_behalf_of is not None:
        from .delegation import on_behalf_label  # delegation imports the models this module also builds

        reason = f"{reason} · {on_behalf_label(acting_user, on_behalf_of)}"
    with transaction.atomic():
        validate_and_save(follow_up, acting_user=acting_user, reason=reason)
    return follow_up
