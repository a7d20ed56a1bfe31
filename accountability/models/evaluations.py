"""常态问政: evaluation rounds in which leaders, NPC deputies and CPPCC members rate units' work.

The office opens a round (e.g. a quarter) naming the units and targets evaluated (the subjects) and
the evaluators; each evaluator fills one sheet, marking each subject's progress and effect (1–5) with
a comment; a paper sheet is typed in by the office. When the office publishes the round, sheets are
frozen and each unit sees its own averages and the comments, never who gave which.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from tasks.models import Target, Unit

from ..choices import EvaluatorKind, Rating, RoundStatus, SheetStatus


class EvaluationRoundQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> EvaluationRoundQuerySet:
        """The office and leaders see every round; an evaluator the rounds they have a sheet in; a unit
        the published rounds that evaluated it. Only the office changes a round."""
        access = access_for(user)
        if access.office:
            return self
        if action != Action.VIEW:
            return self.none()
        if access.is_leader:
            return self
        seen = Q(sheets__evaluator=user)
        if access.unit_ids:
            seen |= Q(status=RoundStatus.PUBLISHED, subjects__unit__in=access.unit_ids)
        return self.filter(pk__in=self.filter(seen).values("pk"))


class EvaluationRound(models.Model):
    """One round of 常态问政 (2018年第三季度问政): what is evaluated, by whom, over which period."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EvaluationRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_round_period_in_order",
                violation_error_message=_("The period must end on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class EvaluationSubject(models.Model):
    """One line of every sheet of a round: a unit's work as a whole (no target), or its work on one target."""

    round = models.ForeignKey(
        EvaluationRound, models.CASCADE, related_name="subjects", verbose_name=_("evaluation round")
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="evaluation_subjects", verbose_name=_("unit"))
    target = models.ForeignKey(
        Target, models.PROTECT, null=True, blank=True, related_name="evaluation_subjects", verbose_name=_("target")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("evaluated unit or target")
        verbose_name_plural = _("evaluated units and targets")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"], condition=Q(target__isnull=True), name="evaluation_subject_unit_once"
            ),
            models.UniqueConstraint(
                fields=["round", "unit", "target"],
                condition=Q(target__isnull=False),
                name="evaluation_subject_target_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.target.code} {self.target.title}" if self.target_id else str(self.unit)


class EvaluationSheetQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> EvaluationSheetQuerySet:
        """A sheet is its evaluator's; the office sees and types in every one (paper sheets). Nobody
        else sees a sheet: results reach units and leaders only as averages and unsigned comments."""
        if access_for(user).office:
            return self
        return self.filter(evaluator=user) if user.is_authenticated else self.none()


class EvaluationSheet(models.Model):
    """One evaluator's sheet (评议表) in one round; a paper sheet has no login and names the office
    member who typed it in."""

    round = models.ForeignKey(
        EvaluationRound, models.CASCADE, related_name="sheets", verbose_name=_("evaluation round")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_sheets",
        verbose_name=_("evaluator's login"),
    )
    evaluator_name = models.CharField(_("evaluator"), max_length=100)
    evaluator_kind = models.CharField(_("evaluator is"), max_length=16, choices=EvaluatorKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paper sheet entered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = EvaluationSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation sheet")
        verbose_name_plural = _("evaluation sheets")
        ordering = ["round", "evaluator_kind", "evaluator_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "evaluator"], condition=Q(evaluator__isnull=False), name="evaluation_sheet_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.evaluator_name}"

    @property
    def is_paper(self) -> bool:
        return self.evaluator_id is None

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class EvaluationMark(models.Model):
    """One line of a sheet: the marks for a subject's progress and effect, and a comment."""

    sheet = models.ForeignKey(EvaluationSheet, models.CASCADE, related_name="marks", verbose_name=_("evaluation sheet"))
    subject = models.ForeignKey(EvaluationSubject, models.CASCADE, related_name="marks", verbose_name=_("evaluated"))
    progress = models.PositiveSmallIntegerField(_("progress"), choices=Rating.choices, null=True, blank=True)
    effect = models.PositiveSmallIntegerField(_("effect"), choices=Rating.choices, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation mark")
        verbose_name_plural = _("evaluation marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "subject"], name="evaluation_mark_once"),
            models.CheckConstraint(
                condition=(Q(progress__isnull=True) | Q(progress__gte=1, progress__lte=5))
                & (Q(effect__isnull=True) | Q(effect__gte=1, effect__lte=5)),
                name="evaluation_mark_in_scale",
                violation_error_message=_("A mark is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.progress}/{self.effect}"
