"""申请销号: a unit's claim that its assignment is done, with its final figures, a statement and
evidence files; the office verifies it (the assignment closes out) or refuses it with a reason."""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, scope_by_unit

from ..choices import CLAIM_STATUS_COLOURS, ClaimStatus
from .files import UploadedFile
from .targets import PERCENT_VALIDATORS, Assignment, _decimal


class CompletionClaimQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> CompletionClaimQuerySet:
        return scope_by_unit(self, user, action, "assignment__unit")


class CompletionClaim(models.Model):
    """A unit's claim that its part of a target is done (申请销号), and the office's decision on it.

    The final figures are what the unit says it reached; once verified they are the assignment's
    accepted figures (they roll up into the target like an accepted report's), until a return for
    redo (退回重办) takes them back.
    """

    assignment = models.ForeignKey(Assignment, models.CASCADE, related_name="claims", verbose_name=_("assignment"))
    final_percent = models.DecimalField(
        _("final progress (%)"), max_digits=5, decimal_places=1, validators=PERCENT_VALIDATORS
    )
    final_value = _decimal(_("final value"))
    statement = models.TextField(_("statement of completion"))
    status = models.CharField(_("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("claimed by")
    )
    claimed_at = models.DateTimeField(_("claimed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    returned_at = models.DateTimeField(_("returned for redo at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for the return"), blank=True)
    history = HistoricalRecords()

    objects = CompletionClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("completion claim")
        verbose_name_plural = _("completion claims")
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ClaimStatus.PENDING),
                name="claim_one_pending_per_assignment",
                violation_error_message=_("A completion claim for this assignment is already waiting."),
            ),
            models.CheckConstraint(
                condition=Q(final_percent__gte=0, final_percent__lte=100),
                name="claim_percent_in_range",
                violation_error_message=_("Progress must be between 0 and 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.claimed_at:%Y-%m-%d}"

    @property
    def colour(self) -> str:
        return CLAIM_STATUS_COLOURS[ClaimStatus(self.status)]


def claim_file_path(instance: ClaimEvidence, filename: str) -> str:
    # A random name, as for report evidence: the file is served only through a permission check.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"claims/{uuid4().hex}{suffix}"


class ClaimEvidence(UploadedFile):
    """A supporting file (佐证材料) of a completion claim; served only through permission checks."""

    claim = models.ForeignKey(CompletionClaim, models.CASCADE, related_name="evidence", verbose_name=_("claim"))
    file = models.FileField(_("file"), upload_to=claim_file_path, max_length=200)
    history = HistoricalRecords()

    class Meta(UploadedFile.Meta):
        verbose_name = _("claim evidence file")
        verbose_name_plural = _("claim evidence files")
