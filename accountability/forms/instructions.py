"""批示: the leader's form, a unit's answer (落实情况, with files) and the list's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.bounds import DayField
from core.forms import KeepsUploads
from core.lists import FilterForm
from tasks.forms.reports import EvidenceField
from tasks.models import Leader, Role, Unit

from ..models import AnswerState, Instruction
from ..services.instructions import DEFAULT_ANSWER_DAYS

TEXT_MAX = 2000


class InstructionForm(forms.Form):
    text = forms.CharField(
        label=_("Instruction"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Addressed units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    to_office = forms.BooleanField(label=_("Also to the supervision office"), required=False)
    due_date = DayField(label=_("Answer by"))

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("due_date", clock.today() + dt.timedelta(days=DEFAULT_ANSWER_DAYS))
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class AnswerForm(KeepsUploads, forms.Form):
    unit = forms.ModelChoiceField(label=_("Answering unit"), queryset=Unit.objects.none(), empty_label=None)
    text = forms.CharField(
        label=_("What was done"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX})
    )
    files = EvidenceField(label=_("Files"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units])
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class InstructionFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *AnswerState.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.all())
    leader = forms.ModelChoiceField(label=_("Instructed by"), required=False, queryset=Leader.objects.all())
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    lookups = {"unit": "units"}

    def __init__(self, *args, unit_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A unit's people see their own state; the unit filter is for leaders and the office.
        self.unit_ids = unit_ids
        if unit_ids is not None:
            del self.fields["unit"]

    def _units(self):
        unit = self.cleaned_data.get("unit")
        return [unit.pk] if unit else self.unit_ids

    def filter_state(self, rows, value):
        return rows.in_state(value, clock.today(), self._units())

    def filter_overdue(self, rows, value):
        if not value:  # an unticked box filters nothing
            return rows
        return rows.in_state(AnswerState.OVERDUE, clock.today(), self._units())

    def filter_leader(self, rows, value):
        return rows.filter(author__in=Role.objects.filter(leader=value).values("user_id"))


__all__ = ["AnswerForm", "Instruction", "InstructionFilterForm", "InstructionForm"]
