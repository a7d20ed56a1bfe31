"""Accountability cases (问责): the list, one case, the office's proposal and the leader's decision."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import Action
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.forms import KeepsUploads
from core.lists import FilterForm, paginate
from core.permissions import can, get_or_deny, require
from core.views import object_for
from tasks.models import ResponsiblePerson

from ..choices import CaseStatus
from ..models import AccountabilityCase, AccountabilityMeasure, Check, Notice
from ..services.cases import decide_case, notice_may_raise_case, propose_case
from .guards import role_required


class CaseFilters(FilterForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("All")), *CaseStatus.choices], required=False
    )
    lookups = {"status": "status"}


@role_required
def case_list(request):
    filters = CaseFilters(request.GET or None)
    rows = filters.apply(
        AccountabilityCase.objects.for_user(request.user).select_related(
            "unit", "measure", "approver", "assignment__target"
        )
    )
    return render(
        request,
        "accountability/cases/list.html",
        {"page": paginate(request, rows), "form": filters, "can_propose": can(request.user, "case.propose")},
    )


@role_required
def case_detail(request, pk: int):
    case = get_or_deny(
        AccountabilityCase,
        request.user,
        pk,
        select=("unit", "measure", "approver", "assignment__target", "proposed_by", "decided_by"),
        prefetch=("persons",),
    )
    return render(
        request,
        "accountability/cases/detail.html",
        {"case": case, "can_decide": can(request.user, "case.decide", case)},
    )


@role_required
def case_evidence(request, pk: int):
    case = get_or_deny(AccountabilityCase, request.user, pk)
    if not case.evidence:
        raise Http404
    return FileResponse(case.evidence.open("rb"), as_attachment=True, filename=case.evidence_name)


class CaseForm(KeepsUploads, forms.Form):
    measure = forms.ModelChoiceField(
        label=gettext_lazy("Proposed measure"), queryset=AccountabilityMeasure.objects.none()
    )
    persons = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Persons held to account"),
        queryset=ResponsiblePerson.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    facts = forms.CharField(label=gettext_lazy("Facts"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    evidence = forms.FileField(label=gettext_lazy("Evidence"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = AccountabilityMeasure.objects.filter(is_active=True)
        self.fields["persons"].queryset = ResponsiblePerson.objects.active().filter(unit=unit)

    def clean_facts(self):
        facts = (self.cleaned_data.get("facts") or "").strip()
        if not facts:
            raise forms.ValidationError(_("State the facts of the case."))
        return facts


def _source(request):
    """The check or notice the case is raised from (``?check=`` or ``?notice=``)."""
    check_pk, notice_pk = request.GET.get("check"), request.GET.get("notice")
    try:
        if check_pk:
            check = object_for(Check, request.user, Action.MANAGE, int(check_pk), select=("assignment__unit",))
            return check, None, check.assignment, check.finding
        if notice_pk:
            notice = object_for(Notice, request.user, Action.MANAGE, int(notice_pk), select=("assignment__unit",))
            if not notice_may_raise_case(notice):
                raise Http404(_("Only a red warning or an exposure raises a case."))
            return None, notice, notice.assignment, notice.body
    except ValueError:
        pass
    raise Http404(_("Open this page from a check or a notice."))


@role_required
def case_new(request):
    require(request.user, "case.propose")
    check, notice, assignment, prefill = _source(request)
    form = CaseForm(
        request.POST or None,
        request.FILES or None,
        unit=assignment.unit,
        uploader=request.user,
        initial={"facts": prefill},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = propose_case(
                measure=data["measure"],
                facts=data["facts"],
                persons=data["persons"],
                evidence=data.get("evidence") or None,
                check=check,
                notice=notice,
                acting_user=request.user,
            )
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The case is proposed; it waits for %(leader)s.") % {"leader": case.approver})
            return redirect("cases:detail", pk=case.pk)
    context = {"form": form, "assignment": assignment, "check": check, "notice": notice}
    return render(request, "accountability/cases/form.html", context)


@require_POST
@role_required
def case_decide(request, pk: int):
    case = get_or_deny(AccountabilityCase, request.user, pk)
    if case.proposed_by_id == request.user.pk:  # separation of duties, said in words rather than a 403
        messages.error(request, _("You cannot approve what you proposed yourself."))
        return redirect("cases:detail", pk=case.pk)
    require(request.user, "case.decide", case)
    approve = "approve" in request.POST
    try:
        decide_case(case, approve=approve, note=request.POST.get("note", ""), acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The case is approved.") if approve else _("The case is rejected."))
    return redirect("cases:detail", pk=case.pk)
