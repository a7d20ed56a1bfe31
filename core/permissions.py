"""May this person do this here? One answer: ``can(user, action, obj)``.

``for_user`` (the querysets) says which rows a person may read or act on; ``can`` says whether one
person may take one action on one object (or open one page when ``obj`` is None). Views, templates
(``{% can "report.delete" report as may_delete %}``) and services ask here, so a button is shown
exactly when its POST would be allowed.

The rule for 403 versus 404 (docs/CONVENTIONS.md): an object outside the person's ``for_user(VIEW)``
is a 404 — its existence is not told; an object they may see but not act on, or a page their role
does not open, is a 403. ``get_or_deny`` applies it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from core.access import Access, Action, access_for

Rule = Callable[[Access, object, object], bool]  # (access, user, obj) -> allowed
RULES: dict[str, Rule] = {}


def rule(*names: str):
    """Register the function as the rule for ``names`` (one rule per action name)."""

    def register(function: Rule) -> Rule:
        for name in names:
            if name in RULES:
                raise ValueError(f"two rules for {name!r}")
            RULES[name] = function
        return function

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may ``action`` on ``obj`` (on the page, when ``obj`` is None)."""
    try:
        check = RULES[action]
    except KeyError:
        raise ValueError(f"no rule for {action!r}; add one in the app's permissions.py") from None
    if user is None or not user.is_authenticated:
        return False
    return bool(check(access_for(user), user, obj))


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless ``can``; for use once the object is known to be visible."""
    if not can(user, action, obj):
        raise PermissionDenied(_("Your role does not let you do this here."))


def visible(user, obj: Model) -> bool:
    """Whether ``obj`` is in its model's ``for_user(user, VIEW)``."""
    return type(obj).objects.for_user(user, Action.VIEW).filter(pk=obj.pk).exists()


def get_or_deny(model: type[Model], user, pk, action: str | None = None, *, select=(), prefetch=()) -> Model:
    """``model``'s row ``pk`` as ``user`` may see it (else 404), and, with ``action``, allowed (else 403)."""
    obj = model.objects.for_user(user, Action.VIEW).select_related(*select).prefetch_related(*prefetch).filter(pk=pk)
    obj = obj.first()
    if obj is None:
        raise Http404(_("Not found, or not yours to see."))
    if action is not None:
        require(user, action, obj)
    return obj
