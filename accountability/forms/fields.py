"""Small form fields shared by the scoring and disclosure pages."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DateInput as DateInput  # one date picker, ISO dates; imported from here too
from core.bounds import check_day

_MONTH = re.compile(r"^\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*月?\s*$")


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    """A month as YYYY-MM (the browser's month picker), also accepting 2018年9月; cleans to its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, for example 2018-09.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        match = _MONTH.match(str(value))
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        month = dt.date(int(match.group(1)), int(match.group(2)), 1)
        check_day(month)
        return month

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value
