"""The nightly backup job (beat, when ZMD_BACKUP_DIR is set). Safe to run twice: it only adds a folder."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.conf import settings


@shared_task(name="ops.nightly_backup")
def nightly_backup() -> str:
    from .backup import make_backup, prune_backups

    backup = make_backup(Path(settings.ZMD_BACKUP_DIR))
    prune_backups(Path(settings.ZMD_BACKUP_DIR), settings.ZMD_BACKUP_KEEP)
    return str(backup.folder)
