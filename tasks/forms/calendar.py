"""The office's calendar page: a day to mark, and the report time limits."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DayField

from ..models import CalendarDayKind, ReportTimeLimits


class CalendarDayForm(forms.Form):
    day = DayField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDayKind.choices)
    name = forms.CharField(label=_("Name"), max_length=40, required=False)


class TimeLimitsForm(forms.ModelForm):
    class Meta:
        model = ReportTimeLimits
        fields = ["head_approval_days", "refile_days"]
