"""Forms of 现场协调快办: the unit's request, the meeting's time and place, the decisions, progress."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import clock
from core.bounds import DayField
from core.forms import KeepsUploads
from core.lists import FilterForm
from tasks.choices import OPEN_ASSIGNMENT_STATUSES
from tasks.models import Assignment, Leader, ResponsiblePerson, Unit

from ..choices import CoordinationStatus, DecisionStatus


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CoordinationForm(forms.Form):
    """申请协调: what is blocked, the leader and units needed, and optionally the assignment."""

    unit = UnitChoiceField(label=_("Requesting unit"), queryset=Unit.objects.none())
    blocked = forms.CharField(
        label=_("What is blocked"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    leader = forms.ModelChoiceField(label=_("City leader needed"), queryset=Leader.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Units needed"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    assignment = forms.ModelChoiceField(
        label=_("Assignment concerned (optional)"), queryset=Assignment.objects.none(), required=False
    )

    def __init__(self, *args, unit_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "pk")
        self.fields["leader"].queryset = Leader.objects.order_by("sort_order", "post")
        self.fields["units"].queryset = Unit.objects.order_by("sort_order", "pk")
        self.fields["assignment"].queryset = (
            Assignment.objects.filter(unit__in=unit_ids, status__in=OPEN_ASSIGNMENT_STATUSES)
            .select_related("target", "unit")
            .order_by("target__code", "pk")
        )
        self.fields["assignment"].label_from_instance = lambda a: f"{a.target.code} {a.target.title} · {a.unit}"


class ScheduleForm(forms.Form):
    """安排协调: the day, the time, the place and the units called."""

    day = DayField(label=_("Meeting day"), required=False)
    time = forms.TimeField(
        label=_("Meeting time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Meeting place"), max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Units called"), queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.order_by("sort_order", "pk")

    def meeting_at(self) -> dt.datetime | None:
        day, time = self.cleaned_data.get("day"), self.cleaned_data.get("time")
        if day is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, time))


class ProgressMeetingForm(ScheduleForm):
    """召开推进例会: the subject, the leader holding it, then the day, time, place and units called."""

    subject = forms.CharField(label=_("Meeting subject"), max_length=200, required=False)
    leader = forms.ModelChoiceField(label=_("City leader"), queryset=Leader.objects.none(), required=False)

    field_order = ["subject", "leader", "day", "time", "place", "units"]

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders.order_by("sort_order", "post")
        self.order_fields(self.field_order)


class DecisionRowForm(forms.Form):
    """One decision (议定事项). Every field may be left empty here: the service names what a started
    row is missing, in one message for all rows."""

    text = forms.CharField(label=_("Meeting decision"), required=False, max_length=2000)
    owner = UnitChoiceField(label=_("Owner unit"), queryset=Unit.objects.none(), required=False)
    person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=ResponsiblePerson.objects.none(), required=False
    )
    deadline = DayField(label=_("Deadline"), required=False)

    def __init__(self, *args, unit_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Unit.objects.filter(pk__in=unit_ids).order_by("sort_order", "pk")
        people = ResponsiblePerson.objects.active().filter(unit__in=unit_ids).select_related("unit")
        self.fields["person"].queryset = people.order_by("unit__sort_order", "name")
        self.fields["person"].label_from_instance = lambda p: f"{p.unit} · {p.name}{f'（{p.post}）' if p.post else ''}"


DECISION_ROWS = 4


class DecisionsForm(forms.Form):
    """The meeting's notes; the rows are ``DecisionRowForm`` with prefixes ``d0``…"""

    minutes = forms.CharField(
        label=_("Meeting notes (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=8000
    )


class ProgressForm(KeepsUploads, forms.Form):
    """报告进展: what was done, an optional file, and 办结申请 when it is done."""

    text = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    file = forms.FileField(label=_("File (optional)"), required=False)
    asks_close = forms.BooleanField(label=_("Done: ask the office to close it"), required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class CoordinationFilters(FilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *CoordinationStatus.choices], required=False)
    lookups = {"status": "status"}


class DecisionFilters(FilterForm):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *DecisionStatus.choices], required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    lookups = {"status": "status"}

    def filter_overdue(self, rows, value):
        return rows.exclude(status=DecisionStatus.CLOSED).filter(deadline__lt=clock.today())
