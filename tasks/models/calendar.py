"""The working-day calendar the office keeps (public holidays and 调休 make-up working days) and the
time limits counted on it (the unit head's approval, a returned report's refiling)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (no work)")
    WORKDAY = "workday", _("Make-up working day (调休上班)")


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday on a weekday, or a weekend day
    worked in exchange (调休). Every other Monday–Friday is a working day, every Saturday and Sunday not."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


def _limit(verbose_name, default, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name, default=default, validators=[MinValueValidator(1), MaxValueValidator(60)], help_text=help_text
    )


class ReportTimeLimits(models.Model):
    """The office's time limits on reports, in working days (one row)."""

    head_approval_days = _limit(
        _("working days for the unit head to approve a report"),
        2,
        _("Counted from the day the unit's staff submitted it; after that the head is late (负责人未审批)."),
    )
    refile_days = _limit(
        _("default working days to refile a returned report"),
        3,
        _("Offered on the return form; a report refiled by the date given is not late."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report time limits")
        verbose_name_plural = _("report time limits")

    def __str__(self) -> str:
        return str(_("Report time limits"))

    @classmethod
    def current(cls) -> ReportTimeLimits:
        limits = cls.objects.filter(pk=1).first()
        if limits is None:
            limits, _created = cls.objects.get_or_create(pk=1)
        return limits
