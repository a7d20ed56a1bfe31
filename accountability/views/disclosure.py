"""The office's disclosure pages: prepare a period's snapshot, preview it, approve, publish, correct."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.access import Action, access_for
from core.errors import RuleViolation, add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.permissions import can, require

from .. import services
from ..choices import DisclosureStatus
from ..forms.disclosure import CorrectionForm, PrepareDisclosureForm, RefreshDisclosureForm
from ..models import Disclosure
from ..selectors.snapshot import numbered_history
from .guards import role_required

LIST_FIELDS = ["title", "period_label", "as_of", "status", "prepared_at", "published_at", "corrects_id"]


def _readable(request):
    disclosures = Disclosure.objects.for_user(request.user)
    if not access_for(request.user).sees_everything:
        raise Http404
    return disclosures


@role_required
def disclosure_list(request):
    corrected = Disclosure.objects.filter(corrects=OuterRef("pk"))
    disclosures = _readable(request).only(*LIST_FIELDS).annotate(corrected=Exists(corrected)).order_by("-as_of", "-pk")
    office = access_for(request.user).office
    form = PrepareDisclosureForm(request.POST or None, initial={"month": clock.today()}) if office else None
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid():
            try:
                disclosure = services.prepare_disclosure(acting_user=request.user, **form.cleaned_data)
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                messages.success(request, _("The draft is ready: check the figures below, then approve and publish."))
                return redirect("disclosures:detail", disclosure.pk)
    return render(
        request, "accountability/disclosure/list.html", {"page": paginate(request, disclosures), "form": form}
    )


@role_required
def disclosure_detail(request, pk: int):
    disclosure = get_object_or_404(_readable(request).select_related("corrects", "correction"), pk=pk)
    office = access_for(request.user).office
    context = {
        "disclosure": disclosure,
        "snapshot": disclosure.data,
        "office": office,
        "can_approve": can(request.user, "disclosure.approve", disclosure),
    }
    if office and disclosure.status == DisclosureStatus.DRAFT:
        context["refresh_form"] = RefreshDisclosureForm(
            initial={
                "title": disclosure.title,
                "note": disclosure.note,
                "show_responsible_persons": disclosure.show_responsible_persons,
                "show_proposers": disclosure.show_proposers,
            }
        )
    if office and disclosure.status == DisclosureStatus.PUBLISHED and not hasattr(disclosure, "correction"):
        context["correction_form"] = CorrectionForm()
    context["history"] = numbered_history(disclosure)
    return render(request, "accountability/disclosure/detail.html", context)


def _approve(request, pk: int):
    disclosure = get_object_or_404(_readable(request), pk=pk)
    if disclosure.prepared_by_id == request.user.pk:
        messages.error(request, _("You cannot approve what you proposed yourself."))
        return redirect("disclosures:detail", disclosure.pk)
    require(request.user, "disclosure.approve", disclosure)
    try:
        services.approve_disclosure(disclosure, acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Approved: the figures are frozen. The office publishes them when ready."))
    return redirect("disclosures:detail", disclosure.pk)


ACTIONS = {
    "reopen": (services.reopen_disclosure, _("Back to draft: the figures may be taken again.")),
    "publish": (services.publish_disclosure, _("Published: the public pages show it now.")),
}


@role_required
@require_POST
def disclosure_action(request, pk: int, action: str):
    if action == "approve":  # a leader's, not the office's (separation of duties)
        return _approve(request, pk)
    disclosure = get_object_or_404(Disclosure.objects.for_user(request.user, Action.MANAGE), pk=pk)
    try:
        if action in ACTIONS:
            service, message = ACTIONS[action]
            service(disclosure, acting_user=request.user)
            messages.success(request, message)
        elif action == "refresh":
            form = RefreshDisclosureForm(request.POST)
            if not form.is_valid():
                raise RuleViolation([error for errors in form.errors.values() for error in errors])
            services.refresh_disclosure(disclosure, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("The figures have been taken again."))
        elif action == "discard":
            services.discard_disclosure(disclosure, acting_user=request.user)
            messages.success(request, _("The draft has been discarded."))
            return redirect("disclosures:list")
        elif action == "correct":
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                raise RuleViolation([error for errors in form.errors.values() for error in errors])
            correction = services.prepare_correction(
                disclosure, correction_note=form.cleaned_data["correction_note"], acting_user=request.user
            )
            messages.success(request, _("A correction has been prepared as a draft."))
            return redirect("disclosures:detail", correction.pk)
        else:
            raise Http404
    except RuleViolation as error:
        flash_rule_errors(request, error)
    return redirect("disclosures:detail", disclosure.pk)
