"""What every uploaded file (佐证材料) records, whatever it supports: a report or a completion claim."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock


class UploadedFile(models.Model):
    """The stored file's original name, size and type, and who uploaded it when. The concrete model
    adds the ``file`` field (its folder) and what the file belongs to."""

    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def from_upload(cls, uploaded, *, acting_user, **owner):
        """An unsaved row for ``uploaded`` (checked already), owned by ``owner`` (report=…, claim=…)."""
        return cls(
            file=uploaded,
            original_name=PurePath(uploaded.name).name[:200],
            size=uploaded.size,
            content_type=(getattr(uploaded, "content_type", "") or "")[:100],
            uploaded_by=acting_user,
            uploaded_at=clock.now(),
            **owner,
        )
