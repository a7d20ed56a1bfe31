"""Assignments: the unit's workspace, the drill-down list behind every figure, one assignment's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from core import clock
from core.access import Action, access_for
from core.lists import paginate
from core.permissions import can
from core.views import object_for, unit_members

from ..choices import AssignmentRole, ExtensionStatus, FollowUpKind
from ..forms.completion import ExtensionDecisionForm
from ..forms.filters import AssignmentFilterForm
from ..judgment.state import attach, judge, with_level
from ..models import Assignment, FollowUp, ProgressReport
from ..selectors.assignments import (
    REPORT_FILTERS,
    attach_states,
    filter_assignments,
    with_report_statuses,
    with_states,
)
from ..selectors.reports import report_rows
from ..selectors.rollup import co_unit_figures
from ..selectors.scope import chosen_scope


def _ordered(queryset):
    """The highest warning level in force first (the judgment's), then the nearest deadline."""
    if "level_now" not in queryset.query.annotations:
        queryset = with_level(queryset, clock.today())
    return queryset.order_by("-level_now", "deadline", "target__code", "unit__sort_order")


def _judged(rows):
    """The page's rows, each with its judgment of today (one query for the page)."""
    rows = list(rows)
    return attach(rows, judge(Assignment.objects.filter(pk__in=[row.pk for row in rows]), clock.today()))


@unit_members
def workspace(request):
    """单位工作台: my unit's open assignments with what is due, late or missing, and instructions."""
    user = request.user
    access = access_for(user)
    form = AssignmentFilterForm(request.GET)
    filters = form.filters
    filters.setdefault("status", "open")
    mine = Assignment.objects.for_user(user).filter(unit__in=access.unit_ids)
    counts = filter_assignments(with_report_statuses(mine), {"status": "open"}).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in REPORT_FILTERS.items()}
    )
    mine = with_states(mine)
    page = paginate(request, _ordered(filter_assignments(mine, filters)))
    page.object_list = _judged(attach_states(page.object_list))
    instructions = (
        FollowUp.objects.for_user(user)
        # A leader's instruction is the Instruction of the units it is addressed to (its own panel),
        # not every unit's business on the target.
        .exclude(kind=FollowUpKind.LEADER)
        # A semi-join, not a join and DISTINCT over every column of the rows and their relations.
        .filter(target__in=Assignment.objects.filter(unit__in=access.unit_ids).values("target_id"))
        .select_related("target", "author", "report__assignment__unit")
        .order_by("-created_at")[:8]
    )
    return render(
        request,
        "tasks/unit/workspace.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "counts": counts,
            "instructions": instructions,
            "can_report": bool(access.staff_unit_ids),
            "report_units": access.staff_unit_ids,
            "LEADER": FollowUpKind.LEADER,
        },
    )


@login_required
def assignment_list(request):
    """The list behind a dashboard figure: any filter, scoped to what the person may see."""
    form = AssignmentFilterForm(request.GET)
    filters = form.filters
    chosen = chosen_scope(request, list_page=True)
    visible = Assignment.objects.for_user(request.user).exclude(status="draft")
    if chosen.scope is not None:
        visible = chosen.scope.assignments(visible)
    scoped = with_states(visible)
    page = paginate(request, _ordered(filter_assignments(scoped, filters)))
    page.object_list = _judged(attach_states(page.object_list))
    access = access_for(request.user)
    return render(
        request,
        "tasks/assignments/list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "report_units": access.staff_unit_ids,
            **chosen.context(),
        },
    )


@login_required
def assignment_detail(request, pk: int):
    """One link of the chain: the plan, the unit's reports, co-units' reports for the lead, follow-ups."""
    user = request.user
    assignment = object_for(Assignment, user, Action.VIEW, pk, select=("target__leader", "unit", "person"))
    access = access_for(user)
    reports = report_rows(assignment.reports.all()).prefetch_related("evidence").order_by("-period_end")
    co_reports = []
    if assignment.role == AssignmentRole.LEAD:
        co_reports = report_rows(
            ProgressReport.objects.for_user(user)
            .filter(assignment__target=assignment.target_id)
            .exclude(assignment=assignment)
            .exclude(status="draft")
        ).order_by("-period_end", "assignment__unit__sort_order")[:30]
    state_rows = attach_states(with_states(Assignment.objects.filter(pk=assignment.pk)))
    follow_ups = (
        FollowUp.objects.for_user(user)
        .filter(target=assignment.target_id)
        .select_related("author", "report__assignment__unit")
        .order_by("-created_at")
    )
    history = assignment.history.select_related("history_user").order_by("-history_date")[:20]
    extensions = list(assignment.extension_requests.select_related("requested_by", "decided_by"))
    if access.office:
        for extension in extensions:
            if extension.status == ExtensionStatus.PENDING:
                extension.decide_form = ExtensionDecisionForm(auto_id=f"id_ext{extension.pk}_%s")
    return render(
        request,
        "tasks/assignments/detail.html",
        {
            "assignment": assignment,
            "judged": judge(Assignment.objects.filter(pk=assignment.pk), clock.today()).get(assignment.pk),
            "target": assignment.target,
            "states": state_rows[0].report_states if state_rows else [],
            "milestones": assignment.milestones.all(),
            "reports": reports,
            "co_reports": co_reports,
            "co_figures": co_unit_figures(assignment),
            "follow_ups": follow_ups,
            "history": history,
            "claims": assignment.claims.select_related("claimed_by", "decided_by").prefetch_related("evidence"),
            "extensions": extensions,
            "can_report": can(request.user, "assignment.report", assignment),
            "can_claim": can(request.user, "assignment.claim", assignment),
            "can_extend": can(request.user, "assignment.extend", assignment)
            and not any(e.status == ExtensionStatus.PENDING for e in extensions),
            "can_manage": can(request.user, "assignment.manage", assignment),
        },
    )
