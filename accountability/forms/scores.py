"""Forms of the scoring pages: the ranking's filter, appeals, the rules, a month's run."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.bounds import DayField
from core.errors import RuleViolation
from core.forms import KeepsUploads
from core.labels import name_widgets
from tasks.forms.values import ValueField
from tasks.services import check_evidence_file

from ..choices import AMOUNT_ELSEWHERE, Grade, RankingPeriod, RuleCode
from .fields import DateInput, MonthField

POINTS = {"max_digits": 7, "decimal_places": 2}


class RankingFilterForm(forms.Form):
    as_of = DayField(label=_("As of"), required=False, widget=DateInput)
    period = forms.ChoiceField(label=pgettext_lazy("span", "Period"), choices=RankingPeriod.choices, required=False)


class AppealForm(KeepsUploads, forms.Form):
    reason = forms.CharField(label=_("Why the entry is wrong"), widget=forms.Textarea, max_length=2000)
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)

    def clean_evidence(self):
        # Checked here as file_appeal will, so that a file kept after a failed form is a good one.
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            try:
                check_evidence_file(evidence)
            except RuleViolation as error:
                raise forms.ValidationError(error.message_dict.get("file", error.messages)) from None
        return evidence


class DecideAppealForm(forms.Form):
    DECISIONS = [("reverse", _("Reverse the entry (the appeal succeeds)")), ("uphold", _("Uphold the entry"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea, max_length=2000)


class RunForm(forms.Form):
    month = MonthField(label=_("Month to score"))


class RulesForm(forms.Form):
    """Every rule's points, description and switch, and the grade bands, on one page."""

    def __init__(self, *args, rules, bands, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(rules)
        self.bands = list(bands)
        for rule in self.rules:
            if rule.code not in AMOUNT_ELSEWHERE:
                self.fields[f"amount_{rule.code}"] = ValueField(label=_("Points"), initial=rule.amount, **POINTS)
            self.fields[f"description_{rule.code}"] = forms.CharField(
                label=_("Description"), initial=rule.description, max_length=200
            )
            if rule.code != RuleCode.BASE:
                self.fields[f"active_{rule.code}"] = forms.BooleanField(
                    label=_("In force"), initial=rule.is_active, required=False
                )
        for band in self.bands:
            self.fields[f"band_{band.grade}"] = ValueField(
                label=Grade(band.grade).label, initial=band.min_score, **POINTS
            )
        # The rules table shows fields under column headers: each is named "<rule> · <column>".
        for rule in self.rules:
            columns = (f"{column}_{rule.code}" for column in ("amount", "description", "active"))
            name_widgets((self.fields[name] for name in columns if name in self.fields), row=rule.get_code_display())
        name_widgets(self.fields[f"band_{band.grade}"] for band in self.bands)

    def rows(self):
        """(rule, amount field, description field, active field) for the template."""
        for rule in self.rules:
            yield (
                rule,
                self[f"amount_{rule.code}"] if f"amount_{rule.code}" in self.fields else None,
                self[f"description_{rule.code}"],
                self[f"active_{rule.code}"] if f"active_{rule.code}" in self.fields else None,
            )

    def band_fields(self):
        return [self[f"band_{band.grade}"] for band in self.bands]
