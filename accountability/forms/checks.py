"""Forms of the four checks (四查): recording one, and the register's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DayField
from tasks.models import Unit

from ..choices import CheckFollowUp, CheckKind, CheckMethod, CheckRating


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of check"), choices=CheckKind.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label=_("How it was checked"),
        choices=CheckMethod.choices,
        initial=CheckMethod.PAPERS,
        required=False,
        widget=forms.RadioSelect,
    )
    checked_on = DayField(label=_("Checked on"))
    finding = forms.CharField(
        label=_("Finding"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    rating = forms.ChoiceField(label=_("Rating"), choices=CheckRating.choices, required=False, widget=forms.RadioSelect)
    follow_up = forms.ChoiceField(
        label=_("What follows"),
        choices=CheckFollowUp.choices,
        initial=CheckFollowUp.NONE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "An issue supervision notice is issued at once with the finding as its problem; "
            "a proposal of accountability is recorded for the accountability procedure."
        ),
    )
    required_action = forms.CharField(
        label=_("Required rectification"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for an issue supervision notice."),
    )
    due_date = DayField(label=_("Rectify by"), required=False, help_text=_("Only for an issue supervision notice."))

    def clean_finding(self):
        finding = (self.cleaned_data.get("finding") or "").strip()
        if not finding:
            raise forms.ValidationError(_("Write down what the check found."))
        return finding

    def clean(self):
        data = super().clean()
        # Left out (an older form, a script): checked from the papers, nothing follows.
        data["method"] = data.get("method") or CheckMethod.PAPERS
        data["follow_up"] = data.get("follow_up") or CheckFollowUp.NONE
        if data.get("follow_up") == CheckFollowUp.NOTICE:
            if not (data.get("required_action") or "").strip():
                self.add_error("required_action", _("Say what the unit must do."))
            if not data.get("due_date") and "due_date" not in self.errors:
                self.add_error("due_date", _("Give the date by which the unit must rectify."))
        return data


class CheckFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of check"), required=False, choices=[("", _("All kinds")), *CheckKind.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units")
    )
    method = forms.ChoiceField(
        label=_("How it was checked"), required=False, choices=[("", _("All methods")), *CheckMethod.choices]
    )
    rating = forms.ChoiceField(
        label=_("Rating"), required=False, choices=[("", _("All ratings")), *CheckRating.choices]
    )
    follow_up = forms.ChoiceField(
        label=_("What follows"), required=False, choices=[("", _("Any follow-up")), *CheckFollowUp.choices]
    )
    date_from = DayField(label=_("Checked from"), required=False)
    date_to = DayField(label=_("Checked to"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data


class ProposedFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Suggested check"), required=False, choices=[("", _("All kinds")), *CheckKind.choices]
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
