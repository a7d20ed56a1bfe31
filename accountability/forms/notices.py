"""Forms of the five lists: the unit's answer, the office's decisions, the register's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.bounds import DayField
from tasks.choices import WarningLevel
from tasks.models import Unit

from ..choices import NoticeKind


def _text(label, *, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AnswerForm(forms.Form):
    response = _text(_("Your unit's answer"), rows=5, help_text=_("What was done, by whom, and what is left."))


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the answer and close the notice")), ("refuse", _("Not accepted: send it back"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Verification note"), required=False, rows=3)


class ApproveForm(forms.Form):
    note = _text(_("Note"), required=False, rows=2)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=3)


class SupervisionForm(forms.Form):
    problem = _text(_("Problem found"), rows=5)
    required_action = _text(_("Required rectification"), rows=3)
    due_date = DayField(label=_("Rectify by"))

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due <= clock.today():
            raise forms.ValidationError(_("The rectification date must be after today."))
        return due


class CloseOutForm(forms.Form):
    note = _text(_("Verification note"), required=False, rows=2)


STATE_CHOICES = [
    ("", _("All states")),
    ("open", pgettext_lazy("status", "Open")),
    ("unsigned", _("Awaiting sign-for")),
    ("answered", _("Answered, awaiting verification")),
    ("closed", _("Closed")),
    ("proposed", _("Exposure candidates")),
    ("withdrawn", _("Withdrawn")),
]


class RegisterFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *NoticeKind.choices])
    level = forms.TypedChoiceField(
        label=_("Warning level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All levels"))] + [(level.value, level.label) for level in WarningLevel if level.value],
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units")
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("Number or target"), required=False, max_length=60)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["year"].widget.attrs["placeholder"] = str(clock.today().year)


def default_due(days: int) -> dt.date:
    return clock.today() + dt.timedelta(days=days)
