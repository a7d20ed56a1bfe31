"""How a reported problem (待督查问题) ends: the office marks it resolved, or merged into an earlier one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import ProgressReport

from ..choices import ProblemOutcome


class ProblemDecision(models.Model):
    """The office's decision on one reported problem: a problem is a unit's problem text on one
    assignment (the same text repeated in later reports is the same problem); the decision names the
    first report that raised it and covers every repeat."""

    report = models.OneToOneField(
        ProgressReport, models.CASCADE, related_name="problem_decision", verbose_name=_("report")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ProblemOutcome.choices)
    merged_into = models.ForeignKey(
        ProgressReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into the problem of"),
    )
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision on a reported problem")
        verbose_name_plural = _("decisions on reported problems")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_outcome_display()}"
