"""Forms of the proposal pages (建议提案)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bounds import DayField, IdField

from ..choices import HandlingMode, ProposalKind, ResultCode, Satisfaction
from .completion import DateInput, ExtensionDecisionForm


class RegisterProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProposalKind.choices)
    number = forms.CharField(label=pgettext_lazy("proposal", "Number"), max_length=32)
    session = forms.CharField(label=_("Session"), max_length=100)
    proposers = forms.CharField(label=_("Proposers"), max_length=200)
    handling_mode = forms.ChoiceField(label=_("Handling mode"), choices=HandlingMode.choices)
    assigned_on = DayField(
        label=_("Assigned on"), required=False, widget=DateInput, help_text=_("Empty: the target's start date.")
    )


class EditProposalForm(forms.Form):
    number = forms.CharField(label=pgettext_lazy("proposal", "Number"), max_length=32)
    session = forms.CharField(label=_("Session"), max_length=100)
    proposers = forms.CharField(label=_("Proposers"), max_length=200)
    handling_mode = forms.ChoiceField(label=_("Handling mode"), choices=HandlingMode.choices)


class ExtendForm(forms.Form):
    new_deadline = DayField(label=_("New reply deadline"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=2000)


class RequestExtensionForm(forms.Form):
    """A unit asks for the proposal's one extension."""

    assignment = IdField()
    new_deadline = DayField(label=_("Reply deadline asked for"), widget=DateInput)
    reason = forms.CharField(
        label=_("Why more time is needed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecideExtensionForm(ExtensionDecisionForm):
    """The office grants or refuses a unit's request, on the proposal's page (which names the request)."""

    request = IdField()


class ReplyForm(forms.Form):
    assignment = IdField()
    result_code = forms.ChoiceField(label=_("Result code"), choices=ResultCode.choices)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea, max_length=5000)


class ViewsForm(forms.Form):
    assignment = IdField()
    text = forms.CharField(label=_("Views for the lead unit"), widget=forms.Textarea, max_length=5000)


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Proposer's view"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
