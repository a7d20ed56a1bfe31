"""Uploads of the breakdown sheet (目标任务分解表) and what became of them."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for

from ..choices import RUNNING_IMPORT_STATUSES, ImportStatus

# A job waits at most this long for a worker to take it, and a running step reports progress at
# least every few seconds (every chunk of rows); longer than that, the job was lost.
QUEUED_GRACE = dt.timedelta(minutes=2)
STALLED_AFTER = dt.timedelta(minutes=10)
QUEUED = "queued"  # the phase of a job handed to the queue and not yet taken


def import_path(instance: ImportJob, filename: str) -> str:
    # A random name: the original is kept in original_name and never used as a path. The suffix says
    # nothing either: the importer tells the formats apart by content.
    return f"imports/{uuid4().hex}.sheet"


class ImportJobQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ImportJobQuerySet:
        """Imports are the office's work: only the office sees them."""
        return self if access_for(user).office else self.none()


class ImportJob(models.Model):
    """One upload of a breakdown sheet: the file, the dry-run report, and whether it was saved."""

    file = models.FileField(_("file"), upload_to=import_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    include_hidden = models.BooleanField(_("hidden rows included"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    # Progress of the running job (bookkeeping written with .update(): no history).
    phase = models.CharField(_("phase"), max_length=16, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the sheet"), null=True, blank=True)
    # When the step that holds the job last reported (its lease): a step that stops reporting for
    # STALLED_AFTER was lost with its worker, and the sweep or the retry button takes the job back.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    report = models.JSONField(_("dry-run report"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("what was saved"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("saved by")
    )
    committed_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["phase", "rows_done", "rows_total", "report", "heartbeat_at"])

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("breakdown sheet import")
        verbose_name_plural = _("breakdown sheet imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATUSES

    @property
    def is_stalled(self) -> bool:
        """Waiting or running, but nothing has moved it for longer than a job may take to start or report."""
        if self.status not in RUNNING_IMPORT_STATUSES:
            return False
        if self.heartbeat_at is None:
            return False
        grace = QUEUED_GRACE if self.phase == QUEUED else STALLED_AFTER
        return timezone.now() - self.heartbeat_at > grace

    @property
    def can_commit(self) -> bool:
        return self.status == ImportStatus.CHECKED and bool(self.report.get("valid"))

    @property
    def percent_done(self) -> int:
        if self.status in (ImportStatus.CHECKED, ImportStatus.COMMITTED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))
