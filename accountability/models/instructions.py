"""批示: a leader's instruction on a target (or one of its assignments, reports or problems),
addressed to units that must answer it by a due date with what they did (落实情况)."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import access_for
from tasks.models import Assignment, ProgressReport, Role, Target, Unit
from tasks.models.files import UploadedFile


class AnswerState(models.TextChoices):
    """Where one addressed unit stands with one instruction (``answer_state`` decides)."""

    WAITING = "waiting", _("Not answered")
    ANSWERED = "answered", _("Answered")
    OVERDUE = "overdue", _("Overdue, not answered")
    ANSWERED_LATE = "late", _("Answered late")


class InstructionQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> InstructionQuerySet:
        """Leaders and the office see every instruction; a unit only those addressed to it (an
        instruction about one county is not another county's business)."""
        if user is None or not user.is_authenticated:
            return self.none()
        access = access_for(user)
        if access.office or access.is_leader:
            return self
        if not access.unit_ids:
            return self.none()
        return self.filter(
            Exists(Instruction.units.through.objects.filter(instruction=OuterRef("pk"), unit__in=access.unit_ids))
        )

    def in_scope(self, scope) -> InstructionQuerySet:
        """A leader's scope (tasks/selectors/scope.py): instructions on the targets they lead or of
        their fields, those addressed to one of their units, and those they wrote."""
        ids = list(scope.leader_ids)
        to_their_units = Instruction.units.through.objects.filter(instruction=OuterRef("pk"), unit__leaders__in=ids)
        return self.filter(
            Q(target__in=Target.objects.filter(scope.target_filter()).values("pk"))
            | Exists(to_their_units)
            | Q(author__in=Role.objects.filter(leader__in=ids).values("user_id"))
        )

    def in_state(self, state: str, day: dt.date, unit_ids=None) -> InstructionQuerySet:
        """Instructions where some addressed unit (of ``unit_ids`` if given) is in ``state`` on ``day``."""
        return self.filter(state_condition(state, day, unit_ids))


def state_condition(state: str, day: dt.date, unit_ids=None) -> Exists:
    """Some addressed unit (of ``unit_ids`` if given) is in ``state`` on ``day``: a filter or a count's condition."""
    addressed = Instruction.units.through.objects.filter(instruction=OuterRef("pk"))
    if unit_ids is not None:
        addressed = addressed.filter(unit__in=unit_ids)
    answers = InstructionAnswer.objects.filter(instruction=OuterRef("instruction_id"), unit=OuterRef("unit_id"))
    on_time = answers.filter(answered_on__lte=F("instruction__due_date"))
    conditions = {
        AnswerState.WAITING: ~Exists(answers) & Q(instruction__due_date__gte=day),
        AnswerState.OVERDUE: ~Exists(answers) & Q(instruction__due_date__lt=day),
        AnswerState.ANSWERED: Exists(on_time),
        AnswerState.ANSWERED_LATE: Exists(answers) & ~Exists(on_time),
    }
    return Exists(addressed.filter(conditions[state]))


class Instruction(models.Model):
    """One leader's 批示: the target it is about is required; an assignment, a report or a report's
    problem narrows it. Addressed units answer it; the office may be told too."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("leader"))
    # A secretary writing in the leader's name (秘书 X 代 Y): the leader is the author.
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("written by")
    )
    target = models.ForeignKey(Target, models.CASCADE, related_name="instructions", verbose_name=_("target"))
    assignment = models.ForeignKey(
        Assignment, models.CASCADE, null=True, blank=True, related_name="instructions", verbose_name=_("assignment")
    )
    report = models.ForeignKey(
        ProgressReport, models.CASCADE, null=True, blank=True, related_name="instructions", verbose_name=_("report")
    )
    on_problem = models.BooleanField(_("about the report's problem"), default=False)
    text = models.TextField(_("instruction"))
    due_date = models.DateField(_("answer by"))
    units = models.ManyToManyField(Unit, related_name="instructions", verbose_name=_("addressed units"))
    to_office = models.BooleanField(_("also to the supervision office"), default=False)
    created_at = models.DateTimeField(_("instructed at"))
    history = HistoricalRecords(m2m_fields=[units])

    objects = InstructionQuerySet.as_manager()

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["due_date"])]

    def __str__(self) -> str:
        return f"{self.target.code} · {self.text[:30]}"

    @property
    def signature(self) -> str:
        """Who instructed, as the record says it: the leader, or "秘书 X 代 Y"."""
        if self.written_by_id:
            from tasks.services.delegation import on_behalf_label  # the services import these models

            return on_behalf_label(self.written_by, self.author)
        return str(self.author)

    @property
    def subject(self):
        """What the instruction is about, the narrowest first."""
        return self.report or self.assignment or self.target


def answer_state(due_date: dt.date, answered_on: dt.date | None, day: dt.date) -> str:
    """The one rule: answered by the due date, answered after it, overdue, or still waiting."""
    if answered_on is not None:
        return AnswerState.ANSWERED if answered_on <= due_date else AnswerState.ANSWERED_LATE
    return AnswerState.OVERDUE if day > due_date else AnswerState.WAITING


class InstructionAnswer(models.Model):
    """An addressed unit's 落实情况: what it did about the instruction (one answer per unit)."""

    instruction = models.ForeignKey(Instruction, models.CASCADE, related_name="answers", verbose_name=_("instruction"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    text = models.TextField(_("what was done"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"))
    answered_on = models.DateField(_("answered on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer to an instruction")
        verbose_name_plural = _("answers to instructions")
        ordering = ["answered_at"]
        constraints = [models.UniqueConstraint(fields=["instruction", "unit"], name="instruction_answer_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.text[:30]}"

    @property
    def is_late(self) -> bool:
        return self.answered_on > self.instruction.due_date


def answer_file_path(instance: InstructionAnswerFile, filename: str) -> str:
    # A random name, as for evidence: the original may hold anything.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"instructions/{uuid4().hex}{suffix}"


class InstructionAnswerFile(UploadedFile):
    """A file attached to an answer; served only to those who may see the instruction."""

    answer = models.ForeignKey(InstructionAnswer, models.CASCADE, related_name="files", verbose_name=_("answer"))
    file = models.FileField(_("file"), upload_to=answer_file_path, max_length=200)
    history = HistoricalRecords()

    class Meta(UploadedFile.Meta):
        verbose_name = _("file of an answer")
        verbose_name_plural = _("files of answers")
