"""Progress reports (四报), their evidence files and the two follow-ups (两跟进)."""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from core.lean_models import LeanLoading

from ..choices import FILED_REPORT_STATUSES, AssignmentRole, FollowUpKind, FollowUpTopic, ReportStatus, ReturnedBy
from .files import UploadedFile
from .targets import PERCENT_VALIDATORS, Assignment, Target, _decimal


class ProgressReportQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ProgressReportQuerySet:
        """A unit sees its own reports; the lead unit also sees its co-units' reports on the same target.
        A draft reaches no one but its own unit (not the lead unit, leaders or the office)."""
        access = access_for(user)
        if access.allows_everywhere(action):
            return self.exclude(Q(status=ReportStatus.DRAFT) & ~Q(assignment__unit__in=access.unit_ids))
        unit_ids = access.unit_ids_for(action)
        if not unit_ids:
            return self.none()
        own = Q(assignment__unit__in=unit_ids)
        if action != Action.VIEW:
            return self.filter(own)
        led_targets = Assignment.objects.filter(unit__in=unit_ids, role=AssignmentRole.LEAD).values("target_id")
        co_units = Q(assignment__target__in=led_targets) & ~Q(status=ReportStatus.DRAFT)
        return self.filter(own | co_units)


class ProgressReport(LeanLoading):
    """A unit's report for one assignment and one period: progress, problems, plan, suggestions."""

    # Served by the unique (assignment, period) index.
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="reports", verbose_name=_("assignment"), db_index=False
    )
    period = models.CharField(_("period"), max_length=16)
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"))
    progress_percent = models.DecimalField(
        _("cumulative progress (%)"), max_digits=5, decimal_places=1, validators=PERCENT_VALIDATORS
    )
    actual_value = _decimal(_("cumulative actual value"))
    work_done = models.TextField(_("progress: work done"), blank=True)
    problems = models.TextField(_("problems met"), blank=True)
    next_plan = models.TextField(_("plan for the next period"), blank=True)
    suggestions = models.TextField(_("suggestions and support needed"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When the unit's staff filed it, for lateness: the first submission, kept through the head's
    # approval and through a return refiled by its refile-by date (tasks.judgment.lateness).
    filed_at = models.DateTimeField(_("filed by the unit at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    returned_by_role = models.CharField(_("returned by"), max_length=8, choices=ReturnedBy.choices, blank=True)
    refile_by = models.DateField(_("refile by"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period_end", "assignment"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period"],
                name="report_once_per_period",
                violation_error_message=_("A report for this period already exists."),
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0, progress_percent__lte=100),
                name="report_percent_in_range",
                violation_error_message=_("Progress must be between 0 and 100 percent."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["assignment", "-period_end"]),
            # The meeting pack's open problems: the few filed reports that name a problem, found
            # without reading every report of a leader's scope (a quarter million at province scale).
            models.Index(
                fields=["assignment"],
                name="report_filed_problem",
                condition=Q(status__in=FILED_REPORT_STATUSES) & ~Q(problems=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.unit} · {self.assignment.target.title} · {self.period}"

    @property
    def is_late(self) -> bool:
        """Filed by the unit's staff after the due date (the head's approval does not count)."""
        from ..judgment.lateness import filed_late

        return filed_late(self)


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the original may hold anything, and guessing another unit's file must not work.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.report.period}/{uuid4().hex}{suffix}"


class Evidence(UploadedFile):
    """A supporting file (佐证材料) attached to a report; served only through permission checks."""

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="evidence", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    history = HistoricalRecords()

    class Meta(UploadedFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class FollowUpQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> FollowUpQuerySet:
        """A follow-up on a target is shown to whoever may see the target; one that answers a report
        only to those who may see that report (a unit does not read the office's reply to another
        unit's problems)."""
        access = access_for(user)
        if access.allows_everywhere(action):
            return self
        visible_reports = ProgressReport.objects.for_user(user, action).values("pk")
        return self.filter(target__in=Target.objects.for_user(user, action).values("pk")).filter(
            Q(report__isnull=True) | Q(report__in=visible_reports)
        )


class FollowUp(models.Model):
    """两跟进: the office's reply or action, or a leader's instruction (批示), on a target or a report."""

    target = models.ForeignKey(Target, models.CASCADE, related_name="follow_ups", verbose_name=_("target"))
    report = models.ForeignKey(
        ProgressReport, models.CASCADE, null=True, blank=True, related_name="follow_ups", verbose_name=_("report")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=FollowUpKind.choices)
    topic = models.CharField(_("about"), max_length=12, choices=FollowUpTopic.choices, default=FollowUpTopic.GENERAL)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    # A secretary writing a leader's instruction (秘书 X 代 Y): the leader is the author.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by secretary"),
    )
    created_at = models.DateTimeField(_("written at"))
    history = HistoricalRecords()

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up or instruction")
        verbose_name_plural = _("follow-ups and instructions")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["report", "kind", "topic"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.text[:30]}"


class YearProgressDay(models.Model):
    """Bookkeeping for the leader dashboard's weekly trend: for one target year and one day, the sum
    over issued assignments of how much their plan rises on that day (a milestone falls due) and how
    much their accepted progress rises (a report's period ends).

    The running sum of these increases up to a day, divided by the number of assignments, is the
    average plan and the average accepted progress on that day: a year is a few hundred rows,
    where the reports are hundreds of thousands. The services that change plans, accept reports or
    issue assignments keep it (``tasks.services.year_progress``); ``rebuild_year_progress`` recomputes
    it from scratch.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    day = models.DateField(_("day"))
    planned_increase = models.DecimalField(_("increase of the plan"), max_digits=14, decimal_places=1, default=0)
    actual_increase = models.DecimalField(
        _("increase of accepted progress"), max_digits=14, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("day of a year's progress")
        verbose_name_plural = _("days of a year's progress")
        constraints = [models.UniqueConstraint(fields=["year", "day"], name="year_progress_once_per_day")]

    def __str__(self) -> str:
        return f"{self.year} {self.day}"


class UnitFiguresStamp(models.Model):
    """A unit's figures version: every change to what its assignments are judged from (a report
    filed, approved or returned, a claim decided, an assignment issued or moved, a target changed,
    a milestone set, a warning issued, closed or withdrawn) adds one, in the same transaction
    (``tasks.services.unit_completion.bump_units``). A kept ``UnitDayCompletion`` or
    ``AssignmentDayJudgment`` row stamped with an older version is stale and judged again on the
    next read."""

    unit = models.OneToOneField(
        "tasks.Unit", on_delete=models.CASCADE, primary_key=True, related_name="figures_stamp", verbose_name=_("unit")
    )
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("unit figures stamp")
        verbose_name_plural = _("unit figures stamps")

    def __str__(self) -> str:
        return f"{self.unit_id} v{self.version}"


class HeldReport(models.Model):
    """Bookkeeping for the nightly scan: each assignment's latest filed report (submitted or
    accepted, by period end), kept by PostgreSQL triggers on the reports
    (``tasks.services.held_reports``) in the writer's statement. The scan reads it for the actual
    progress where it had reached the office by the scan's moment (``held_at``): then it is also
    the latest the office held at that moment. No row: the assignment has no filed report. Not
    kept on SQLite (the scan reads the reports there)."""

    assignment = models.OneToOneField(
        "tasks.Assignment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="held_report",
        db_constraint=False,  # written by the triggers only; an assignment's reports go before it
        verbose_name=_("assignment"),
    )
    report_id = models.BigIntegerField(_("report"))
    period = models.CharField(_("period"), max_length=16)
    period_end = models.DateField(_("period end"))
    progress_percent = models.DecimalField(_("cumulative progress (%)"), max_digits=5, decimal_places=1)
    held_at = models.DateTimeField(_("reached the office at"), null=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True)

    class Meta:
        verbose_name = _("held report")
        verbose_name_plural = _("held reports")

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.period}"


class UnitDayCompletion(models.Model):
    """Bookkeeping for the rankings: a unit's assignments of ``day``'s year issued by the end of
    ``day``, and the sum of their judged actual progress on that day (``tasks.judgment.state``), as
    of the unit's figures ``version``. Completion = ``actual_total / assignments`` (one decimal),
    the same number the judgment gives. Kept for today and the end of last month only."""

    unit = models.ForeignKey("tasks.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    day = models.DateField(_("day"))
    version = models.PositiveBigIntegerField(_("version"), default=0)
    assignments = models.PositiveIntegerField(_("assignments"), default=0)
    actual_total = models.DecimalField(_("sum of actual progress"), max_digits=14, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("unit's completion on a day")
        verbose_name_plural = _("units' completion by day")
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="unit_completion_once_per_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class LeaderProgressDay(models.Model):
    """``YearProgressDay`` for one leader post's scope (我分管的): the sums over the issued assignments
    in that leader's scope (``tasks.selectors.scope``), so a vice-mayor's trend is read from a few
    hundred rows, not computed from every report of his scope. Kept by the same services
    (``tasks.services.leader_progress``); a change of the scope itself raises the leader's
    ``LeaderTrendStamp`` and the next read rebuilds that leader's days."""

    leader = models.ForeignKey(
        "tasks.Leader", on_delete=models.CASCADE, related_name="+", verbose_name=_("city leader")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    day = models.DateField(_("day"))
    planned_increase = models.DecimalField(_("increase of the plan"), max_digits=14, decimal_places=1, default=0)
    actual_increase = models.DecimalField(
        _("increase of accepted progress"), max_digits=14, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("day of a leader's progress")
        verbose_name_plural = _("days of a leader's progress")
        constraints = [models.UniqueConstraint(fields=["leader", "year", "day"], name="leader_progress_once_per_day")]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.year} {self.day}"


class LeaderTrendStamp(models.Model):
    """A leader's scope version: a change of what the scope holds (the leader's fields or units, a
    field's targets) adds one to ``version``; ``kept_version`` is the version the kept days were
    rebuilt at. No row, or the two apart: the days are stale and the next read rebuilds them."""

    leader = models.OneToOneField(
        "tasks.Leader",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="trend_stamp",
        verbose_name=_("city leader"),
    )
    version = models.PositiveBigIntegerField(_("version"), default=1)
    kept_version = models.PositiveBigIntegerField(_("kept version"), default=0)

    class Meta:
        verbose_name = _("leader trend stamp")
        verbose_name_plural = _("leader trend stamps")

    def __str__(self) -> str:
        return f"{self.leader_id} v{self.version}"


class AssignmentDayJudgment(models.Model):
    """Bookkeeping for every page's judgment (``tasks.judgment.state.judge``): the facts one
    assignment is judged from on ``day`` — plan, progress and value held, the warning level in force,
    a claim waiting — as of its unit's figures ``version`` (``UnitFiguresStamp``). The state itself
    is the rule (``judgment_of``) applied on read to these facts and the assignment's own status,
    deadline and close-out. Kept for today and the month ends of the year, last month's end
    included (``tasks.services.kept_judgments``)."""

    assignment = models.ForeignKey(
        Assignment,
        models.CASCADE,
        related_name="day_judgments",
        verbose_name=_("assignment"),
        db_index=False,  # served by the unique (assignment, day) index
    )
    day = models.DateField(_("day"))
    version = models.PositiveBigIntegerField(_("version"), default=0)
    planned = models.DecimalField(_("planned progress"), max_digits=6, decimal_places=1, default=0)
    actual = models.DecimalField(_("actual progress"), max_digits=6, decimal_places=1, default=0)
    value = models.DecimalField(_("value held"), max_digits=18, decimal_places=4, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("warning level in force"), default=0)
    claimed = models.BooleanField(_("completion claim waiting"), default=False)

    class Meta:
        verbose_name = _("assignment's judgment on a day")
        verbose_name_plural = _("assignments' judgments by day")
        constraints = [models.UniqueConstraint(fields=["assignment", "day"], name="assignment_judgment_once_per_day")]
        indexes = [models.Index(fields=["day"], name="assignment_judgment_day")]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.day}"
