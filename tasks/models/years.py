"""Years the office has closed (年终): their records stay readable and are no longer changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ClosedYear(models.Model):
    """A target year the supervision office closed at year end (年终结账).

    From then on the ledger's services refuse every change to the year's targets, assignments,
    plans, reports and claims; its figures as of the close are kept by ``accountability`` (the
    year's results per unit).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    closed_at = models.DateTimeField(_("year closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed year")
        verbose_name_plural = _("closed years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
