"""manage.py restore_check BACKUP_FOLDER: restore a backup into a throw-away database, compare counts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, check_restore


class Command(BaseCommand):
    help = "Restore a backup into a fresh database and compare every table's row count with its manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder written by manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            result = check_restore(Path(folder))
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        for table, (expected, restored) in result.differences.items():
            self.stdout.write(f"{table}: {expected} in the manifest, {restored} restored")
        if not result.ok:
            raise CommandError(f"{len(result.differences)} table(s) differ")
        self.stdout.write(
            f"restored {len(result.restored)} tables, {sum(result.restored.values())} rows, "
            f"{result.media_files} files: as the manifest says"
        )
