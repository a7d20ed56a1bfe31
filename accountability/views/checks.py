"""Recording one of the four checks (四查) on an assignment, from the office's console."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import clock
from core.access import Action
from core.bounds import DayField
from core.errors import RuleViolation, add_rule_errors
from core.permissions import can
from core.views import object_for
from tasks.models import Assignment
from tasks.panels import Panel, register

from ..choices import CheckKind
from ..models import Check
from ..services import record_check


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of check"), choices=CheckKind.choices)
    checked_on = DayField(
        label=gettext_lazy("Checked on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    finding = forms.CharField(label=gettext_lazy("Finding"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean_finding(self):
        finding = (self.cleaned_data.get("finding") or "").strip()
        if not finding:
            raise forms.ValidationError(_("Write down what the check found."))
        return finding


@login_required
def check_create(request, pk: int):
    assignment = object_for(Assignment, request.user, Action.MANAGE, pk, select=("target", "unit"))
    form = CheckForm(request.POST or None, initial={"checked_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            record_check(assignment, acting_user=request.user, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The check is recorded."))
            return redirect("assignment_detail", pk=assignment.pk)
    return render(request, "accountability/check_form.html", {"form": form, "assignment": assignment})


def _checks_panel(request, assignment):
    """The assignment page lists its checks; the office gets the button to record one."""
    checks = Check.objects.for_user(request.user).filter(assignment=assignment).select_related("checked_by")
    return {"checks": checks, "assignment": assignment, "can_check": can(request.user, "check.record", assignment)}


def register_panels() -> None:
    register("assignment", Panel("checks", "accountability/checks_panel.html", _checks_panel, order=50))
