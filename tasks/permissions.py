"""May this person do this here? One answer: ``can(user, action, obj)``.

``for_user`` (the querysets) says which rows a person may read or act on; ``can`` says whether one
person may take one action on one object (or open one page when ``obj`` is None). Views, templates
(``{% can "report.delete" report as may_delete %}``) and services ask here, so a button is shown
exactly when its POST would be allowed.

The rule for 403 versus 404 (docs/CONVENTIONS.md): an object outside the person's ``for_user(VIEW)``
is a 404 — its existence is not told; an object they may see but not act on, or a page their role
does not open, is a 403. ``get_or_deny`` applies it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from .access import Access, Action, access_for
from .choices import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus, ReportStatus

Rule = Callable[[Access, object, object], bool]  # (access, user, obj) -> allowed
RULES: dict[str, Rule] = {}

EDITABLE_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def rule(*names: str):
    """Register the function as the rule for ``names`` (one rule per action name)."""

    def register(function: Rule) -> Rule:
        for name in names:
            if name in RULES:
                raise ValueError(f"two rules for {name!r}")
            RULES[name] = function
        return function

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may ``action`` on ``obj`` (on the page, when ``obj`` is None)."""
    try:
        check = RULES[action]
    except KeyError:
        raise ValueError(f"no rule for {action!r}; add one in tasks/permissions.py") from None
    if user is None or not user.is_authenticated:
        return False
    return bool(check(access_for(user), user, obj))


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless ``can``; for use once the object is known to be visible."""
    if not can(user, action, obj):
        raise PermissionDenied(_("Your role does not let you do this here."))


def visible(user, obj: Model) -> bool:
    """Whether ``obj`` is in its model's ``for_user(user, VIEW)``."""
    return type(obj).objects.for_user(user, Action.VIEW).filter(pk=obj.pk).exists()


def get_or_deny(model: type[Model], user, pk, action: str | None = None, *, select=(), prefetch=()) -> Model:
    """``model``'s row ``pk`` as ``user`` may see it (else 404), and, with ``action``, allowed (else 403)."""
    obj = model.objects.for_user(user, Action.VIEW).select_related(*select).prefetch_related(*prefetch).filter(pk=pk)
    obj = obj.first()
    if obj is None:
        raise Http404(_("Not found, or not yours to see."))
    if action is not None:
        require(user, action, obj)
    return obj


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
