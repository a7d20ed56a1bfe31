"""manage.py backup [--dest DIR]: the database and every stored file, with a manifest (ops/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, make_backup, prune_backups


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's backup API) and the stored files, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=settings.ZMD_BACKUP_DIR, help="folder for the backup (ZMD_BACKUP_DIR)")
        parser.add_argument("--keep", type=int, default=0, help="then keep only the newest N backups there")

    def handle(self, *args, dest, keep, **options):
        if not dest:
            raise CommandError("Name a folder with --dest or ZMD_BACKUP_DIR.")
        try:
            backup = make_backup(Path(dest))
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(backup.manifest["tables"].values())
        self.stdout.write(
            f"{backup.folder}: {len(backup.manifest['tables'])} tables, {rows} rows, "
            f"{backup.manifest['media_files']} files"
        )
        if keep:
            for removed in prune_backups(Path(dest), keep):
                self.stdout.write(f"removed {removed}")
