"""The points ledger (积分管理): rules, grade bands, scoring runs, entries and appeals (申诉).

A unit's score is the base plus the sum of its entries over the period. Entries are written by
the scoring job, one per rule and cause (a unique constraint makes re-runs harmless), and are
never edited: an appeal that succeeds adds a reversing entry dated on the day it was decided, so
a ranking recomputed for an earlier day gives the answer it gave then.

Causes are explicit nullable foreign keys (report, assignment, proposal reply, notice, the
reversed entry) rather than a generic relation: the database keeps them referentially sound (PROTECT: a
report that cost points cannot vanish), the ledger page joins them in one query, and the rule ×
cause uniqueness is a plain unique constraint on ``cause_key``, a short text naming the cause
("report:17", "assignment:5:2018-09"), which also covers causes that are not rows (a missing
report is an assignment and a period).
"""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Action, access_for, scope_by_unit
from tasks.models import Assignment, ProgressReport, ProposalReply, Target, Unit

from ..choices import APPEAL_STATUS_COLOURS, GRADE_COLOURS, AppealStatus, Grade, RuleCode, RunKind

POINTS = {"max_digits": 7, "decimal_places": 2}


class OfficeManagedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW):
        """Everyone who logs in may read these; only the office changes them."""
        access = access_for(user)
        if action == Action.VIEW and (access.sees_everything or access.unit_ids):
            return self
        return self if access.office else self.none()


_RULE_NAMES = dict(RuleCode.choices)  # each name translated when it is shown


def rule_label(code: str) -> str:
    """A rule's name from its code (what ``ScoreRule.label`` shows), for lines read as values."""
    return _RULE_NAMES.get(code, code)


