"""申请销号 and 申请延期 on an assignment, and the office's decision on an extension."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.bounds import DateInput, DayField
from core.forms import KeepsUploads

from .reports import EvidenceField
from .values import ValueField


class ClaimForm(KeepsUploads, forms.Form):
    """The final figures (a value where the unit reports one, else a percent), a statement, evidence."""

    final_percent = ValueField(
        label=_("Final progress (%)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal", "min": "0", "max": "100"}),
    )
    final_value = ValueField(label=_("Final value"), max_digits=18, decimal_places=4, required=False)
    statement = forms.CharField(
        label=_("Statement of completion"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("What was done, when, and how the result can be checked."),
    )
    evidence = EvidenceField(label=_("Evidence files"), required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.reports_value = assignment.reports_value
        if self.reports_value:
            del self.fields["final_percent"]
            unit = assignment.target.measure_unit
            self.fields["final_value"].label = _("Final value (%(unit)s)") % {"unit": unit}
            self.fields["final_value"].help_text = _("Your goal: %(goal)s %(unit)s.") % {
                "goal": f"{assignment.goal_value.normalize():f}",
                "unit": unit,
            }
        else:
            del self.fields["final_value"]

    def clean_final_percent(self):
        value = self.cleaned_data.get("final_percent")
        if value is None:
            raise ValidationError(_("Enter the final progress in percent."))
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("Progress must be between 0 and 100 percent."))
        return value

    def clean_final_value(self):
        value = self.cleaned_data.get("final_value")
        if value is None:
            raise ValidationError(
                _("Enter the final value in %(unit)s.") % {"unit": self.assignment.target.measure_unit}
            )
        if value < 0:
            raise ValidationError(_("The actual value cannot be negative."))
        return value

    def clean_statement(self):
        statement = (self.cleaned_data.get("statement") or "").strip()
        if not statement:
            raise ValidationError(_("Write the statement of completion."))
        return statement

    def clean_evidence(self):
        files = self.cleaned_data.get("evidence") or []
        if not files:
            raise ValidationError(_("Attach at least one evidence file."))
        return files

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        figures = (
            {"final_value": data["final_value"]} if self.reports_value else {"final_percent": data["final_percent"]}
        )
        return {**figures, "statement": data["statement"], "evidence": data["evidence"]}


class ExtensionForm(forms.Form):
    new_deadline = DayField(label=_("Deadline asked for"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Say why more time is needed."))
        return reason


class ExtensionDecisionForm(forms.Form):
    """The office grants or refuses a request for more time; a refusal says why."""

    GRANT, REFUSE = "grant", "refuse"
    DECISIONS = [(GRANT, _("Grant the extension")), (REFUSE, _("Refuse"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (required to refuse)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REFUSE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Say why the request is refused."))
        return cleaned

    @property
    def grant(self) -> bool:
        return self.cleaned_data["decision"] == self.GRANT


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Give the reason."))
        return reason
