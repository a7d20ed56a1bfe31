"""The ledger's rules for ``core.permissions.can`` (pages, targets, assignments, reports)."""

from __future__ import annotations

from core.permissions import rule, visible

from .choices import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus, ReportStatus

EDITABLE_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- Pages (obj is None) ------------------------------------------------------------------------


@rule("page.office")
def _office_pages(access, user, obj) -> bool:
    return access.office


@rule("page.leaders_and_office")
def _leader_pages(access, user, obj) -> bool:
    return access.sees_everything


@rule("page.unit_members")
def _unit_pages(access, user, obj) -> bool:
    return bool(access.unit_ids)


@rule("page.unit_heads")
def _head_pages(access, user, obj) -> bool:
    return bool(access.head_unit_ids)


@rule("page.anyone_with_a_role")
def _role_pages(access, user, obj) -> bool:
    return access.sees_everything or bool(access.unit_ids)


# --- Reports (四报) ------------------------------------------------------------------------------


def _unit_of(report) -> int:
    return report.assignment.unit_id


@rule("report.view")
def _report_view(access, user, report) -> bool:
    if report.status == ReportStatus.DRAFT:
        return _unit_of(report) in access.unit_ids  # a draft reaches no one outside its unit
    return visible(user, report)


@rule("report.edit")
def _report_edit(access, user, report) -> bool:
    return _unit_of(report) in access.staff_unit_ids and report.status in EDITABLE_REPORT_STATUSES


@rule("report.delete")
def _report_delete(access, user, report) -> bool:
    """Only a draft, by its author's unit (the author or a colleague who took over)."""
    return report.status == ReportStatus.DRAFT and _unit_of(report) in access.staff_unit_ids


@rule("report.withdraw")
def _report_withdraw(access, user, report) -> bool:
    """The unit takes back a report nobody has decided on yet (awaiting approval or review)."""
    waiting = (ReportStatus.PENDING_APPROVAL, ReportStatus.SUBMITTED)
    return report.status in waiting and _unit_of(report) in access.unit_ids


@rule("report.approve")
def _report_approve(access, user, report) -> bool:
    waiting = report.status == ReportStatus.PENDING_APPROVAL
    return waiting and (access.office or _unit_of(report) in access.head_unit_ids)


@rule("report.return")
def _report_return(access, user, report) -> bool:
    if report.status == ReportStatus.PENDING_APPROVAL:
        return access.office or _unit_of(report) in access.head_unit_ids
    return report.status == ReportStatus.SUBMITTED and access.office


@rule("report.accept")
def _report_accept(access, user, report) -> bool:
    return access.office and report.status == ReportStatus.SUBMITTED


@rule("report.reopen")
def _report_reopen(access, user, report) -> bool:
    return access.office and report.status == ReportStatus.ACCEPTED


@rule("evidence.remove")
def _evidence_remove(access, user, evidence) -> bool:
    report = evidence.report
    return report.status in EDITABLE_REPORT_STATUSES and _unit_of(report) in access.staff_unit_ids


# --- Assignments, targets, checks -----------------------------------------------------------------

# A unit may claim completion from these states (a claim waits; a returned task is claimed again).
CLAIMABLE_STATUSES = (
    AssignmentStatus.ISSUED,
    AssignmentStatus.SIGNED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.RETURNED,
)


@rule("assignment.report")
def _assignment_report(access, user, assignment) -> bool:
    # A claimed assignment still reports its periods until the office decides the claim.
    return assignment.unit_id in access.staff_unit_ids and assignment.status in (*OPEN_ASSIGNMENT_STATUSES, "claimed")


@rule("assignment.claim")
def _assignment_claim(access, user, assignment) -> bool:
    return assignment.unit_id in access.unit_ids and assignment.status in CLAIMABLE_STATUSES


@rule("assignment.extend")
def _assignment_extend(access, user, assignment) -> bool:
    return assignment.unit_id in access.unit_ids and assignment.status in OPEN_ASSIGNMENT_STATUSES


@rule("assignment.manage", "target.manage", "check.record")
def _office_manages(access, user, obj) -> bool:
    return access.office


# Rules on accountability's records (letters, notices) are registered by accountability/permissions.py.
