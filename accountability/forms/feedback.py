"""Forms of the public's channel: the public's clue form, the office's decisions, queue filters, settings."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core import clock
from core.bounds import DayField
from core.lists import FilterForm

from ..choices import FeedbackKind, FeedbackStatus
from ..models import Disclosure, FeedbackSettings
from ..models.feedback import CONTACT_MAX, TEXT_MAX
from ..services.photos import MAX_BYTES

HONEYPOT = "website"


def _filled(message: str, **values):
    """A translated message with its numbers, translated when shown (not at import)."""
    return lazy(lambda: gettext(message) % values, str)()


def _text(label, *, rows=4, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": TEXT_MAX}),
    )


class PublicFeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("This is a"), choices=FeedbackKind.choices, initial=FeedbackKind.CLUE, widget=forms.RadioSelect
    )
    text = _text(
        _("What you saw or want to say"),
        rows=6,
        help_text=_filled(gettext_noop("Plain text, at most %(n)s characters. Where, when, what."), n=TEXT_MAX),
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        required=False,
        max_length=CONTACT_MAX,
        help_text=_("A mobile or landline number or an email address, if the office may contact you."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_filled(gettext_noop("JPEG, PNG or WebP, at most %(mb)s MB."), mb=MAX_BYTES // (1024 * 1024)),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    # Left empty by people (it is hidden); robots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class AnswerForm(forms.Form):
    answer = _text(_("Answer to publish"), rows=5, help_text=_("Published with the clue's text; never the contact."))


class DismissForm(forms.Form):
    reason = _text(_("Why it is not adopted (kept, not published)"), rows=3)


class FeedbackNoticeForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("Responsible unit"), queryset=None, empty_label=None)
    required_action = _text(_("Required rectification"), rows=3)
    due_date = DayField(label=_("Rectify by"))

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["assignment"].label_from_instance = lambda a: f"{a.target.code} {a.target.title} · {a.unit.name}"

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due <= clock.today():
            raise forms.ValidationError(_("The rectification date must be after today."))
        return due


class FeedbackFilterForm(FilterForm):
    status = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *FeedbackStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *FeedbackKind.choices])
    disclosure = forms.ModelChoiceField(
        label=_("Publication"),
        required=False,
        queryset=Disclosure.objects.published().only("pk", "title").order_by("-published_at"),
        empty_label=_("All"),
    )
    q = forms.CharField(label=_("Text contains"), required=False, max_length=100)

    lookups = {"status": "status", "kind": "kind", "disclosure": "disclosure"}

    def filter_q(self, rows, text):
        return rows.filter(Q(text__icontains=text) | Q(target_title__icontains=text))


class FeedbackSettingsForm(forms.ModelForm):
    class Meta:
        model = FeedbackSettings
        fields = ["retention_days", "per_address_per_hour", "per_hour"]
