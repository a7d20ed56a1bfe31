"""The office's forms for a unit's responsible persons (责任人)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ResponsiblePerson


class PersonForm(forms.ModelForm):
    """Name, post and phones; the office clears 待完善 once they are complete."""

    class Meta:
        model = ResponsiblePerson
        fields = ["name", "post", "office_phone", "mobile", "needs_completion"]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SuccessorForm(forms.Form):
    """Who takes over a person's assignments (接任者) when the person leaves the unit's list."""

    successor = forms.ModelChoiceField(label=_("Successor"), queryset=ResponsiblePerson.objects.none(), required=False)

    def __init__(self, *args, person: ResponsiblePerson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = ResponsiblePerson.objects.filter(
            unit_id=person.unit_id, is_active=True
        ).exclude(pk=person.pk)
