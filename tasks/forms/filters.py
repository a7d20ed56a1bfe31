"""Filter bars of the lists. A value that is not one of the choices is dropped with a message."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from core.bounds import IdField
from core.forms import PlainSelect

from ..choices import AssignmentStatus, RankingGroup, Source, TargetStatus, TargetType, WarningLevel
from ..models import Leader, Unit

REPORT_STATE_CHOICES = [
    ("missing", _("Report missing")),
    ("due", _("Report due")),
    ("returned", _("Returned")),
    ("approval", _("Awaiting head")),
]


ALL = _("All")


def _blank(choices, label=ALL):
    return [("", label), *choices]


def year_choices():
    this_year = clock.today().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 6, -1)]


class _Names(ModelChoiceIterator):
    """The options as (pk, name) read as values, not as a model instance each: a province has 900
    units. ``name`` is the field the model's ``__str__`` gives."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.name_field)


class _ChoiceOfEvery(forms.ModelChoiceField):
    """A filter's choice of every unit or leader, its options written in Python (``PlainSelect``)."""

    iterator = _Names

    def __init__(self, queryset, *, name_field: str, **kwargs):
        self.name_field = name_field
        super().__init__(queryset=queryset, empty_label=_("All"), widget=PlainSelect, **kwargs)


def _every_unit() -> forms.ModelChoiceField:
    return _ChoiceOfEvery(Unit.objects.all(), name_field="name", label=_("Unit"))


def _every_leader() -> forms.ModelChoiceField:
    return _ChoiceOfEvery(Leader.objects.all(), name_field="post", label=_("Leader"))


class _FilterForm(forms.Form):
    """A GET form: every field optional; ``filters`` holds only the valid, non-empty ones."""

    def __init__(self, data, *args, **kwargs):
        super().__init__(data or None, *args, **kwargs)
        for field in self.fields.values():
            field.required = False

    @property
    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        # Not "v not in (None, '', False)": colour 0 (green) equals False and must stay.
        return {
            k: v for k, v in getattr(self, "cleaned_data", {}).items() if v is not None and v != "" and v is not False
        }


class LedgerFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    source = forms.ChoiceField(label=_("Source"), choices=_blank(Source.choices))
    target_type = forms.ChoiceField(label=_("Type"), choices=_blank(TargetType.choices))
    unit = _every_unit()
    leader = _every_leader()
    status = forms.ChoiceField(label=_("Status"), choices=_blank(TargetStatus.choices))
    colour = forms.TypedChoiceField(label=_("Colour"), coerce=int, choices=_blank(WarningLevel.choices))

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["year"].choices = _blank(year_choices())


class AssignmentFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    unit = _every_unit()
    group = forms.ChoiceField(label=_("Group"), choices=_blank(RankingGroup.choices))
    source = forms.ChoiceField(label=_("Source"), choices=_blank(Source.choices))
    target_type = forms.ChoiceField(label=_("Type"), choices=_blank(TargetType.choices))
    leader = _every_leader()
    status = forms.ChoiceField(
        label=_("Status"), choices=_blank([("open", pgettext_lazy("status", "Open")), *AssignmentStatus.choices])
    )
    colour = forms.TypedChoiceField(label=_("Colour"), coerce=int, choices=_blank(WarningLevel.choices))
    report = forms.ChoiceField(label=_("Reporting"), choices=_blank(REPORT_STATE_CHOICES))
    lagging = forms.BooleanField(label=_("Behind plan only"))
    red_since = forms.TypedChoiceField(
        label=_("New reds"), coerce=int, choices=_blank([(1, _("Since yesterday")), (7, _("In the last 7 days"))])
    )
    extension = forms.BooleanField(label=_("Extension request waiting"))
    target = IdField()

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["year"].choices = _blank(year_choices())


REVIEW_AGES = [(3, _("Waiting 3 days or more")), (7, _("Waiting 7 days or more")), (14, _("Waiting 14 days or more"))]


class ReviewFilterForm(_FilterForm):
    """审核队列: by unit, by how long the report has waited at the office, by the target's kind."""

    unit = _every_unit()
    age = forms.TypedChoiceField(label=_("Waiting"), coerce=int, choices=_blank(REVIEW_AGES))
    target_type = forms.ChoiceField(label=_("Kind"), choices=_blank(TargetType.choices))
