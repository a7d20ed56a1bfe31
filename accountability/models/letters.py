"""Responsibility letters (目标责任书): each unit's letter for a year, who signed it and when, and
the changes to its assignments that the office approved after signing (the letter's revisions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, scope_by_unit
from tasks.models import Assignment, ExtensionRequest, Unit

from ..choices import ChangeRequestStatus


class LetterQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> LetterQuerySet:
        return scope_by_unit(self, user, action, "unit")


class ResponsibilityLetter(models.Model):
    """A unit's responsibility letter for one year: all its assignments, signed for the unit and the city."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="letters", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    unit_signatory = models.CharField(_("signed for the unit by"), max_length=64, blank=True)
    unit_signed_on = models.DateField(_("signed for the unit on"), null=True, blank=True)
    city_signatory = models.CharField(_("signed for the city by"), max_length=64, blank=True)
    city_signed_on = models.DateField(_("signed for the city on"), null=True, blank=True)
    # Who typed each paper signature into the system, and when (server time); the dates above are
    # the paper's, as entered.
    unit_signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit's signature recorded by"),
    )  # fmt: skip
    unit_signature_recorded_at = models.DateTimeField(_("unit's signature recorded at"), null=True, blank=True)
    city_signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("city's signature recorded by"),
    )  # fmt: skip
    city_signature_recorded_at = models.DateTimeField(_("city's signature recorded at"), null=True, blank=True)
    # The assignments as they stood when the second signature was recorded.
    signed_content = models.JSONField(_("content as signed"), default=list, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created at"))
    history = HistoricalRecords()

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-year", "unit__sort_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="letter_once_per_unit_and_year",
                violation_error_message=_("This unit already has a letter for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"

    @property
    def is_signed(self) -> bool:
        """In force once both sides have signed: from then on changes need an approved request."""
        return self.unit_signed_on is not None and self.city_signed_on is not None


class LetterChangeRequestQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> LetterChangeRequestQuerySet:
        return scope_by_unit(self, user, action, "letter__unit")


class LetterChangeRequest(models.Model):
    """A change to one assignment of a signed letter, applied only once the office approves it."""

    letter = models.ForeignKey(
        ResponsibilityLetter, models.CASCADE, related_name="change_requests", verbose_name=_("responsibility letter")
    )
    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="letter_change_requests", verbose_name=_("assignment")
    )
    changes = models.JSONField(_("requested changes"))
    previous = models.JSONField(_("values before the change"), default=dict)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    revision = models.PositiveSmallIntegerField(_("letter revision"), null=True, blank=True)
    # A granted extension (申请延期) is the approved change of a signed letter: it is recorded here.
    extension = models.OneToOneField(
        ExtensionRequest,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_change",
        verbose_name=_("granted extension"),
    )
    history = HistoricalRecords()

    objects = LetterChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter change request")
        verbose_name_plural = _("letter change requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="letter_change_one_pending_per_assignment",
                violation_error_message=_("A change to this assignment is already waiting for a decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter} · {self.assignment.target.code}"
