"""Targets, their breakdown into assignments, plans (milestones) and deadline extensions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for, scope_by_unit
from core.lean_models import LeanLoading
from core.periods import Frequency, Granularity

from ..choices import (
    OPEN_ASSIGNMENT_STATUSES,
    WARNING_COLOURS,
    AssignmentRole,
    AssignmentStatus,
    Direction,
    ExtensionStatus,
    MeasureKind,
    ShareRule,
    Source,
    TargetStatus,
    TargetType,
    WarningLevel,
)
from .org import Leader, TaskForce, Unit

PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _decimal(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=4, null=True, blank=True, **kwargs)


def _percent(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=1, validators=PERCENT_VALIDATORS, **kwargs)


class TargetQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> TargetQuerySet:
        """Office and leaders see every target; a unit sees the targets it has a share in."""
        access = access_for(user)
        if access.allows_everywhere(action):
            return self
        unit_ids = access.unit_ids_for(action)
        if not unit_ids:
            return self.none()
        return self.filter(pk__in=Assignment.objects.filter(unit__in=unit_ids).values("target_id"))


class Target(LeanLoading):
    """A target (目标任务) of one year, from one of five sources and of one of four types."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent target")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    target_type = models.CharField(_("type"), max_length=16, choices=TargetType.choices)
    is_key = models.BooleanField(_("key target"), default=False)
    # Indicator fields (数据指标类); livelihood projects may use them too (30 km of road).
    measure_unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    baseline = _decimal(_("baseline"))
    target_value = _decimal(_("target value"))
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    measure_kind = models.CharField(
        _("kind of measure"), max_length=12, choices=MeasureKind.choices, default=MeasureKind.CUMULATIVE
    )
    share_rule = models.CharField(_("share rule"), max_length=8, choices=ShareRule.choices, default=ShareRule.NONE)
    # The chain: one leader, one task force, one deadline.
    leader = models.ForeignKey(
        Leader, models.PROTECT, null=True, blank=True, related_name="targets", verbose_name=_("responsible leader")
    )
    task_force = models.ForeignKey(
        TaskForce, models.SET_NULL, null=True, blank=True, related_name="targets", verbose_name=_("task force")
    )
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    report_frequency = models.CharField(
        _("report frequency"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    status = models.CharField(_("status"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    remarks = models.TextField(_("remarks"), blank=True)
    # 结转: the unfinished target of an earlier year this one carries on.
    carried_from = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_into",
        verbose_name=_("carried over from"),
    )
    # 分管领域: the labels that put the target in the scope of the leaders over those fields.
    fields = models.ManyToManyField("tasks.Field", blank=True, related_name="targets", verbose_name=_("fields"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "code"],
                name="target_code_unique_per_year",
                violation_error_message=_("A target with this code already exists for this year."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start_date")),
                name="target_deadline_not_before_start",
                violation_error_message=_("The deadline cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["year", "source", "target_type"]),
            # The ledger's order (newest year first, then by code): its page of 25 is read from
            # here, not by sorting every target joined to its parent and leader (60 ms at province).
            models.Index(fields=["-year", "code"], name="target_ledger_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_indicator(self) -> bool:
        return self.target_type == TargetType.INDICATOR

    @property
    def has_value(self) -> bool:
        """Progress is measured in the unit of measure rather than as a percent of work done."""
        return self.target_value is not None and bool(self.measure_unit)

    @property
    def progress_baseline(self) -> Decimal | None:
        """Where progress toward the value starts: the baseline of a cumulative measure; a level
        (a rate, a ranking) is compared as it stands, from no baseline."""
        return self.baseline if self.measure_kind == MeasureKind.CUMULATIVE else None


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> AssignmentQuerySet:
        return scope_by_unit(self, user, action, "unit")

    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=OPEN_ASSIGNMENT_STATUSES)


class Assignment(LeanLoading):
    """One link of the responsibility chain (责任分解): a target's share carried by one unit."""

    # No single-column indexes: (target, unit) is unique and (unit, status) is indexed, and both
    # serve lookups by their first column; a third and fourth index only slow every insert.
    target = models.ForeignKey(
        Target, models.CASCADE, related_name="assignments", verbose_name=_("target"), db_index=False
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assignments", verbose_name=_("unit"), db_index=False)
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices)
    # 责任人 and 工作职责: an issued link names the person who answers for it and what they must do
    # (checked by issuing and by the constraint below). ``responsible_person``/``responsible_phone``
    # keep the name and number as printed (letters, exports, the public snapshot); the services copy
    # them from ``person`` whenever it is chosen.
    person = models.ForeignKey(
        "tasks.ResponsiblePerson",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("responsible person"),
    )
    duty = models.TextField(_("duty"), blank=True, help_text=_("The concrete work this person answers for."))
    responsible_person = models.CharField(_("responsible person's name"), max_length=64, blank=True)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=32, blank=True)
    share = _decimal(_("share of the target value"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.DRAFT
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed out at"), null=True, blank=True)
    # Kept by the services so that lists and dashboards read one row instead of every report.
    progress_percent = _percent(_("progress (%)"), default=Decimal(0))
    actual_value = _decimal(_("actual value"))
    last_report_period = models.CharField(_("last accepted period"), max_length=16, blank=True)
    last_reported_at = models.DateTimeField(_("last accepted report at"), null=True, blank=True)
    planned_percent = _percent(_("planned progress (%)"), default=Decimal(0))
    planned_as_of = models.DateField(_("planned progress as of"), null=True, blank=True)
    # The plan node that percent was read from (the last one due by ``planned_as_of``): the scan
    # names a behind-plan warning by it, and reads it here instead of probing the plan nodes.
    planned_node_due = models.DateField(_("plan node of the planned progress"), null=True, blank=True)
    warning_level = models.PositiveSmallIntegerField(
        _("warning level"), choices=WarningLevel.choices, default=WarningLevel.GREEN
    )
    history = HistoricalRecords(
        excluded_fields=["planned_percent", "planned_as_of", "planned_node_due", "warning_level"],
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["target__year", "target__code", "role", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "unit"],
                name="assignment_unit_once_per_target",
                violation_error_message=_("This unit already has a part in this target."),
            ),
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(role=AssignmentRole.LEAD),
                name="assignment_one_lead_per_target",
                violation_error_message=_("This target already has a lead unit."),
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0),
                name="assignment_share_not_negative",
                violation_error_message=_("A share cannot be negative."),
            ),
            # Only a draft may lack its 责任人 or 工作职责 (status is stored as its text value).
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.DRAFT) | (Q(person__isnull=False) & ~Q(duty="")),
                name="assignment_issued_has_person_and_duty",
                violation_error_message=_("An issued assignment needs a responsible person and a duty."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "deadline"]),
            # The dashboard's lagging list walks this order and stops at 15 (19 ms -> 0.1 ms at city scale).
            models.Index(fields=["-warning_level", "progress_percent"], name="assignment_lagging_order"),
        ]

    def __str__(self) -> str:
        return f"{self.target.title} · {self.unit} ({self.get_role_display()})"

    @property
    def goal_value(self) -> Decimal | None:
        """The value this unit answers for, in the target's unit of measure.

        Under shares that add up, a lead unit without a share of its own answers for the whole
        target it coordinates; under "each carries the value", a share is the unit's own goal.
        """
        target = self.target
        if self.share is not None and target.share_rule != ShareRule.NONE:
            return self.share
        if target.share_rule == ShareRule.SUM and self.role != AssignmentRole.LEAD:
            return None
        return target.target_value

    @property
    def reports_value(self) -> bool:
        """Reports give a value in the unit of measure (else a percent of the work done)."""
        return self.target.has_value and self.goal_value is not None

    @property
    def colour(self) -> str:
        return WARNING_COLOURS[WarningLevel(self.warning_level)]

    @property
    def lag_points(self) -> Decimal:
        return max(Decimal(0), self.planned_percent - self.progress_percent)


class Milestone(LeanLoading):
    """A plan node (节点): by its due date the unit should have reached this cumulative progress."""

    # Served by the unique (assignment, due_date) index.
    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="milestones", verbose_name=_("assignment"), db_index=False
    )
    due_date = models.DateField(_("due date"))
    granularity = models.CharField(_("level"), max_length=8, choices=Granularity.choices, default=Granularity.MONTH)
    planned_percent = _percent(_("planned progress (%)"))
    planned_value = _decimal(_("planned cumulative value"))
    description = models.CharField(_("what is due"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["assignment", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "due_date"],
                name="milestone_one_per_day",
                violation_error_message=_("This assignment already has a milestone on that day."),
            ),
            models.CheckConstraint(
                condition=Q(planned_percent__gte=0, planned_percent__lte=100),
                name="milestone_percent_in_range",
                violation_error_message=_("Planned progress must be between 0 and 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due_date:%Y-%m-%d} {self.planned_percent}%"


class ExtensionRequestQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ExtensionRequestQuerySet:
        return scope_by_unit(self, user, action, "assignment__unit")


class ExtensionRequest(models.Model):
    """A unit's request to move an assignment's deadline (申请延期), and the office's decision."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="extension_requests", verbose_name=_("assignment")
    )
    requested_deadline = models.DateField(_("requested deadline"))
    previous_deadline = models.DateField(_("previous deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
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
    history = HistoricalRecords()

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status=ExtensionStatus.PENDING),
                name="extension_one_pending_per_assignment",
                violation_error_message=_("An extension request for this assignment is already pending."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_deadline:%Y-%m-%d}"
