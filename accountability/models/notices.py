"""The five lists (五单): numbered notices from the supervision office to a unit about one assignment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Action, access_for, scope_by_unit
from core.lean_models import LeanLoading
from tasks.choices import WARNING_COLOURS, WarningLevel
from tasks.models import Assignment, ProgressReport, Target, Unit

from ..choices import (
    NOTICE_NUMBER_MARKS,
    OPEN_NOTICE_STATUSES,
    UNKEYED_CAUSES,
    ClosedReason,
    NoticeCause,
    NoticeKind,
    NoticeStatus,
)

# Not yet issued, or refused: only the office sees these.
_INTERNAL_STATUSES = (NoticeStatus.PROPOSED, NoticeStatus.DISMISSED)


class NoticeVisibility:
    """Who sees which notices, on any queryset with the notice's ``unit``, ``status``, ``kind`` and
    ``serial`` (the notices, and their kept tally: ``NoticeTally``, whose ``serial`` only says
    whether a number was given)."""

    def for_user(self, user, action: str = Action.VIEW):
        """A unit sees the notices addressed to it; the office and leaders see all that were issued;
        exposure candidates stay with the office until it approves them. Signing for and answering
        (``Action.REPORT``) belong to the unit's own staff: nobody does it on the unit's behalf, not
        even the office."""
        access = access_for(user)
        if action == Action.REPORT:
            return self.filter(unit__in=access.unit_ids_for(Action.REPORT)).exclude(status__in=_INTERNAL_STATUSES)
        scoped = scope_by_unit(self, user, action, "unit")
        if access.is_leader and not access.office and action == Action.VIEW:
            # A leader approves exposures, so sees the candidates waiting (never the turned-down ones).
            return (
                scoped.exclude(status=NoticeStatus.DISMISSED)
                .exclude(status=NoticeStatus.WITHDRAWN, serial__isnull=True)
                .exclude(Q(status=NoticeStatus.PROPOSED) & ~Q(kind=NoticeKind.EXPOSURE))
            )
        if not access.office:  # a withdrawn candidate never reached anyone but the office
            scoped = scoped.exclude(status__in=_INTERNAL_STATUSES).exclude(
                status=NoticeStatus.WITHDRAWN, serial__isnull=True
            )
        return scoped


class NoticeQuerySet(NoticeVisibility, models.QuerySet):
    def open(self) -> NoticeQuerySet:
        return self.filter(status__in=OPEN_NOTICE_STATUSES)

    def open_warnings(self) -> NoticeQuerySet:
        return self.filter(kind=NoticeKind.WARNING, status__in=OPEN_NOTICE_STATUSES)


class NoticeManager(models.Manager.from_queryset(NoticeQuerySet)):
    """Every notice that counts: a withdrawn notice (its scan run was undone) is left out of every
    rule, count, score and page, except the register's own listing (``Notice.all_notices``)."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=NoticeStatus.WITHDRAWN)


# Foreign keys of a notice that no one looks its history rows up by.
HISTORY_UNINDEXED = (
    "assignment", "target", "decision_item", "unit", "report", "issued_by", "signed_by", "responded_by",
    "verified_by", "escalated_from",
)  # fmt: skip


