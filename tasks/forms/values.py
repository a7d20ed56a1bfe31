"""The decimal field of every form that takes a value or a percent.

Django pre-fills a DecimalField with the stored scale (1175.4000, 42.0); people typed 1175.4 and 42.
``ValueField`` shows a stored number as tasks/numbers.py prints it and validates like DecimalField.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ..numbers import plain


class ValueField(forms.DecimalField):
    def prepare_value(self, value):
        # Only stored numbers (initial values); what a person typed is shown back as typed.
        if isinstance(value, Decimal) and value.is_finite():
            return plain(value)
        if isinstance(value, float):
            return plain(Decimal(str(value)))
        return super().prepare_value(value)
