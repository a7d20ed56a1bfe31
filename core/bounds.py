"""The range every date, month and year a person or a link can send must fall in.

Dates far outside the system's life (0001-01-01, 9999-12-31) parse fine but break date arithmetic,
year ranges and the database's own limits further down; they are refused where they come in, as a
form error on a form, and as 400 Bad Request on a link's query parameter.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext_lazy as _

from core import clock

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
# Primary keys are 64-bit; a larger number in a form is no id of ours.
MAX_ID = 2**63 - 1


def check_day(value: dt.date) -> None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY},
            code="out_of_range",
        )


class DateInput(forms.DateInput):
    """The browser's date picker. It takes and shows only ISO dates (2018-10-15): a default printed
    the Chinese way (2018/10/15) is refused by the browser and the field shows empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DayField(forms.DateField):
    """A date within the system's years, picked in the browser's date picker."""

    widget = DateInput
    default_validators = [check_day]


class YearField(forms.IntegerField):
    """A year within the system's years."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)


class IdField(forms.IntegerField):
    """A hidden id: a positive 64-bit number (access is checked where it is used)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


def bound_dates(form: forms.BaseForm) -> None:
    """Give every date field of ``form`` (a model form's too) the system's range."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and check_day not in field.validators:
            field.validators.append(check_day)


def year_param(request, default: int | None = None, name: str = "year") -> int:
    """The year a link asks for (``?year=``), ``default`` (this year) when absent; 400 when it is no year of ours."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return clock.today().year if default is None else default
    try:
        year = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a year") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadRequest(f"{name} must be between {FIRST_YEAR} and {LAST_YEAR}")
    return year