class Notice(LeanLoading):
    """One notice of the five lists: 任务告知单, 进度预警单, 问题督查单, 任务销号单 or 落实情况曝光单.

    A notice is numbered per kind and year when it is issued (an exposure candidate has no number
    until the office approves it). Automatic notices carry a natural key — kind, assignment, cause
    and period — under a unique constraint, so that the same cause never yields two notices.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(pgettext_lazy("document", "title"), max_length=100)
    # Every notice is about an assignment, but one about a meeting's decision (议定事项), which is no target.
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, null=True, blank=True, related_name="notices", verbose_name=_("assignment")
    )
    target = models.ForeignKey(
        Target, models.PROTECT, null=True, blank=True, related_name="notices", verbose_name=_("target")
    )
    decision_item = models.ForeignKey(
        "DecisionItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,  # a partial index below: most notices have none
        verbose_name=_("decision item"),
    )
    # Lookups by unit use the (unit, kind, status) index; the people below are only shown, never
    # searched by (a person is deactivated, not deleted). Fewer indexes: a night's scan inserts
    # thousands of notices, each insert writing every index.
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="notices", verbose_name=_("unit"), db_index=False)
    report = models.ForeignKey(
        ProgressReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,  # a partial index below: most notices have none
        verbose_name=_("report the problem came from"),
    )
    cause = models.CharField(_("cause of the notice"), max_length=20, choices=NoticeCause.choices)
    period = models.CharField(
        _("period of the cause"),
        max_length=32,
        blank=True,
        help_text=_("The plan node, reporting period, deadline or earlier notice the cause refers to."),
    )
    level = models.PositiveSmallIntegerField(_("warning level"), choices=WarningLevel.choices, null=True, blank=True)
    body = models.TextField(_("text"))
    required_action = models.TextField(_("required action"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("state"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by"), db_index=False
    )
    issued_at = models.DateTimeField(pgettext_lazy("notice", "issued at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
        db_index=False,
    )
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    response = models.TextField(_("the unit's response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
        db_index=False,
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
        db_index=False,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("the office's verification"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.CharField(_("why it was closed"), max_length=20, choices=ClosedReason.choices, blank=True)
    escalated_from = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        db_index=False,  # a partial index below: most notices have none
        verbose_name=_("earlier notice"),
        help_text=_("The notice this one escalated (or stepped down) from."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("An approved exposure is shown on the public disclosure pages.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # The trail is read by notice (``id``) and by date and user (an undo): simple_history's index on
    # every other foreign key of the history table only cost each write (a night's scan writes
    # 9,000 history rows; 10,000 took 470 ms with them, 210 ms without).
    history = HistoricalRecords(no_db_index=HISTORY_UNINDEXED)

    objects = NoticeManager()
    all_notices = NoticeQuerySet.as_manager()  # withdrawn ones too: the register accounts for every number

    class Meta:
        verbose_name = _("notice")
        base_manager_name = "all_notices"
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "assignment", "cause", "period"],
                condition=~Q(cause__in=UNKEYED_CAUSES) & ~Q(status=NoticeStatus.WITHDRAWN),
                name="notice_once_per_cause",
                violation_error_message=_("This notice has already been issued for this cause."),
            ),
            models.UniqueConstraint(
                fields=["kind", "decision_item", "cause"],
                condition=Q(decision_item__isnull=False) & ~Q(status=NoticeStatus.WITHDRAWN),
                name="notice_once_per_decision_item",
                violation_error_message=_("This notice has already been issued for this decision."),
            ),
            models.CheckConstraint(
                condition=Q(assignment__isnull=False) | Q(decision_item__isnull=False),
                name="notice_about_assignment_or_decision",
                violation_error_message=_("A notice is about an assignment or a meeting's decision."),
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "serial"],
                name="notice_number_unique",
                violation_error_message=_("This notice number is already taken."),
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(kind=NoticeKind.WARNING, status__in=OPEN_NOTICE_STATUSES),
                name="notice_one_open_warning_per_assignment",
                violation_error_message=_("This assignment already has an open warning."),
            ),
            models.CheckConstraint(
                condition=Q(kind=NoticeKind.WARNING, level__isnull=False) | Q(~Q(kind=NoticeKind.WARNING), level=None),
                name="notice_level_only_on_warnings",
                violation_error_message=_("Only a progress warning has a level."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "status"]),
            models.Index(fields=["kind", "status", "level"]),
            models.Index(fields=["year", "kind", "level"]),
            # The dashboard's count of the year's issued notices by kind, read from the index alone.
            models.Index(
                fields=["year", "kind", "is_published", "status", "serial"],
                condition=Q(issued_at__isnull=False),
                name="notice_issued_in_year",
            ),
            # The nightly reminders (scan/reminders.py). Notices not signed for in time: the ones still
            # issued, by when; no other index leads with ``status``, so PostgreSQL read every notice
            # (0.09–0.1 s at province for 600–2,000 rows). Answers and catch-up dates near or past: the
            # open notices by kind and due date (from (kind, status, level) it fetched 60,000 open
            # warnings to keep 5,000). Partial: a closed notice leaves both, so a night's closes write
            # nothing into them. ``due_date`` not null keeps the first look-up off the second index.
            models.Index(fields=["issued_at"], condition=Q(status=NoticeStatus.ISSUED), name="notice_unsigned_since"),
            # The links most notices lack (a report, a meeting's decision, an earlier warning): only
            # the notices that have one are indexed, for the lookups and for PROTECT's check on a
            # delete. A full index held a NULL for every other notice, written on every insert and
            # on every close (a status change is no HOT update: ``status`` is indexed).
            models.Index(fields=["report"], condition=Q(report__isnull=False), name="notice_by_report"),
            models.Index(
                fields=["decision_item"], condition=Q(decision_item__isnull=False), name="notice_by_decision_item"
            ),
            models.Index(
                fields=["escalated_from"], condition=Q(escalated_from__isnull=False), name="notice_by_escalated_from"
            ),
            models.Index(
                fields=["kind", "due_date"],
                condition=Q(status__in=OPEN_NOTICE_STATUSES, due_date__isnull=False),
                name="notice_open_by_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.get_status_display()} {self.title}"

    @property
    def colour(self) -> str:
        return WARNING_COLOURS[WarningLevel(self.level)] if self.level is not None else ""

    @property
    def period_label(self) -> str:
        """The period a person can read (escalations name the earlier notice through ``escalated_from``)."""
        return "" if self.cause in (NoticeCause.NOT_ACTED, NoticeCause.STEPPED_DOWN) else self.period

    @property
    def about(self) -> str:
        """What the notice is about, as a line: the target, or the meeting's decision (议定事项)."""
        if self.target_id is None and self.decision_item_id is not None:
            return f"{_('Meeting decision')}：{self.decision_item.text[:60]}"
        return f"{self.target.code} {self.target.title}".strip() if self.target_id else ""

    @property
    def responsible_person(self):
        """The person who answers for what the notice is about (责任人), if one is named."""
        subject = self.assignment if self.assignment_id else self.decision_item
        return subject.person if subject is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NOTICE_STATUSES


def format_number(kind: str, year: int, serial: int) -> str:
    """The office's style: 驻督预〔2018〕12号 (the prefix is a setting)."""
    return f"{settings.ZMD_NOTICE_NUMBER_PREFIX}{NOTICE_NUMBER_MARKS[NoticeKind(kind)]}〔{year}〕{serial}号"


class NoticeCounter(models.Model):
    """The last number given to a kind of notice in a year. Its row is locked while a notice is
    issued, so that numbers have no gaps and no duplicates however many are issued at once."""

    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("notice number counter")
        verbose_name_plural = _("notice number counters")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="notice_counter_once_per_kind_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.last_serial}"
