"""The office's forms for 分管: a field (分管领域) and a leader's fields, units and whole-city flag."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Field, Leader, Unit


class FieldForm(forms.ModelForm):
    class Meta:
        model = Field
        fields = ["name", "sort_order"]


class LeaderScopeForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label=_("units in charge"), queryset=Unit.objects.filter(is_active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    fields = forms.ModelMultipleChoiceField(
        label=_("fields in charge"), queryset=Field.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Leader
        fields = ["whole_city", "units", "fields"]
