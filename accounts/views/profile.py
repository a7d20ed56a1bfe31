"""/profile/: a person's own name, contact details, language and password; and the footer's
language switch, which for a logged-in person is a change to that same profile.

The page is made of sections, one template each (``accounts/profile/_*.html``); sections other apps
add later (notification channels, API tokens) register a panel for the ``"profile"`` slot
(``tasks/panels.py``) and appear below these.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from core.errors import RuleViolation, add_rule_errors, flash_rule_errors

from .. import services
from ..language import offered
from ..models import AccountState
from ..profile_form import ProfileForm


@never_cache
@login_required
def profile(request):
    person = request.user
    form = ProfileForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_profile(person, acting_user=person, **form.cleaned_data)
        except RuleViolation as error:
            add_rule_errors(form, error)
        else:
            # Said in the language just chosen: the next page (this message's) speaks it.
            with translation.override(person.language):
                messages.success(request, _("Your profile is saved.") if changed else _("Nothing was changed."))
            return redirect("profile")
    state = AccountState.objects.filter(user=person).first()
    return render(request, "accounts/profile.html", {"form": form, "person": person, "account_state": state})


def set_language(request):
    """Django's ``set_language`` (a visitor's choice goes into the language cookie), and for a
    logged-in person the choice kept on their profile, so that it follows them to any computer."""
    response = django_set_language(request)
    language = offered(request.POST.get("language"))
    if request.method == "POST" and language and request.user.is_authenticated:
        try:
            services.choose_language(request.user, language=language, acting_user=request.user)
        except RuleViolation as error:
            flash_rule_errors(request, error)
    return response
