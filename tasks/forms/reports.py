"""The four-part report form (四报), evidence uploads, review and follow-up forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import clock
from core.bounds import DayField
from core.errors import RuleViolation
from core.forms import KeepsUploads

from ..choices import FollowUpKind, FollowUpTopic
from ..services import check_evidence_file
from .values import ValueField

MAX_FILES = 10
# Each part of the four-part report: a long page of text, and a bound on what one post may carry.
REPORT_TEXT_MAX = 5000


def _report_text(label, *, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), required=False, max_length=REPORT_TEXT_MAX
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each checked like ``services.add_evidence`` will (size, type, bytes)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(n)s files at a time.") % {"n": MAX_FILES})
        errors = []
        for uploaded in files:
            uploaded = super().clean(uploaded, initial)
            try:
                check_evidence_file(uploaded)
            except RuleViolation as error:
                for message in error.message_dict.get("file", error.messages):
                    errors.append(f"{uploaded.name}：{message}")
        if errors:
            raise ValidationError(errors)
        return files


class ReportForm(KeepsUploads, forms.Form):
    """Progress as a percent or as the indicator's value, the four parts, and evidence files."""

    SAVE, SUBMIT = "save", "submit"

    progress_percent = ValueField(
        label=_("Cumulative progress (%)"),
        max_digits=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    actual_value = ValueField(label=_("Cumulative actual value"), max_digits=18, decimal_places=4, required=False)
    work_done = _report_text(_("Progress: work done"), rows=4)
    problems = _report_text(_("Problems met"))
    next_plan = _report_text(_("Plan for the next period"))
    suggestions = _report_text(_("Suggestions and support needed"))
    evidence = EvidenceField(label=_("Evidence files"), required=False)
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (SUBMIT, SUBMIT)], widget=forms.HiddenInput, required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.reports_value = assignment.reports_value
        if self.reports_value:
            del self.fields["progress_percent"]
            target = assignment.target
            self.fields["actual_value"].label = _("Cumulative actual value (%(unit)s)") % {"unit": target.measure_unit}
            goal = assignment.goal_value
            self.fields["actual_value"].help_text = _("Your goal: %(goal)s %(unit)s.") % {
                "goal": f"{goal.normalize():f}",
                "unit": target.measure_unit,
            }
        else:
            del self.fields["actual_value"]
            self.fields["progress_percent"].widget.attrs.update({"min": "0", "max": "100"})

    def clean_progress_percent(self):
        value = self.cleaned_data.get("progress_percent")
        if value is None:
            raise ValidationError(_("Enter the cumulative progress in percent."))
        if not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("Progress must be between 0 and 100 percent."))
        return value

    def clean_actual_value(self):
        value = self.cleaned_data.get("actual_value")
        if value is None:
            raise ValidationError(
                _("Enter the actual value in %(unit)s.") % {"unit": self.assignment.target.measure_unit}
            )
        if value < 0:
            raise ValidationError(_("The actual value cannot be negative."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.SUBMIT and not (cleaned.get("work_done") or "").strip():
            self.add_error("work_done", _("Describe the work done before submitting."))
        return cleaned

    @property
    def submitting(self) -> bool:
        return self.cleaned_data.get("action") == self.SUBMIT

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data.get(name, "") for name in ("work_done", "problems", "next_plan", "suggestions")}
        if self.reports_value:
            arguments["actual_value"] = data["actual_value"]
        else:
            arguments["progress_percent"] = data["progress_percent"]
        return arguments


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    refile_by = DayField(
        label=_("Refile by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Refiled by this date, the report is not late. Empty: the office's default working days."),
    )

    def clean_refile_by(self):
        day = self.cleaned_data.get("refile_by")
        if day is not None and day < clock.today():
            raise ValidationError(_("The refile-by date cannot be before today."))
        return day

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(_("Say why the report is returned."))
        return reason


class FollowUpForm(forms.Form):
    """An office follow-up or a leader instruction; the kinds offered are the ones the person holds."""

    kind = forms.ChoiceField(label=_("As"), choices=FollowUpKind.choices)
    topic = forms.ChoiceField(
        label=_("About"), choices=FollowUpTopic.choices, initial=FollowUpTopic.GENERAL, required=False
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False)

    def __init__(self, *args, kinds, with_topic: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.fields["kind"].choices = [(k, FollowUpKind(k).label) for k in kinds]
        if len(kinds) == 1:
            # One role, one kind: nothing to choose.
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].required = False
            self.fields["kind"].widget = forms.HiddenInput()
        if not with_topic:
            self.fields["topic"].choices = [(FollowUpTopic.GENERAL, FollowUpTopic.GENERAL.label)]
            self.fields["topic"].widget = forms.HiddenInput()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or self.kinds[0]

    def clean_topic(self):
        return self.cleaned_data.get("topic") or FollowUpTopic.GENERAL

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Write the follow-up or instruction."))
        return text


def follow_up_kinds(access) -> list[str]:
    """Which kinds of follow-up a person may write: the office follows up, leaders instruct."""
    kinds = []
    if access.is_leader:
        kinds.append(FollowUpKind.LEADER)
    if access.office:
        kinds.append(FollowUpKind.OFFICE)
    return kinds
