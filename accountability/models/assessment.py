"""The year-end assessment (年度考核) and the rewards and penalties (奖惩) that follow from it.

The office prepares a version of a year's assessment: each taking-part unit's completion, points,
checks and accountability cases, combined by the weights the office set into a score and a grade.
A city leader approves it, and from then on it is frozen: its rows are stored and nothing later
changes them. A correction is a new version of the same year; the older ones stay as history. From
the approved version the office proposes a reward or a penalty per unit, which a leader approves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from tasks.choices import RankingGroup
from tasks.models import Unit

from ..choices import ASSESSMENT_STATUS_COLOURS, GRADE_COLOURS, AssessmentStatus, Grade, RewardKind, RewardStatus
from .scores import POINTS, OfficeManagedQuerySet

WEIGHT = {"max_digits": 5, "decimal_places": 2}


class RewardMeasure(models.Model):
    """One reward or penalty the office may propose (通报表扬, 评为先进, 奖励, 通报批评, 扣减绩效, 约谈)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("reward or penalty"), max_length=8, choices=RewardKind.choices)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward or penalty measure")
        verbose_name_plural = _("reward and penalty measures")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> AssessmentQuerySet:
        """The office and the leaders see every version; a unit only approved ones (and of those,
        the pages show it its own row)."""
        access = access_for(user)
        if access.office:
            return self
        if action != Action.VIEW:
            return self.none()
        if access.is_leader:
            return self
        if access.unit_ids:
            return self.filter(status=AssessmentStatus.APPROVED)
        return self.none()


class Assessment(models.Model):
    """One version of a year's assessment, with the weights it was computed with."""

    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    as_of = models.DateField(_("figures as of"))
    from_year_results = models.BooleanField(
        _("from the closed year's figures"),
        default=False,
        help_text=_("Completion and points read from the figures frozen when the year was closed."),
    )
    weight_completion = models.DecimalField(_("weight of completion (%)"), **WEIGHT)
    weight_points = models.DecimalField(_("weight of points (%)"), **WEIGHT)
    weight_checks = models.DecimalField(_("weight of checks (%)"), **WEIGHT)
    weight_cases = models.DecimalField(_("weight of accountability cases (%)"), **WEIGHT)
    case_deduction = models.DecimalField(_("deduction per accountability case"), **WEIGHT)
    note = models.TextField(_("note"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    # A secretary approving in the leader's name (秘书 X 代 Y): the leader, with approved_by the secretary.
    approved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved for"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("year-end assessment")
        verbose_name_plural = _("year-end assessments")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="assessment_version_once"),
            # One draft a year at a time: a second 生成考核 recomputes it instead.
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(status="draft"), name="assessment_one_draft_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == AssessmentStatus.APPROVED

    @property
    def colour(self) -> str:
        return ASSESSMENT_STATUS_COLOURS[AssessmentStatus(self.status)]

    @property
    def approved_signature(self) -> str:
        if self.approved_for_id:
            from tasks.services.delegation import on_behalf_label  # the services import these models

            return on_behalf_label(self.approved_by, self.approved_for)
        return str(self.approved_by or "")


class AssessmentRow(models.Model):
    """One unit's line in one version: the figures it was judged on, its score, grade and rank.
    Written when the version is prepared and never changed (a correction is a new version)."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="rows", verbose_name=_("assessment"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assessment_rows", verbose_name=_("unit"))
    ranking_group = models.CharField(_("ranking group"), max_length=12, choices=RankingGroup.choices)
    assignments = models.PositiveIntegerField(_("number of assignments"))
    completion_rate = models.DecimalField(_("average completion (%)"), max_digits=5, decimal_places=1)
    points = models.DecimalField(_("points score"), **POINTS)
    checks = models.PositiveIntegerField(_("rated checks"))
    checks_mark = models.DecimalField(_("checks mark"), **POINTS)
    cases = models.PositiveIntegerField(_("approved accountability cases"))
    cases_mark = models.DecimalField(_("accountability mark"), **POINTS)
    score = models.DecimalField(_("assessment score"), **POINTS)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    rank = models.PositiveSmallIntegerField(_("rank in the group"))

    class Meta:
        verbose_name = _("unit's assessment")
        verbose_name_plural = _("units' assessments")
        ordering = ["ranking_group", "rank", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="assessment_row_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.unit}"

    @property
    def grade_colour(self) -> str:
        return GRADE_COLOURS[Grade(self.grade)]


class RewardQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> RewardQuerySet:
        """The office and the leaders see every proposal; a unit only its own, once approved."""
        access = access_for(user)
        if access.office:
            return self
        if action != Action.VIEW:
            return self.none()
        if access.is_leader:
            return self
        return self.filter(unit__in=access.unit_ids, status=RewardStatus.APPROVED)


class Reward(models.Model):
    """A reward or penalty proposed for one unit from an approved assessment; a leader approves."""

    assessment = models.ForeignKey(Assessment, models.PROTECT, related_name="rewards", verbose_name=_("assessment"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="rewards", verbose_name=_("unit"))
    measure = models.ForeignKey(RewardMeasure, models.PROTECT, related_name="rewards", verbose_name=_("measure"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved for"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["unit__sort_order", "measure__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "unit", "measure"], name="reward_once_per_unit_and_measure")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.measure}"
