"""The target ledger (目标台账), a target's page, and the office's create / edit / breakdown / issue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock, versions
from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.permissions import can
from core.views import object_for, office_only

from .. import services
from ..choices import TargetStatus
from ..forms.filters import LedgerFilterForm
from ..forms.reports import FollowUpForm, follow_up_kinds
from ..forms.targets import BreakdownFormSet, TargetForm
from ..judgment.state import attach, group_targets, judge, judge_targets
from ..models import Assignment, FollowUp, Target
from ..selectors.rollup import target_figures
from ..selectors.scope import chosen_scope
from ..selectors.targets import ledger


def _visible_targets(user):
    """Targets the person may read; a draft stays with the office until it is issued."""
    targets = Target.objects.for_user(user)
    if not access_for(user).office:
        targets = targets.exclude(status=TargetStatus.DRAFT)
    return targets


@login_required
def target_ledger(request):
    form = LedgerFilterForm(request.GET)
    chosen = chosen_scope(request, list_page=True)
    visible = _visible_targets(request.user)
    if chosen.scope is not None:
        visible = chosen.scope.targets(visible)
    targets = ledger(visible, form.filters)
    page = paginate(request, targets)
    page.object_list = attach(page.object_list, judge_targets(page.object_list, clock.today()))
    return render(
        request,
        "tasks/targets/ledger.html",
        {"page": page, "form": form, "can_manage": access_for(request.user).office, **chosen.context()},
    )


@login_required
def target_detail(request, pk: int):
    user = request.user
    target = object_for(Target, user, Action.VIEW, pk, select=("leader", "task_force", "parent", "carried_from"))
    access = access_for(user)
    if target.status == TargetStatus.DRAFT and not access.office:
        raise Http404(_("Not found, or not yours to see."))
    assignments = (
        Assignment.objects.for_user(user)
        .filter(target=target)
        .select_related("unit", "person")
        .order_by("role", "unit__sort_order")
    )
    kinds = follow_up_kinds(access)
    facts: dict = {}
    every_link = judge(Assignment.objects.filter(target=target), clock.today(), facts=facts)
    assignments = attach(assignments, every_link)
    return render(
        request,
        "tasks/targets/detail.html",
        {
            "target": target,
            "judged_target": group_targets(every_link, facts, {target.pk: target}).get(target.pk),
            "figures": target_figures(target) if target.has_value else None,
            "assignments": assignments,
            "children": target.children.all(),
            "follow_ups": FollowUp.objects.for_user(user)
            .filter(target=target)
            .select_related("author", "written_by", "report__assignment__unit")
            .order_by("-created_at"),
            "can_manage": can(user, "target.manage", target),
            "breakdown_errors": services.breakdown_errors(target)
            if access.office and target.status == TargetStatus.DRAFT
            else [],
            "follow_up_form": FollowUpForm(kinds=kinds, with_topic=False) if kinds else None,
            "history": target.history.select_related("history_user").order_by("-history_date")[:15]
            if access.office
            else [],
        },
    )


@office_only
def target_create(request):
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = services.create_target(
                acting_user=request.user, areas=form.cleaned_data["areas"], **form.changes()
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Target created. Now put the units on its chain."))
            return redirect("breakdown_edit", pk=target.pk)
    return render(request, "tasks/targets/form.html", {"form": form, "target": None})


@login_required
def target_edit(request, pk: int):
    target = object_for(Target, request.user, Action.MANAGE, pk)
    form = TargetForm(request.POST or None, instance=target)
    history = Target.history.filter(id=target.pk)
    version, stale = versions.version_of(history), []
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Target.objects.select_for_update().filter(pk=target.pk).first()
                version = versions.version_of(history)
                if versions.is_stale(request, version):
                    stale = versions.changes_since(history, request.POST.get(versions.FIELD), describe=str)
                    raise versions.StaleEdit
                services.update_target(
                    target, acting_user=request.user, areas=form.cleaned_data["areas"], **form.changes()
                )
        except versions.StaleEdit:
            pass
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("Target saved."))
            return redirect("target_detail", pk=target.pk)
    context = {"form": form, "target": target, "version": version, "stale": stale}
    return render(request, "tasks/targets/form.html", context, status=409 if stale else 200)


def _breakdown_initial(assignments) -> list[dict]:
    return [
        {
            "assignment_id": a.pk,
            "unit": a.unit_id,
            "role": a.role,
            "person": a.person_id,
            "duty": a.duty,
            "share": f"{a.share.normalize():f}" if a.share is not None else None,
            "deadline": a.deadline,
        }
        for a in assignments
    ]


@login_required
def breakdown_edit(request, pk: int):
    """责任分解: lead, co-units, responsible persons, shares and deadlines, saved together."""
    user = request.user
    target = object_for(Target, user, Action.MANAGE, pk)
    assignments = {a.pk: a for a in target.assignments.select_related("unit").order_by("role", "unit__sort_order")}
    formset = BreakdownFormSet(request.POST or None, initial=_breakdown_initial(assignments.values()))
    chain_errors: list[str] = []
    history = Assignment.history.filter(target_id=target.pk)
    version, stale = versions.version_of(history), []
    for form in formset.forms:
        form.assignment = assignments.get(form.initial.get("assignment_id"))
    if request.method == "POST" and formset.is_valid():
        rows = []
        for form in formset.forms:
            data = form.cleaned_data
            if not data or (not data.get("assignment_id") and not data.get("unit")):
                continue
            row = {name: data.get(name) for name in ("role", "share", "remove")}
            existing = assignments.get(data.get("assignment_id"))
            if data.get("person") is not None:  # an empty choice keeps the stored person
                row["person"] = data["person"]
            row["person_name"] = data.get("responsible_person") or ""
            row["duty"] = (data.get("duty") or "").strip() or (existing.duty if existing else "")
            row["assignment"] = existing
            row["unit"] = existing.unit if existing else data["unit"]
            row["deadline"] = data.get("deadline") or (existing.deadline if existing else target.deadline)
            rows.append(row)
        try:
            with transaction.atomic():
                Target.objects.select_for_update().filter(pk=target.pk).first()
                version = versions.version_of(history)
                if versions.is_stale(request, version):
                    stale = versions.changes_since(history, request.POST.get(versions.FIELD), describe=_unit_of)
                    raise versions.StaleEdit
                services.save_breakdown(target, rows=rows, acting_user=user)
        except versions.StaleEdit:
            pass
        except RuleViolation as error:
            chain_errors = error.messages
        else:
            messages.success(request, _("The breakdown is saved."))
            return redirect("target_detail", pk=target.pk)
    context = {
        "target": target,
        "formset": formset,
        "assignments": assignments,
        "chain_errors": chain_errors,
        "version": version,
        "stale": stale,
    }
    return render(request, "tasks/targets/breakdown.html", context, status=409 if stale else 200)


def _unit_of(row) -> str:
    return str(row.unit)


@require_POST
@login_required
def target_issue(request, pk: int):
    """下达: send the breakdown to the units (任务告知单 follow from the signal)."""
    target = object_for(Target, request.user, Action.MANAGE, pk)
    try:
        with transaction.atomic():
            issued = services.issue_target(target, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Issued to %(n)s units.") % {"n": len(issued)})
    return redirect("target_detail", pk=target.pk)
