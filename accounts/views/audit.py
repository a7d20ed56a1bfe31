"""/audit/: the office searches the history of every record by person, unit, object, kind and date."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.bounds import DateInput
from core.lists import OpenEndedPage, page_number, page_size
from core.views import office_only
from tasks.models import Unit

from ..audit import AuditFilters, history_models, search

MAX_PAGE = 200
KIND_CHOICES = [("", _("All")), ("+", _("+ created")), ("~", _("~ changed")), ("-", _("- deleted"))]


class AuditForm(forms.Form):
    person = forms.CharField(label=_("Person (user name or name)"), required=False, max_length=150)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    model = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.IntegerField(label=_("Record number"), required=False, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(label=_("Change"), choices=KIND_CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("All")), *((item.label, item.name) for item in history_models())]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        user_ids = None
        person = (data.get("person") or "").strip()
        if person:
            user_ids = list(
                get_user_model()
                .objects.filter(Q(username__iexact=person) | Q(display_name__icontains=person))
                .values_list("pk", flat=True)[:200]
            )
        return AuditFilters(
            user_ids=user_ids,
            unit=data.get("unit"),
            model_label=data.get("model") or "",
            object_id=data.get("object_id"),
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


@office_only
def audit_search(request):
    form = AuditForm(request.GET or None)
    rows, has_next, number = [], False, page_number(request, last=MAX_PAGE)
    if form.is_bound and form.is_valid():
        rows, has_next = search(form.filters(), page=number, per_page=page_size())
    elif not form.is_bound:
        rows, has_next = search(AuditFilters(), page=number, per_page=page_size())
    page = OpenEndedPage(rows, number, more=has_next and number < MAX_PAGE)
    return render(request, "accounts/audit.html", {"form": form, "page": page})
