"""The plan editor (路线图、时间表): generate milestones backwards from the deadline, adjust, save."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.access import Action
from core.errors import RuleViolation
from core.views import object_for

from .. import services
from ..forms.targets import GenerateForm, PlanFormSet
from ..models import Assignment

ROW_FIELDS = ("due_date", "granularity", "planned_percent", "planned_value", "description")


def _rows(milestones) -> list[dict]:
    return [{name: getattr(m, name) for name in ROW_FIELDS} for m in milestones]


@login_required
def plan_edit(request, pk: int):
    user = request.user
    assignment = object_for(Assignment, user, Action.MANAGE, pk, select=("target", "unit"))
    action = request.POST.get("action", "")
    current = _rows(assignment.milestones.order_by("due_date"))
    start_default = max(clock.today(), assignment.target.start_date)
    generate_form = GenerateForm(
        request.POST if action in ("preview", "generate") else None, initial={"start": start_default}
    )
    formset = PlanFormSet(request.POST if action == "save" else None, initial=current, prefix="plan")
    errors: list[str] = []
    proposed = False
    if action in ("preview", "generate") and generate_form.is_valid():
        granularity = generate_form.cleaned_data["granularity"]
        start = generate_form.cleaned_data.get("start") or start_default
        try:
            if action == "generate":
                services.generate_milestones(assignment, granularity=granularity, start=start, acting_user=user)
                messages.success(request, _("The plan was generated backwards from the deadline and saved."))
                return redirect("plan_edit", pk=assignment.pk)
            kept = [row for row in current if row["due_date"] <= start]
            rows = kept + _rows(services.propose_milestones(assignment, granularity=granularity, start=start))
            formset = PlanFormSet(initial=rows, prefix="plan")
            proposed = True
        except RuleViolation as error:
            errors = error.messages
    elif action == "save" and formset.is_valid():
        rows = formset.rows()
        if not any(form.errors for form in formset.forms):
            try:
                services.set_milestones(assignment, rows, acting_user=user)
            except RuleViolation as error:
                errors = error.messages
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("plan_edit", pk=assignment.pk)
    if errors or (request.method == "POST" and (generate_form.errors or formset.total_error_count())):
        messages.error(request, _("The plan was not saved. Please correct the marked rows."))
    return render(
        request,
        "tasks/plans/edit.html",
        {
            "assignment": assignment,
            "target": assignment.target,
            "formset": formset,
            "generate_form": generate_form,
            "errors": errors,
            "proposed": proposed,
        },
    )
