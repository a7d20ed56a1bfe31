"""Who may open a page at all; which rows they see is always the models' ``for_user``."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from tasks.access import access_for


def office_required(view):
    """Pages of the supervision office: anonymous visitors log in, everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access_for(request.user).office:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def role_required(view):
    """Pages for anyone who holds a role (a person without one sees nothing but the home page)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        access = access_for(request.user)
        if not (access.sees_everything or access.unit_ids):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def paginate(request, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