class ScoreRule(models.Model):
    """A scoring rule (积分规则): what earns or costs a unit points and how many."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=RuleCode.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("points"), null=True, blank=True, help_text=_("Negative for a deduction."), **POINTS)
    is_active = models.BooleanField(_("in force"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.get_code_display()

    @property
    def label(self) -> str:
        """``get_code_display()`` by one look-up: that builds a dict of every choice's translated
        name on each call (0.1 ms, once a line of a points ledger)."""
        return rule_label(self.code)


class GradeBand(models.Model):
    """A grade (等次) and the lowest score that earns it; below the lowest band a unit is 较差."""

    grade = models.CharField(_("grade"), max_length=12, unique=True, choices=Grade.choices)
    min_score = models.DecimalField(_("lowest score"), **POINTS)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ≥ {self.min_score}"

    @property
    def colour(self) -> str:
        return GRADE_COLOURS[Grade(self.grade)]


class ScoringRun(models.Model):
    """One run of the scoring job: the day it scored up to, who asked for it, what it added.

    A worker claims a run by setting ``started_at`` where it is still empty (compare-and-set), so
    a run delivered twice is worked once; the entries' unique constraint covers everything else.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    month = models.DateField(_("month"), null=True, blank=True)
    up_to = models.DateField(_("scored up to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    added = models.JSONField(_("entries added per rule"), default=dict, blank=True)

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["up_to"],
                condition=Q(kind=RunKind.SCHEDULED),
                name="scoring_run_one_nightly_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.up_to:%Y-%m-%d}"

    @property
    def state(self) -> str:
        if self.error:
            return "failed"
        if self.finished_at:
            return "done"
        return "running" if self.started_at else "queued"

    @property
    def added_total(self) -> int:
        return sum(self.added.values())

    @property
    def added_by_rule(self) -> list[tuple[str, int]]:
        """(rule name, entries added), in the rules' order."""
        return [(RuleCode(code).label, self.added[code]) for code in RuleCode.values if code in self.added]


class ScoreEntryQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ScoreEntryQuerySet:
        """A unit sees its own ledger; the office and leaders see every unit's. Appealing an entry
        (``report``) is for the unit's own staff only: the office decides appeals, it does not file them."""
        if action == Action.REPORT:
            return self.filter(unit__in=access_for(user).staff_unit_ids)
        return scope_by_unit(self, user, action, "unit")


class ScoreEntry(models.Model):
    """One line of a unit's points ledger: which rule, how many points, why, and what caused it."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="score_entries", verbose_name=_("unit"))
    rule = models.ForeignKey(ScoreRule, models.PROTECT, related_name="entries", verbose_name=_("rule"))
    amount = models.DecimalField(_("points"), **POINTS)
    occurred_on = models.DateField(_("dated"), help_text=_("The day of the event that caused it."))
    reason = models.CharField(_("reason"), max_length=300)
    cause_key = models.CharField(_("cause"), max_length=64)
    target = models.ForeignKey(
        Target, models.PROTECT, null=True, blank=True, related_name="score_entries", verbose_name=_("target")
    )
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, null=True, blank=True, related_name="score_entries", verbose_name=_("assignment")
    )
    period = models.CharField(pgettext_lazy("span", "period"), max_length=16, blank=True)
    report = models.ForeignKey(
        ProgressReport, models.PROTECT, null=True, blank=True, related_name="score_entries", verbose_name=_("report")
    )
    proposal_reply = models.ForeignKey(
        ProposalReply,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="score_entries",
        verbose_name=_("proposal reply"),
    )
    notice = models.ForeignKey(
        "accountability.Notice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="score_entries",
        verbose_name=_("notice"),
    )
    # 常态问政: a round's result for a unit (and target) that a rule gives points for.
    evaluation_subject = models.ForeignKey(
        "accountability.EvaluationSubject",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="score_entries",
        verbose_name=_("evaluation result"),
    )
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )
    run = models.ForeignKey(
        ScoringRun, models.SET_NULL, null=True, blank=True, related_name="entries", verbose_name=_("scoring run")
    )
    created_at = models.DateTimeField(_("recorded at"))

    objects = ScoreEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "cause_key"],
                name="score_entry_once_per_rule_and_cause",
                violation_error_message=_("This cause has already been scored under this rule."),
            ),
            # A warning or an exposure costs points once per notice (cause_key says so too; this
            # says it in the terms a reader of the schema looks for).
            models.UniqueConstraint(
                fields=["rule", "notice"],
                condition=Q(notice__isnull=False),
                name="score_entry_once_per_rule_and_notice",
                violation_error_message=_("This notice has already been scored under this rule."),
            ),
            models.CheckConstraint(
                condition=Q(report__isnull=False)
                | Q(assignment__isnull=False)
                | Q(proposal_reply__isnull=False)
                | Q(notice__isnull=False)
                | Q(evaluation_subject__isnull=False)
                | Q(reverses__isnull=False),
                name="score_entry_names_its_cause",
                violation_error_message=_("An entry must name what caused it."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "occurred_on"]), models.Index(fields=["occurred_on"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.amount:+} {self.reason}"

    def save(self, *args, **kwargs):
        # The ledger is append-only: a correction is a new entry, never an edit.
        if not self._state.adding:
            raise ValueError("points entries are never edited; add a reversing entry instead")
        super().save(*args, **kwargs)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class AppealQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> AppealQuerySet:
        return scope_by_unit(self, user, action, "entry__unit")


def appeal_evidence_path(instance: Appeal, filename: str) -> str:
    # A random name, as for report evidence: the file is served only through a permission check.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"appeals/{uuid4().hex}{suffix}"


class Appeal(models.Model):
    """申诉: a unit disputes one ledger entry with a reason and evidence; the office decides."""

    entry = models.OneToOneField(ScoreEntry, models.PROTECT, related_name="appeal", verbose_name=_("entry"))
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to=appeal_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    history = HistoricalRecords()

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        indexes = [models.Index(fields=["status", "filed_at"])]

    def __str__(self) -> str:
        return f"{self.entry.unit} · {self.entry.reason}"

    @property
    def colour(self) -> str:
        return APPEAL_STATUS_COLOURS[AppealStatus(self.status)]


class UnitMonthPoints(models.Model):
    """Bookkeeping for the rankings: one unit's points entries of one month, summed (all of them,
    and the deductions among them, a reversal counting with the entries it takes back).

    A ranking adds a unit's months instead of every entry of the year: a city's year is about a
    thousand of these rows and a hundred thousand entries. The services that write entries keep
    it (``accountability.services.points``); ``rebuild_unit_month_points`` recomputes it.
    """

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="month_points", verbose_name=_("unit"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    total = models.DecimalField(_("points"), max_digits=12, decimal_places=2, default=0)
    deductions = models.DecimalField(_("deductions"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("unit's points of a month")
        verbose_name_plural = _("units' points by month")
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unit_month_points_once")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m} {self.total:+}"
