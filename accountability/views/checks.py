"""The four checks (四查): the office records one on an assignment (the kind its state calls for is
suggested), keeps the register of checks at /checks/, and sees which check each assignment calls for.
A unit reads the checks of its own work, on its assignment pages and in the register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import clock, permissions
from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors
from core.excel_writer import xlsx_response
from core.lists import paginate
from core.permissions import can
from core.views import object_for
from tasks.models import Assignment, Unit
from tasks.panels import Panel, register
from tasks.selectors.scope import chosen_scope

from .. import services
from ..choices import CheckKind
from ..excel import CheckRegisterExporter
from ..forms.checks import CheckFilterForm, CheckForm, ProposedFilterForm
from ..models import AccountabilityCase, Check
from ..selectors import checks as selectors


def _units(user):
    return Unit.objects.for_user(user).order_by("sort_order", "name")


@login_required
def check_create(request, pk: int):
    assignment = object_for(Assignment, request.user, Action.MANAGE, pk, select=("target", "unit"))
    suggested = selectors.suggested_check_kind(assignment)
    chosen = request.GET.get("kind")
    kind = chosen if chosen in CheckKind.values else suggested
    form = CheckForm(request.POST or None, initial={"checked_on": clock.today(), "kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_check(assignment, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            if check.notice_id:
                messages.success(
                    request,
                    _("The check is recorded and supervision notice %(number)s issued.")
                    % {"number": check.notice.number},
                )
            else:
                messages.success(request, _("The check is recorded."))
            return redirect("checks:detail", pk=check.pk)
    context = {
        "form": form,
        "assignment": assignment,
        "suggested": CheckKind(suggested).label if suggested else "",
    }
    return render(request, "accountability/check_form.html", context)


def _filtered(request):
    """The register's form and checks: its filters, and a leader's scope (我分管的 first, the city a click away)."""
    form = CheckFilterForm(request.GET or None, units=_units(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = chosen_scope(request, list_page=True)
    checks = selectors.register(request.user, filters)
    if chosen.scope is not None:
        checks = chosen.scope.assignments(checks, prefix="assignment__")
    return form, checks, chosen


@login_required
def check_register(request):
    """四查台账: every check for the office and leaders; a unit's staff see the checks of their own work."""
    form, checks, chosen = _filtered(request)
    context = {"form": form, "page": paginate(request, checks), "office": access_for(request.user).office}
    return render(request, "accountability/checks/register.html", context | chosen.context())


@login_required
def check_register_xlsx(request):
    """The register as a workbook: the same checks as the page, with the same filters and scope."""
    _form, checks, _chosen = _filtered(request)
    return xlsx_response(CheckRegisterExporter(checks, today=clock.today()))


@login_required
def check_detail(request, pk: int):
    check = get_object_or_404(
        Check.objects.for_user(request.user).select_related(
            "assignment__target", "assignment__unit", "checked_by", "notice"
        ),
        pk=pk,
    )
    cases = AccountabilityCase.objects.for_user(request.user).filter(check_record=check).select_related("measure")
    context = {"check": check, "office": access_for(request.user).office, "cases": cases}
    return render(request, "accountability/checks/detail.html", context)


@login_required
def proposed_checks(request):
    """The office's worklist: each open or finished assignment of the year with the check its state calls for."""
    permissions.require(request.user, "page.office")
    form = ProposedFilterForm(request.GET or None, units=_units(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = [
        (assignment, kind, CheckKind(kind).label, last)
        for assignment, kind, last in selectors.proposed_checks(
            request.user, kind=filters.get("kind") or "", unit=filters.get("unit")
        )
    ]
    return render(request, "accountability/checks/proposed.html", {"form": form, "page": paginate(request, rows)})


def _checks_panel(request, assignment):
    """The assignment page lists its checks; the office gets the button to record one (the kind suggested)."""
    checks = Check.objects.for_user(request.user).filter(assignment=assignment).select_related("checked_by", "notice")
    can_check = can(request.user, "check.record", assignment)
    suggested = selectors.suggested_check_kind(assignment) if can_check else None
    return {
        "checks": checks,
        "assignment": assignment,
        "can_check": can_check,
        "suggested": CheckKind(suggested).label if suggested else "",
    }


def register_panels() -> None:
    register("assignment", Panel("checks", "accountability/checks_panel.html", _checks_panel, order=50))
