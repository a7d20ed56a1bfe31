"""The public's side of the channel (/public/<n>/feedback/): no login; a comment or clue under a
publication or one of its targets. CSRF stays on; a robot filling the hidden field is thanked and
nothing is stored; a flood is refused politely with 429."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from core.errors import RuleViolation, add_rule_errors
from zmd_targets.client_ip import client_address

from ..forms.feedback import HONEYPOT, PublicFeedbackForm
from ..models import Disclosure, FeedbackSettings
from ..services import public_feedback as channel
from ..services.photos import MAX_BYTES


def _disclosure(pk: int) -> Disclosure:
    return get_object_or_404(Disclosure.objects.published().defer("data"), pk=pk)


@never_cache
def feedback(request, pk: int):
    disclosure = _disclosure(pk)
    targets = channel.snapshot_targets(disclosure)
    code = (request.POST.get("target") if request.method == "POST" else request.GET.get("target")) or ""
    if code and code not in targets:
        raise Http404
    if request.method == "POST":
        if request.POST.get(HONEYPOT):  # a robot: thanked, nothing stored
            return redirect("public:feedback_sent", pk=disclosure.pk)
        form = PublicFeedbackForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                channel.submit_feedback(
                    disclosure,
                    kind=data["kind"],
                    text=data["text"],
                    contact=data["contact"],
                    photo=data["photo"],
                    target_code=code,
                    address=client_address(request),
                )
            except channel.TooManyClues as refused:
                return render(
                    request,
                    "public/feedback_refused.html",
                    {"disclosure": disclosure, "message": refused.messages[0]},
                    status=429,
                )
            except RuleViolation as error:
                add_rule_errors(form, error)
            else:
                return redirect("public:feedback_sent", pk=disclosure.pk)
    else:
        form = PublicFeedbackForm()
    context = {
        "disclosure": disclosure,
        "form": form,
        "target_code": code,
        "target_title": targets.get(code, ""),
        "retention_days": FeedbackSettings.current().retention_days,
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "public/feedback.html", context)


@never_cache
def feedback_sent(request, pk: int):
    return render(request, "public/feedback_sent.html", {"disclosure": _disclosure(pk)})
