"""Accountability (问责): the office proposes a measure against a unit and its people; a leader decides.

The measures are a list the office edits (约谈, 通报批评, …); a measure may carry points, which an
approved case writes to the unit's ledger. Separation of duties: nobody decides a case they proposed.
"""

from __future__ import annotations

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from tasks.models import Assignment, Leader, ResponsiblePerson, Unit
from tasks.selectors.scope import leader_scope

from ..choices import CaseStatus
from .checks import Check
from .notices import Notice
from .scores import POINTS, OfficeManagedQuerySet


class AccountabilityMeasure(models.Model):
    """One measure the office may propose (约谈, 通报批评, …), with the points it costs if any."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    points = models.DecimalField(
        _("points"),
        null=True,
        blank=True,
        help_text=_("Written to the unit's ledger when a case is approved; negative for a deduction. Empty: none."),
        **POINTS,
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability measure")
        verbose_name_plural = _("accountability measures")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AccountabilityCaseQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> AccountabilityCaseQuerySet:
        """The office sees every case; a leader the cases they decide and those in their scope (the
        mayor's is the city); a unit only its own (and only to read)."""
        access = access_for(user)
        if access.office:
            return self
        if action != Action.VIEW:
            return self.filter(approver__in=access.leader_ids) if access.is_leader else self.none()
        if access.is_leader:
            # Their scope (tasks/selectors/scope.py; the mayor's is the city) and what they decide.
            scope = leader_scope(access.leader_ids)
            if scope.whole_city:
                return self
            ids = list(access.leader_ids)
            in_scope = Assignment.objects.filter(scope.assignment_filter()).values("pk")
            return self.filter(
                models.Q(approver__in=ids)
                | models.Q(assignment__in=in_scope)
                | models.Q(unit__in=Unit.objects.filter(leaders__in=ids).values("pk"))
            )
        return self.filter(unit__in=access.unit_ids)


def case_evidence_path(instance: AccountabilityCase, filename: str) -> str:
    # A random name: the file is served only through a permission check.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"cases/{uuid4().hex}{suffix}"


class AccountabilityCase(models.Model):
    """One case: raised from a check (查责任) or a notice (red warning, exposure), against a unit."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="accountability_cases", verbose_name=_("unit"))
    persons = models.ManyToManyField(
        ResponsiblePerson, blank=True, related_name="accountability_cases", verbose_name=_("persons held to account")
    )
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="accountability_cases", verbose_name=_("assignment")
    )
    check_record = models.ForeignKey(
        Check, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("raised from check")
    )
    notice = models.ForeignKey(
        Notice, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("raised from notice")
    )
    measure = models.ForeignKey(
        AccountabilityMeasure, models.PROTECT, related_name="cases", verbose_name=_("proposed measure")
    )
    facts = models.TextField(_("facts"))
    evidence = models.FileField(_("evidence"), upload_to=case_evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.PROPOSED)
    approver = models.ForeignKey(
        Leader, models.PROTECT, related_name="accountability_cases", verbose_name=_("approving leader")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    # A secretary deciding in the leader's name (秘书 X 代 Y): the leader, with decided_by the secretary.
    decided_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided for")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    objects = AccountabilityCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_record__isnull=False) | models.Q(notice__isnull=False),
                name="case_names_its_source",
                violation_error_message=_("A case is raised from a check or a notice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.measure}"

    @property
    def decided_signature(self) -> str:
        """Who decided, as the record says it: the leader, or "秘书 X 代 Y"."""
        if self.decided_for_id:
            from tasks.services.delegation import on_behalf_label  # the services import these models

            return on_behalf_label(self.decided_by, self.decided_for)
        return str(self.decided_by or "")

    @property
    def colour(self) -> str:
        return {CaseStatus.PROPOSED: "yellow", CaseStatus.APPROVED: "red", CaseStatus.REJECTED: "grey"}[
            CaseStatus(self.status)
        ]
