"""The profile's API token section (/profile/) and its two buttons: make a token (its key shown once,
on the page that answers) and revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import AlreadyDone, RuleViolation, flash_rule_errors
from tasks.panels import Panel, register

from ..models import ApiToken
from ..services import create_token, revoke_token

SHOWN_TOKENS = 20


def _profile_section() -> str:
    return reverse("profile") + "#api-tokens"


def profile_panel(request) -> dict:
    tokens = list(ApiToken.objects.for_user(request.user)[:SHOWN_TOKENS])
    return {"tokens": tokens, "docs_url": reverse("api:docs")}


def register_panels() -> None:
    register("profile", Panel("api-tokens", "api/_profile_tokens.html", profile_panel, order=50))


@never_cache
@require_POST
@login_required
def create(request):
    try:
        token, key = create_token(request.user, name=request.POST.get("name", ""), acting_user=request.user)
    except RuleViolation as error:
        flash_rule_errors(request, error)
        return redirect(_profile_section())
    # Rendered, not redirected: the key must not travel through the session to the next page.
    return render(request, "api/token_created.html", {"token": token, "key": key})


@require_POST
@login_required
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)
    try:
        revoke_token(token, acting_user=request.user)
    except AlreadyDone as done:
        flash_rule_errors(request, done, messages.INFO)
    except RuleViolation as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect(_profile_section())
