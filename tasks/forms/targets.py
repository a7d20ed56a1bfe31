"""The office's forms for a target, its breakdown (责任分解) and its plan (路线图)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DayField, IdField, bound_dates
from core.labels import NamedRowsFormSet
from core.periods import Granularity

from ..choices import AssignmentRole
from ..models import Field, ResponsiblePerson, Target, Unit
from ..services.breakdown import TARGET_FIELDS
from .values import ValueField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _long_text(name: str, rows: int) -> forms.CharField:
    """A text column of the target, bounded here (the database takes any length)."""
    field = Target._meta.get_field(name)
    return forms.CharField(
        label=field.verbose_name, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": rows})
    )


class TargetForm(forms.ModelForm):
    """Fields and the model's own checks; saving goes through create_target / update_target."""

    description = _long_text("description", 3)
    remarks = _long_text("remarks", 2)
    # 分管领域: the labels that put the target in the scope of the leaders over those fields.
    areas = forms.ModelMultipleChoiceField(
        queryset=Field.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Fields")
    )

    class Meta:
        model = Target
        fields = [
            "year", "code", "title", "description", "parent", "source", "target_type", "is_key", "leader",
            "task_force", "start_date", "deadline", "report_frequency", "measure_unit", "baseline",
            "target_value", "direction", "measure_kind", "share_rule", "remarks",
        ]  # fmt: skip
        field_classes = {"baseline": ValueField, "target_value": ValueField}
        widgets = {
            "start_date": DATE,
            "deadline": DATE,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert set(self.Meta.fields) <= TARGET_FIELDS
        bound_dates(self)
        parents = Target.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("-year", "code")
        if self.instance.pk:
            self.fields["areas"].initial = list(self.instance.fields.all())

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.unit} · {obj}"


class AssignmentRowForm(forms.Form):
    """One link of the chain in the breakdown table."""

    assignment_id = IdField(required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.CO)
    person = PersonChoiceField(
        label=_("Responsible person"),
        queryset=ResponsiblePerson.objects.filter(is_active=True).select_related("unit"),
        required=False,
    )
    # A name typed instead (添加): the unit's person of that name, or a new one flagged 待完善.
    responsible_person = forms.CharField(label=_("or a new name"), max_length=64, required=False)
    duty = forms.CharField(
        label=_("Duty"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 24})
    )
    share = ValueField(label=_("Share"), max_digits=18, decimal_places=4, required=False, min_value=0)
    deadline = DayField(label=_("Deadline"), widget=DATE, required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("assignment_id") and not cleaned.get("unit") and self.has_changed():
            self.add_error("unit", _("Choose the unit."))
        return cleaned


class BaseBreakdownFormSet(NamedRowsFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            unit = form.cleaned_data.get("unit")
            if unit is None or form.cleaned_data.get("remove"):
                continue
            if unit.pk in seen:
                raise forms.ValidationError(
                    _("%(unit)s appears twice; a unit has one part in a target.") % {"unit": unit}
                )
            seen.add(unit.pk)


BreakdownFormSet = forms.formset_factory(AssignmentRowForm, formset=BaseBreakdownFormSet, extra=3)


class GenerateForm(forms.Form):
    """倒排工期: propose milestones from a start date back from the deadline."""

    granularity = forms.ChoiceField(label=_("Plan by"), choices=Granularity.choices, initial=Granularity.MONTH)
    start = DayField(label=_("From"), widget=DATE, required=False)


class MilestoneRowForm(forms.Form):
    due_date = DayField(label=_("Due date"), widget=DATE, required=False)
    granularity = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Granularity.choices], required=False)
    planned_percent = ValueField(
        label=_("Planned progress (%)"), max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False
    )
    planned_value = ValueField(label=_("Planned value"), max_digits=18, decimal_places=4, required=False)
    description = forms.CharField(label=_("What is due"), max_length=200, required=False)


class BasePlanFormSet(NamedRowsFormSet):
    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or not data.get("due_date"):
                continue
            if data.get("planned_percent") is None:
                form.add_error("planned_percent", _("Enter the planned progress."))
                continue
            row = {"due_date": data["due_date"], "planned_percent": data["planned_percent"]}
            for name in ("planned_value", "description", "granularity"):
                if data.get(name) not in (None, ""):
                    row[name] = data[name]
            rows.append(row)
        return rows


PlanFormSet = forms.formset_factory(MilestoneRowForm, formset=BasePlanFormSet, extra=2, can_delete=True)
