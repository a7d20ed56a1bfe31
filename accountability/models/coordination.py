"""现场协调快办: a unit asks a leader to settle a blocked problem with several units on the spot;
the meeting's decisions (议定事项) are items with an owner unit, a person and a deadline. A progress
meeting (推进例会) is held the same way with no requesting unit, and its decisions are the same items.

Decision items are not targets (no source, no type): they have their own list, the owner reports
progress on them, the daily scan reminds and warns, and the office closes them (办结)."""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from tasks.models import Assignment, Leader, ProgressReport, ResponsiblePerson, Unit
from tasks.models.files import UploadedFile
from tasks.selectors.scope import leader_scope

from ..choices import CoordinationStatus, DecisionStatus


class CoordinationQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> CoordinationQuerySet:
        """The office sees every request; a leader those addressed to them and those about an assignment
        of their scope (我分管的; the mayor's is the city); a unit those it asked for, was called to, or
        was given a decision by."""
        access = access_for(user)
        if access.office:
            return self
        mine = Q(pk__in=[])
        if access.is_leader:
            scope = leader_scope(access.leader_ids)
            if scope.whole_city and action == Action.VIEW:
                return self
            mine |= Q(leader__in=access.leader_ids)
            if action == Action.VIEW:
                mine |= Q(assignment__in=Assignment.objects.filter(scope.assignment_filter()).values("pk"))
        if access.unit_ids and action == Action.VIEW:
            given = DecisionItem.objects.filter(owner__in=access.unit_ids).values("coordination")
            mine |= Q(unit__in=access.unit_ids) | Q(units__in=access.unit_ids) | Q(pk__in=given)
        return self.filter(pk__in=self.model.objects.filter(mine).values("pk"))


class Coordination(models.Model):
    """One request for on-site coordination (现场协调快办) and the meeting that settles it."""

    # Null for a progress meeting (推进例会) the office or a leader held: nobody asked for it.
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinations",
        verbose_name=_("requesting unit"),
    )
    blocked = models.TextField(_("what is blocked"))
    assignment = models.ForeignKey(
        Assignment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinations",
        verbose_name=_("assignment concerned"),
    )
    report = models.ForeignKey(
        ProgressReport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinations",
        verbose_name=_("reported problem concerned"),
    )
    leader = models.ForeignKey(Leader, models.PROTECT, related_name="coordinations", verbose_name=_("leader needed"))
    units = models.ManyToManyField(Unit, related_name="+", blank=True, verbose_name=_("units needed"))
    status = models.CharField(
        _("status"), max_length=12, choices=CoordinationStatus.choices, default=CoordinationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    place = models.CharField(_("meeting place"), max_length=100, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    minutes = models.TextField(_("meeting notes"), blank=True)
    decided_at = models.DateTimeField(_("decisions recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CoordinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        if self.is_progress_meeting:
            return str(_("Progress meeting: %(subject)s") % {"subject": self.blocked[:30]})
        return f"{self.unit} · {self.blocked[:30]}"

    @property
    def is_progress_meeting(self) -> bool:
        """A 推进例会 the office or a leader held (its subject in ``blocked``), not a unit's request."""
        return self.unit_id is None


class DecisionItemQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> DecisionItemQuerySet:
        """The office sees every item; a leader the items of the coordinations they see; a unit the
        items it owns and those of the coordinations it asked for (to read)."""
        access = access_for(user)
        if access.office:
            return self
        mine = Q(pk__in=[])
        if access.is_leader:
            mine |= Q(coordination__in=Coordination.objects.for_user(user, action).values("pk"))
        if access.unit_ids and action == Action.VIEW:
            mine |= Q(owner__in=access.unit_ids) | Q(coordination__unit__in=access.unit_ids)
        return self.filter(mine)


class DecisionItem(models.Model):
    """One decision of a coordination or progress meeting (议定事项): what is to be done, by which
    unit, which of its people answers for it, and by when."""

    coordination = models.ForeignKey(
        Coordination, models.PROTECT, related_name="decisions", verbose_name=_("coordination")
    )
    text = models.TextField(_("decision"))
    owner = models.ForeignKey(Unit, models.PROTECT, related_name="decision_items", verbose_name=_("owner unit"))
    person = models.ForeignKey(
        ResponsiblePerson, models.PROTECT, related_name="decision_items", verbose_name=_("responsible person")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completion marked by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on = models.DateField(_("completed on"), null=True, blank=True)
    close_note = models.TextField(_("the office's note"), blank=True)
    # Bookkeeping for the scan (compare-and-set, no history): the day the owner was reminded.
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = DecisionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision item")
        verbose_name_plural = _("decision items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.text[:40]

    def is_overdue_on(self, day) -> bool:
        """Past its deadline and not completed by the day (completed late counts as done)."""
        done = self.closed_on is not None and self.closed_on <= day
        return not done and day > self.deadline


def progress_file_path(instance: DecisionProgress, filename: str) -> str:
    # A random name, as for evidence: the file is served only through a permission check.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"decisions/{uuid4().hex}{suffix}"


class DecisionProgress(UploadedFile):
    """The owner unit's report on a decision item (报告进展), with an optional file and, when the
    work is done, its request to close the item (办结申请)."""

    item = models.ForeignKey(DecisionItem, models.CASCADE, related_name="progress", verbose_name=_("decision item"))
    text = models.TextField(_("progress"))
    asks_close = models.BooleanField(_("asks to close"), default=False)
    file = models.FileField(_("file"), upload_to=progress_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    history = HistoricalRecords()

    class Meta(UploadedFile.Meta):
        verbose_name = _("progress on a decision item")
        verbose_name_plural = _("progress on decision items")
