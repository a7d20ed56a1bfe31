"""The rules of the daily supervision scan, editable by the office, and the record of each run."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

_POINTS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _days(verbose_name, default, help_text=""):
    return models.PositiveSmallIntegerField(
        verbose_name, default=default, validators=[MinValueValidator(1), MaxValueValidator(365)], help_text=help_text
    )


class SupervisionRules(models.Model):
    """The thresholds and time limits the scan applies (one row). Defaults follow the domain guide:
    yellow at 10–30 points behind plan or a missed report, red above 30 points or past the deadline,
    exposure after two reds in a year or overdue after a red."""

    yellow_lag_points = models.DecimalField(
        _("yellow from (points behind plan)"), max_digits=4, decimal_places=1, default=Decimal(10), validators=_POINTS
    )
    red_lag_points = models.DecimalField(
        _("red above (points behind plan)"), max_digits=4, decimal_places=1, default=Decimal(30), validators=_POINTS
    )
    missing_report_warns = models.BooleanField(_("a missing report gives a yellow warning"), default=True)
    warn_on_overdue_instruction = models.BooleanField(
        _("an instruction not answered by its due date gives a yellow warning"), default=True
    )
    yellow_catch_up_days = _days(
        _("days to act on a yellow warning"), 30, _("If the unit has not caught up by then, the warning turns orange.")
    )
    orange_catch_up_days = _days(
        _("days to act on an orange warning"), 15, _("If the unit has not caught up by then, the warning turns red.")
    )
    red_response_days = _days(_("days to answer a red warning or an exposure"), 15)
    sign_for_days = _days(_("days to sign for a notice"), 3, _("After that the unit is reminded every day."))
    supervision_due_days = _days(_("default days to rectify a problem"), 15)
    reminder_days = models.CharField(
        _("remind this many days before a due date"),
        max_length=40,
        default="7,1,0",
        help_text=_("Whole days, separated by commas; overdue items are reminded every day."),
    )
    exposure_red_count = models.PositiveSmallIntegerField(
        _("red warnings in a year that make an exposure candidate"), default=2, validators=[MinValueValidator(1)]
    )
    exposure_overdue_after_red = models.BooleanField(_("overdue after a red warning makes a candidate"), default=True)
    # Empty: each case goes to the leader responsible for its target; set: one leader (the mayor)
    # decides every accountability case.
    case_approver = models.ForeignKey(
        "tasks.Leader",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader who approves every accountability case"),
        help_text=_("Empty: the leader responsible for the target decides."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision rules")
        verbose_name_plural = _("supervision rules")

    def __str__(self) -> str:
        return str(_("Supervision rules"))

    def clean(self) -> None:
        yellow, red = self.yellow_lag_points, self.red_lag_points
        if yellow is not None and red is not None and yellow >= red:
            raise ValidationError({"red_lag_points": _("Red must start above the yellow threshold.")})
        try:
            _offsets = self.reminder_offsets
        except ValueError:
            raise ValidationError(
                {"reminder_days": _("Enter whole numbers of days separated by commas, such as 7,1,0.")}
            ) from None

    @property
    def reminder_offsets(self) -> list[int]:
        values = sorted({int(part) for part in self.reminder_days.replace("，", ",").split(",") if part.strip()})
        if any(value < 0 or value > 365 for value in values):
            raise ValueError("reminder days out of range")
        return values

    @classmethod
    def current(cls) -> SupervisionRules:
        rules = cls.objects.filter(pk=1).first()
        if rules is None:
            rules, _created = cls.objects.get_or_create(pk=1)
        return rules


SUMMARY_LABELS = {
    "warnings_issued": _("warnings issued"),
    "issued_green": _("green warnings issued"),
    "issued_yellow": _("yellow warnings issued"),
    "issued_orange": _("orange warnings issued"),
    "issued_red": _("red warnings issued"),
    "closed_caught_up": _("closed on catching up"),
    "closed_escalated": _("raised"),
    "closed_stepped_down": _("stepped down"),
    "closed_assignment_ended": _("closed with the assignment"),
    "closed_signed_for": _("closed on signing for"),
    "closed_verified": _("closed on a verified answer"),
    "exposure_candidates": _("exposure candidates"),
    "task_notices_issued": _("task notices issued late"),
    "task_notices_signed": _("task notices signed with the assignment"),
    "close_out_notices_issued": _("close-out notices issued late"),
    "digests": _("reminder digests"),
    "decisions_reminded": _("meeting decisions reminded of"),
    "decision_notices_issued": _("overdue meeting decisions put under supervision"),
    "emails_requeued": _("emails sent again"),
}


def labelled_summary(summary: dict) -> list[tuple[str, int]]:
    """A run's counts as (words, number) for people: pages and commands show these, never the keys
    (a key without words is counted under "other changes" rather than shown as a code)."""
    rows = [(SUMMARY_LABELS.get(key, _("other changes")), value) for key, value in sorted(summary.items()) if value]
    return [(str(label), value) for label, value in rows]


class SupervisionRun(models.Model):
    """One run of the daily scan: the day it judged, when it ran, who asked and what it did."""

    day = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run by")
    )
    summary = models.JSONField(_("summary"), default=dict)
    # What the run did, written by each step in its own transaction: the notices it issued or put
    # forward, and the notices it closed. Undoing the run works from these lists.
    changes = models.JSONField(_("notices issued and closed"), default=dict, blank=True)
    # Real time (``started_at`` is the scan's clock, which replays a past day): how long ago it began.
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    abandoned_at = models.DateTimeField(
        _("marked abandoned at"), null=True, blank=True, help_text=_("Its worker died before it finished.")
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("undone by")
    )
    undo_note = models.TextField(_("why it was undone"), blank=True)

    class Meta:
        verbose_name = _("supervision scan")
        verbose_name_plural = _("supervision scans")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-day"])]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"

    def summary_items(self) -> list[tuple[str, int]]:
        return labelled_summary(self.summary)
