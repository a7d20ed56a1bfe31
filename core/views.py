"""What every workspace view shares: scoped look-ups, role gates, error plumbing (lists: ``core.lists``).

A view fetches an object only through ``object_for`` (which starts from ``for_user``): an object the
person may not even see is a 404, one they may see but not act on is a 403. Nothing is leaked by
the difference, because a 403 is only given for what the person may already read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from core import permissions
from core.access import Access, Action, access_for


def object_for(model: type[Model], user, action: str, pk, *, select=(), prefetch=()) -> Model:
    """``model``'s row ``pk`` if ``user`` may ``action`` it; 403 if they may only see it; else 404."""
    scoped = model.objects.for_user(user, action).select_related(*select).prefetch_related(*prefetch)
    obj = scoped.filter(pk=pk).first()
    if obj is not None:
        return obj
    if action != Action.VIEW and model.objects.for_user(user, Action.VIEW).filter(pk=pk).exists():
        raise PermissionDenied(_("You may see this but not do that."))
    raise Http404(_("Not found, or not yours to see."))


def require(test: Callable[[Access], bool]):
    """Let the view run only for people whose roles pass ``test``; others get a 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(access_for(request.user)):
                raise PermissionDenied(_("Your role does not give access to this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def page(action: str):
    """Let the view run only for people ``tasks.permissions.can(user, action)`` allows; others get a 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            permissions.require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The page gates, answered by tasks.permissions (one place for "may this person open this page").
office_only = page("page.office")
leaders_and_office = page("page.leaders_and_office")
unit_members = page("page.unit_members")
unit_heads = page("page.unit_heads")
