"""The profile's 领导摘要 section (/profile/, leaders only): how often the digest comes, saved by
one button; and the preview of what today's digest says (/profile/leader-digest/preview/)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import clock
from core.errors import RuleViolation, flash_rule_errors
from core.permissions import can
from core.views import page
from tasks.panels import Panel, register

from ..choices import DigestFrequency
from ..models import LeaderDigestPreference
from ..services.leader_digest import choose_leader_digest, compose_leader_digest


def _section() -> str:
    return reverse("profile") + "#leader-digest"


def profile_panel(request) -> dict | None:
    if not can(request.user, "leader_digest.choose"):
        return None
    preference = LeaderDigestPreference.objects.filter(user=request.user).first()
    return {
        "frequency": preference.frequency if preference else DigestFrequency.OFF,
        "weekday": preference.weekday if preference else 0,
        "frequencies": DigestFrequency.choices,
        "weekdays": sorted(WEEKDAYS.items()),
    }


def register_panels() -> None:
    register("profile", Panel("leader-digest", "accountability/leader_digest/_profile.html", profile_panel, order=40))


@require_POST
@page("leader_digest.choose")
def save(request):
    try:
        choose_leader_digest(
            request.user,
            frequency=request.POST.get("frequency", ""),
            weekday=request.POST.get("weekday"),
            acting_user=request.user,
        )
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Your digest setting is saved."))
    return redirect(_section())


@never_cache
@page("leader_digest.choose")
def preview(request):
    """What a digest of today says (weekly if the leader chose weekly); nothing is sent."""
    preference = LeaderDigestPreference.objects.filter(user=request.user).first()
    weekly = preference is not None and preference.frequency == DigestFrequency.WEEKLY
    digest = compose_leader_digest(request.user, clock.today(), weekly=weekly)
    return render(request, "accountability/leader_digest/preview.html", {"digest": digest, "lines": digest.lines})
