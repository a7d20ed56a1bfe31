"""Pieces every service uses: the domain error, saving with history, the system user."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models

from core import clock
from core.errors import RuleViolation

SYSTEM_USERNAME = "system"


def lock_fresh(obj: models.Model) -> None:
    """Lock ``obj``'s row until the transaction ends and reload it as now stored, so that the
    service re-checks the state another request may have changed since ``obj`` was read."""
    list(type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
    obj.refresh_from_db()


def save_with_history(
    obj: models.Model,
    *,
    acting_user,
    reason: str = "",
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save ``obj`` so that its history row names who did it, why and (pinned clock) when."""
    obj._history_user = acting_user
    obj._history_date = clock.now()
    if reason:
        obj._change_reason = str(reason)
    obj.save(update_fields=list(update_fields) if update_fields is not None else None)


def validate_and_save(obj: models.Model, *, acting_user, reason: str = "", exclude=None) -> None:
    """Run the model's own rules (fields, constraints) and save; a failure raises and stores nothing."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise RuleViolation(error.error_dict if hasattr(error, "error_dict") else error.error_list) from error
    save_with_history(obj, acting_user=acting_user, reason=reason)


def system_user():
    """The account that jobs and commands act as when no person is behind the change."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = user_model(username=SYSTEM_USERNAME, display_name="系统", is_active=False)
        user.set_unusable_password()
        user.save()
    return user
