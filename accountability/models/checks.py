"""Supervision checks (四查): the office's record of what it checked on an assignment and found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, scope_by_unit
from tasks.models import Assignment

from ..choices import CheckFollowUp, CheckKind, CheckMethod, CheckRating


class CheckQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> CheckQuerySet:
        return scope_by_unit(self, user, action, "assignment__unit")


class Check(models.Model):
    """One check of one assignment, of one of the four kinds, with its finding."""

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="checks", verbose_name=_("assignment"))
    kind = models.CharField(_("kind of check"), max_length=16, choices=CheckKind.choices)
    checked_on = models.DateField(_("checked on"))
    method = models.CharField(
        _("how it was checked"), max_length=16, choices=CheckMethod.choices, default=CheckMethod.PAPERS
    )
    finding = models.TextField(_("finding"))
    rating = models.CharField(_("rating"), max_length=16, choices=CheckRating.choices, blank=True)
    follow_up = models.CharField(
        _("what follows"), max_length=16, choices=CheckFollowUp.choices, default=CheckFollowUp.NONE
    )
    # The issue supervision notice the check led to (follow-up "notice"); a proposed accountability
    # case is linked from the accountability-case model, which points back at the check.
    notice = models.ForeignKey(
        "accountability.Notice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("supervision notice issued"),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("checked by")
    )
    created_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    objects = CheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision check")
        verbose_name_plural = _("supervision checks")
        ordering = ["-checked_on", "-created_at"]
        indexes = [models.Index(fields=["kind", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_kind_display()}"
