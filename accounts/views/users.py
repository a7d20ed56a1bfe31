"""/users/: the office manages logins — list, create, deactivate, reset a password, hand a role over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import add_rule_errors, flash_rule_errors
from core.lists import paginate
from core.views import office_only
from tasks.models import Role
from tasks.services.common import SYSTEM_USERNAME

from .. import services
from ..forms import HandoverForm, NewLoginForm, UserFilterForm
from ..models import RoleHandover

User = get_user_model()


def _people():
    roles = Prefetch("roles", queryset=Role.objects.select_related("unit", "leader").order_by("kind", "pk"))
    return User.objects.exclude(username=SYSTEM_USERNAME).prefetch_related(roles).order_by("username")


@office_only
def user_list(request):
    form = UserFilterForm(request.GET or None)
    page = paginate(request, form.apply(_people()))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@never_cache
@office_only
def user_create(request):
    form = NewLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_login(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_rule_errors(form, error)
        else:
            # The one-time password is shown on this answer only: it is stored nowhere in clear.
            return render(
                request,
                "accounts/one_time_password.html",
                {"person": created.user, "password": created.password, "created": True},
            )
    return render(request, "accounts/user_form.html", {"form": form})


@office_only
def user_detail(request, pk):
    person = get_object_or_404(_people(), pk=pk)
    handovers = (
        RoleHandover.objects.filter(Q(from_user=person) | Q(to_user=person))
        .select_related("unit", "leader", "from_user", "to_user", "recorded_by")
        .order_by("-at")[:50]
    )
    logins = person.login_events.order_by("-at")[:10]
    state = getattr(person, "account_state", None) if hasattr(person, "account_state") else None
    return render(
        request,
        "accounts/user_detail.html",
        {"person": person, "handovers": handovers, "logins": logins, "state": state},
    )


@office_only
@require_POST
def user_set_active(request, pk):
    person = get_object_or_404(_people(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(person, active=active, acting_user=request.user)
    except ValidationError as error:
        flash_rule_errors(request, error)
    else:
        messages.success(request, _("Login reactivated.") if active else _("Login deactivated; its sessions ended."))
    return redirect("accounts:user_detail", pk=person.pk)


@never_cache
@office_only
@require_POST
def user_reset_password(request, pk):
    person = get_object_or_404(_people(), pk=pk)
    try:
        password = services.reset_password(person, acting_user=request.user)
    except ValidationError as error:
        flash_rule_errors(request, error)
        return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/one_time_password.html", {"person": person, "password": password})


@never_cache
@office_only
def role_handover(request, pk):
    role = get_object_or_404(Role.objects.select_related("user", "unit", "leader"), pk=pk)
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            options = {"deactivate_old": data["deactivate_old"], "note": data["note"]}
            if data["successor"] is not None:
                services.hand_over_role(role, successor=data["successor"], acting_user=request.user, **options)
                successor, password = data["successor"], None
            else:
                _handover, created = services.hand_over_to_new_login(
                    role,
                    username=data["username"],
                    display_name=data["display_name"],
                    acting_user=request.user,
                    **options,
                )
                successor, password = created.user, created.password
        except ValidationError as error:
            add_rule_errors(form, error)
        else:
            messages.success(request, _("The role was handed over to %(name)s.") % {"name": successor})
            if password:
                return render(
                    request,
                    "accounts/one_time_password.html",
                    {"person": successor, "password": password, "created": True},
                )
            return redirect("accounts:user_detail", pk=successor.pk)
    return render(request, "accounts/handover.html", {"form": form, "role": role})
