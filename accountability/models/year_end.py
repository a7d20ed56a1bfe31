"""The year's figures (年终): each unit's completion and points as they stood when the office closed
the year. Written once by ``services.year_end.close_year`` and never changed; the grade follows
later from the approved assessment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tasks.choices import RankingGroup
from tasks.models import Unit

from .scores import POINTS, OfficeManagedQuerySet


class YearResult(models.Model):
    """One unit's figures of a closed year: its assignments, how many it closed out, its average
    completion, and its points (base, bonuses, deductions, score, rank in its group)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="year_results", verbose_name=_("unit"))
    ranking_group = models.CharField(_("ranking group"), max_length=12, choices=RankingGroup.choices)
    as_of = models.DateField(_("figures as of"))
    assignments = models.PositiveIntegerField(_("number of assignments"))
    closed = models.PositiveIntegerField(_("closed out"))
    completion_rate = models.DecimalField(_("average completion (%)"), max_digits=5, decimal_places=1)
    base = models.DecimalField(_("base score"), **POINTS)
    bonuses = models.DecimalField(_("bonuses"), **POINTS)
    deductions = models.DecimalField(_("deductions"), **POINTS)
    score = models.DecimalField(_("score"), **POINTS)
    rank = models.PositiveSmallIntegerField(_("rank in the group"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"))

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("year's result of a unit")
        verbose_name_plural = _("years' results of the units")
        ordering = ["-year", "ranking_group", "rank", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="year_result_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit}"
