"""The form of a person's own profile (/profile/). It bounds lengths only: what a valid number or
address is, is decided once, in ``accounts.services.update_profile`` (``accounts/contacts.py``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .contacts import EMAIL_MAX, NAME_MAX, PHONE_MAX


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Office phone"),
        max_length=PHONE_MAX,
        required=False,
        help_text=_("With the area code, such as 0396-1234567."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    mobile = forms.CharField(
        label=_("Mobile phone"),
        max_length=PHONE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=EMAIL_MAX,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the pages"),
        choices=settings.LANGUAGES,
        help_text=_("The pages speak this language on any computer you log in from."),
    )

    @classmethod
    def for_person(cls, person, data=None):
        initial = {name: getattr(person, name) for name in cls.base_fields}
        return cls(data, initial=initial)
