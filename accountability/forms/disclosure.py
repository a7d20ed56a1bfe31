"""Forms of the disclosure pages and of the meeting pack."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.bounds import DayField

from .fields import DateInput, MonthField


class PrepareDisclosureForm(forms.Form):
    month = MonthField(label=_("Month"))
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)
    note = forms.CharField(label=_("Introduction"), widget=forms.Textarea, required=False, max_length=2000)
    show_responsible_persons = forms.BooleanField(
        label=_("Publish the responsible persons of livelihood projects (names only)"), required=False
    )
    show_proposers = forms.BooleanField(label=_("Publish the proposers' names"), required=False)


class RefreshDisclosureForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(label=_("Introduction"), widget=forms.Textarea, required=False, max_length=2000)
    show_responsible_persons = forms.BooleanField(
        label=_("Publish the responsible persons of livelihood projects (names only)"), required=False
    )
    show_proposers = forms.BooleanField(label=_("Publish the proposers' names"), required=False)


class CorrectionForm(forms.Form):
    correction_note = forms.CharField(label=_("What the correction changes"), widget=forms.Textarea, max_length=2000)


class _ReadOnceChoices(ModelChoiceIterator):
    """The field's choices read in one query: Django's iterator queries each time the choices are
    walked, and a required select walks them twice (its options, and whether the first is empty)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # the field's own queryset: evaluated once, then its cache
            yield self.choice(obj)


class MeetingPackForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("City leader"), queryset=None, empty_label=None)
    leader.iterator = _ReadOnceChoices
    day = DayField(label=_("Meeting date"), widget=DateInput)

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders
