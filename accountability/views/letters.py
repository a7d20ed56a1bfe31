"""Responsibility letters (目标责任书): the list per year, the printable letter and its xlsx,
signing, and change requests after signing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.access import Action, access_for
from core.bounds import DayField, year_param
from core.errors import RuleViolation
from core.excel_writer import xlsx_response
from core.permissions import can
from tasks.models import Assignment

from .. import services
from ..choices import ChangeRequestStatus
from ..exporters import LetterExporter
from ..models import LetterChangeRequest, ResponsibilityLetter


class SignForm(forms.Form):
    signatory = forms.CharField(label=gettext_lazy("Signed by (name and post)"), max_length=64)
    signed_on = DayField(label=gettext_lazy("Signed on"), required=False)


class ChangeRequestForm(forms.Form):
    assignment = forms.TypedChoiceField(label=gettext_lazy("Assignment"), coerce=int)
    deadline = DayField(label=gettext_lazy("New deadline"), required=False)
    share = forms.DecimalField(label=gettext_lazy("New share"), required=False, max_digits=18, decimal_places=4)
    responsible_person = forms.CharField(label=gettext_lazy("New responsible person"), required=False, max_length=64)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.assignments = {a.pk: a for a in assignments}
        self.fields["assignment"].choices = [(a.pk, f"{a.target.code} {a.target.title}") for a in assignments]


@login_required
def letter_list(request):
    year = year_param(request)
    letters = ResponsibilityLetter.objects.for_user(request.user).filter(year=year).select_related("unit")
    pending = (
        LetterChangeRequest.objects.for_user(request.user)
        .filter(status=ChangeRequestStatus.PENDING, letter__year=year)
        .select_related("letter__unit", "assignment__target")
    )
    return render(
        request,
        "accountability/letters/list.html",
        {"letters": letters, "pending": pending, "year": year, "years": range(year - 2, year + 2),
         "office": access_for(request.user).office},
    )  # fmt: skip


@login_required
@require_POST
def letter_prepare(request):
    year = year_param(request)
    try:
        created = services.prepare_letters(year, acting_user=request.user)
    except RuleViolation as error:
        raise PermissionDenied(error.messages[0]) from None
    messages.success(request, _("%(count)d letters prepared.") % {"count": len(created)})
    return redirect(f"{reverse('letters:list')}?year={year}")


def _letter(request, pk: int) -> ResponsibilityLetter:
    related = ("unit", "unit_signature_recorded_by", "city_signature_recorded_by")
    return get_object_or_404(ResponsibilityLetter.objects.for_user(request.user).select_related(*related), pk=pk)


@login_required
def letter_detail(request, pk: int):
    letter = _letter(request, pk)
    access = access_for(request.user)
    if letter.is_signed:
        # What was signed stays as signed: later approved changes are listed as numbered revisions.
        lines = letter.signed_content
    else:
        lines = services.letter_content(services.letter_assignments(letter.unit, letter.year))
    changes = list(letter.change_requests.select_related("assignment__target", "requested_by", "decided_by"))
    for change in changes:
        change.lines = [
            (Assignment._meta.get_field(name).verbose_name, change.previous.get(name), value)
            for name, value in change.changes.items()
        ]
    context = {
        "letter": letter,
        "lines": lines,
        "recorded": [
            (_("Unit's signature"), letter.unit_signature_recorded_by, letter.unit_signature_recorded_at),
            (_("City's signature"), letter.city_signature_recorded_by, letter.city_signature_recorded_at),
        ],
        "revisions": [c for c in changes if c.status == ChangeRequestStatus.APPROVED],
        "requests": [c for c in changes if c.status != ChangeRequestStatus.APPROVED],
        "office": access.office,
        "can_sign_unit": not letter.unit_signed_on and can(request.user, "letter.sign_unit", letter),
        "can_sign_city": not letter.city_signed_on and can(request.user, "letter.sign_city", letter),
        "can_request": can(request.user, "letter.request_change", letter),
        "sign_form": SignForm(),
    }
    return render(request, "accountability/letters/detail.html", context)


@login_required
def letter_xlsx(request, pk: int):
    return xlsx_response(LetterExporter(_letter(request, pk)))


@login_required
@require_POST
def letter_sign(request, pk: int, side: str):
    letter = _letter(request, pk)
    form = SignForm(request.POST)
    sign = {"unit": services.sign_for_unit, "city": services.sign_for_city}.get(side)
    if sign is None:
        raise Http404
    permissions.require(request.user, f"letter.sign_{side}", letter)
    if not form.is_valid():
        messages.error(request, _("Say who signed, and on which day."))
        return redirect("letters:detail", pk=letter.pk)
    try:
        sign(
            letter,
            signatory=form.cleaned_data["signatory"],
            signed_on=form.cleaned_data["signed_on"],
            acting_user=request.user,
        )
    except RuleViolation as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("The signature was recorded."))
    return redirect("letters:detail", pk=letter.pk)


@login_required
def change_request_new(request, pk: int):
    letter = _letter(request, pk)
    permissions.require(request.user, "letter.request_change", letter)
    assignments = list(services.letter_assignments(letter.unit, letter.year))
    form = ChangeRequestForm(request.POST or None, assignments=assignments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assignment = form.assignments[data["assignment"]]
        changes = {
            name: data[name] for name in ("deadline", "share", "responsible_person") if data[name] not in (None, "")
        }
        try:
            services.request_letter_change(assignment, changes=changes, reason=data["reason"], acting_user=request.user)
        except RuleViolation as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The change request was sent to the supervision office."))
            return redirect("letters:detail", pk=letter.pk)
    return render(request, "accountability/letters/change_request.html", {"letter": letter, "form": form})


@login_required
@require_POST
def change_request_decide(request, pk: int):
    change = get_object_or_404(LetterChangeRequest.objects.for_user(request.user, Action.MANAGE), pk=pk)
    try:
        services.decide_letter_change(
            change, approve=request.POST.get("decision") == "approve", note=request.POST.get("note", ""),
            acting_user=request.user,
        )  # fmt: skip
    except RuleViolation as error:
        messages.error(request, "；".join(error.messages))
    return redirect("letters:detail", pk=change.letter_id)
