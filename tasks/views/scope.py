"""/office/leaders/: the office keeps 分管 — the fields (分管领域) and each leader's fields and units."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import RuleViolation, add_rule_errors
from core.views import office_only

from ..forms.scope import FieldForm, LeaderScopeForm
from ..models import Field, Leader
from ..services.scope import save_field, set_leader_scope


@office_only
def leader_scopes(request):
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_field(form.instance, acting_user=request.user)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The field is saved."))
            return redirect("office_leaders")
    leaders = Leader.objects.prefetch_related("units", "fields").order_by("sort_order", "post")
    fields = Field.objects.all()
    return render(request, "tasks/office/leaders.html", {"leaders": leaders, "fields": fields, "form": form})


@office_only
def leader_scope_edit(request, pk: int):
    leader = get_object_or_404(Leader, pk=pk)
    form = LeaderScopeForm(request.POST or None, instance=leader)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_leader_scope(
                leader,
                whole_city=data["whole_city"],
                units=data["units"],
                fields=data["fields"],
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The leader's scope is saved."))
            return redirect("office_leaders")
    return render(request, "tasks/office/leader_edit.html", {"leader": leader, "form": form})
