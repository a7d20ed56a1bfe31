"""The notices counted by what the dashboard's figures group them by, kept by the database itself.

The leader dashboard counts the year's notices by kind (200,000 at province scale, 60 ms a
request however indexed), the open warnings by colour and what waits for units. Notices change in
many ways — one by one through the services, a night's thousands set-based, a scan undone — so
the tally is kept by triggers on ``accountability_notice`` (PostgreSQL; migration 0027), which no
path can miss: every statement adds the rows it inserted, subtracts those it deleted, and both for
those it updated, as grouped rows (a night's 6,000 notices add a handful). The rows are summed
when read and folded together each night (``services.notice_tally.fold``). On SQLite (the
embedded demo, a city's few thousand notices) the figures are counted from the notices directly.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from ..choices import NoticeKind, NoticeStatus
from .notices import NoticeVisibility


class NoticeTallyQuerySet(NoticeVisibility, models.QuerySet):
    pass


class NoticeTallyManager(models.Manager.from_queryset(NoticeTallyQuerySet)):
    """As ``Notice.objects``: a withdrawn notice counts nowhere."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=NoticeStatus.WITHDRAWN)


class NoticeTally(models.Model):
    """``n`` notices (negative: taken away) with these values. Only the columns the dashboard's
    figures and the visibility rule (``NoticeVisibility.for_user``) read; ``serial`` is NULL for a
    notice without a number and 0 for one with (the rule asks only that)."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    status = models.CharField(max_length=16, choices=NoticeStatus.choices)
    level = models.PositiveSmallIntegerField(null=True)
    is_published = models.BooleanField()
    issued = models.BooleanField()
    serial = models.PositiveIntegerField(null=True)
    n = models.BigIntegerField()

    objects = NoticeTallyManager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(serial__isnull=True) | Q(serial=0), name="tally_serial_0")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.status}: {self.n}"
