"""Names for fields that sit in a table cell under a column header, without a <label> of their own.

A screen reader names a field by its label; in the breakdown and plan tables and on the points
rules page the column header is the only label a sighted person needs, so each widget carries its
label as ``aria-label`` (WCAG 1.3.1 and 4.1.2; axe-core's ``label`` and ``select-name`` rules).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.text import format_lazy


def name_widgets(fields: Iterable[forms.Field], *, row=None) -> None:
    """Give every visible field its label as aria-label, after ``row`` (the row's name) if given."""
    for field in fields:
        if field.widget.is_hidden or field.label is None:
            continue
        name = format_lazy("{} · {}", row, field.label) if row is not None else field.label
        field.widget.attrs.setdefault("aria-label", name)


class NamedRowsFormSet(forms.BaseFormSet):
    """A formset shown as a table, one form a row: every field named for screen readers (the delete
    box, added by the formset itself, included)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_widgets(form.fields.values())
