"""Forms of the office's account pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.access import RoleKind
from core.bounds import DateInput
from core.lists import FilterForm
from tasks.models import Unit

from .models import LoginEventKind

UNIT_ROLE_CHOICES = [(RoleKind.STAFF, _("Liaison (unit staff)")), (RoleKind.HEAD, _("Unit head"))]
ACTIVE_CHOICES = [("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))]


class UserFilterForm(FilterForm):
    q = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=64)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All")), *RoleKind.choices], required=False)
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)

    lookups = {"unit": "roles__unit", "role": "roles__kind"}

    def filter_q(self, people, text):
        return people.filter(Q(username__icontains=text) | Q(display_name__icontains=text))

    def filter_active(self, people, value):
        return people.filter(is_active=value == "yes")

    def apply(self, people):
        return super().apply(people).distinct() if self.is_valid() else people


class NewLoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=64)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True))
    kind = forms.ChoiceField(label=_("Role"), choices=UNIT_ROLE_CHOICES, initial=RoleKind.STAFF)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class HandoverForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Existing login of the successor"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    username = forms.CharField(label=_("Or a new login: user name"), max_length=150, required=False)
    display_name = forms.CharField(label=_("New login: display name"), max_length=64, required=False)
    deactivate_old = forms.BooleanField(
        label=_("Deactivate the old login if it holds no other role"), required=False, initial=True
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("successor") and not data.get("username"):
            raise forms.ValidationError(_("Choose the successor's login or give a user name for a new one."))
        if data.get("successor") and data.get("username"):
            raise forms.ValidationError(_("Choose an existing login or a new one, not both."))
        if data.get("username") and not data.get("display_name"):
            self.add_error("display_name", _("Give the new login's display name."))
        return data


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class LoginLogFilterForm(FilterForm):
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Event"), choices=[("", _("All")), *LoginEventKind.choices], required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    lookups = {"kind": "kind"}

    def filter_username(self, events, username):
        return events.filter(username__iexact=username.strip())

    def filter_date_from(self, events, day):
        return events.filter(at__gte=day_start(day))

    def filter_date_to(self, events, day):
        return events.filter(at__lt=day_start(day + dt.timedelta(days=1)))
