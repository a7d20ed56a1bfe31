"""Suggestions and proposals (建议提案类): the proposal behind a target, and the units' replies to it.

A proposal target is broken down like any other (lead unit, co-units, deadlines); this module adds
what the people's congress and the CPPCC ask about it: number, session, proposers, how it is
handled, the reply deadline (one extension), each reply's result code and the proposer's view of
it. An unsatisfied reply sends the unit back to answer again in a new round.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Action

from ..choices import (
    PROPOSAL_STATUS_COLOURS,
    SATISFACTION_COLOURS,
    HandlingMode,
    ProposalKind,
    ProposalStatus,
    ReplyKind,
    ResultCode,
    Satisfaction,
)
from .targets import Assignment, Target


class ProposalQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ProposalQuerySet:
        """Whoever may see (or act on) the target may see (or act on) its proposal."""
        return self.filter(target__in=Target.objects.for_user(user, action).values("pk"))


class Proposal(models.Model):
    """An NPC deputy's suggestion or a CPPCC member's proposal, handled as a 建议提案类 target."""

    target = models.OneToOneField(Target, models.CASCADE, related_name="proposal", verbose_name=_("target"))
    kind = models.CharField(_("kind"), max_length=8, choices=ProposalKind.choices)
    number = models.CharField(
        pgettext_lazy("proposal", "number"), max_length=32, help_text=_("As the congress numbered it, e.g. 18.")
    )
    session = models.CharField(_("session"), max_length=100)
    proposers = models.CharField(_("proposers"), max_length=200)
    handling_mode = models.CharField(_("handling mode"), max_length=12, choices=HandlingMode.choices)
    assigned_on = models.DateField(_("assigned on"))
    reply_deadline = models.DateField(_("reply deadline"))
    original_deadline = models.DateField(_("deadline before the extension"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion or proposal")
        verbose_name_plural = _("suggestions and proposals")
        ordering = ["kind", "session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "session", "number"],
                name="proposal_number_unique_per_session",
                violation_error_message=_("This number is already registered for this session."),
            ),
            models.CheckConstraint(
                condition=Q(reply_deadline__gte=models.F("assigned_on")),
                name="proposal_deadline_not_before_assignment",
                violation_error_message=_("The reply deadline cannot be before the day it was assigned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.number}号 {self.target.title}"

    @property
    def was_extended(self) -> bool:
        return self.original_deadline is not None

    @property
    def colour(self) -> str:
        return PROPOSAL_STATUS_COLOURS[ProposalStatus(self.status)]


class ProposalReply(models.Model):
    """One unit's reply to the proposer (with its result code), or a co-unit's views sent to the lead.

    Replies come in rounds: round 1 is the first answer; an unsatisfied reply opens the next round
    for that unit. A reply is never edited after it is written; the office only records the
    proposer's satisfaction on it.
    """

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="replies", verbose_name=_("proposal"))
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="proposal_replies", verbose_name=_("answering unit's assignment")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReplyKind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    result_code = models.CharField(_("result code"), max_length=1, choices=ResultCode.choices, blank=True)
    text = models.TextField(_("text"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"))
    satisfaction = models.CharField(_("proposer's view"), max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_note = models.TextField(_("note on the proposer's view"), blank=True)
    satisfaction_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("view recorded by"),
    )
    satisfaction_recorded_at = models.DateTimeField(_("view recorded at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal reply")
        verbose_name_plural = _("proposal replies")
        ordering = ["proposal", "round", "kind", "written_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind", "round"],
                name="proposal_reply_once_per_round",
                violation_error_message=_("This unit has already written this for this round."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ReplyKind.REPLY, result_code__in=ResultCode.values)
                | Q(kind=ReplyKind.VIEWS, result_code="", satisfaction=""),
                name="proposal_reply_code_only_on_replies",
                violation_error_message=_("A reply needs a result code; co-units' views have none."),
            ),
        ]
        indexes = [models.Index(fields=["satisfaction", "satisfaction_recorded_at"])]

    def __str__(self) -> str:
        return f"{self.assignment.unit} · {self.get_kind_display()} ({self.round})"

    @property
    def satisfaction_colour(self) -> str:
        return SATISFACTION_COLOURS[Satisfaction(self.satisfaction)] if self.satisfaction else ""
