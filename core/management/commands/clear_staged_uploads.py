"""Delete the files kept from failed forms that nobody sent again within a day."""

from django.core.management.base import BaseCommand

from core import staged_uploads


class Command(BaseCommand):
    help = "Delete staged uploads (files kept from a failed form) older than a day."

    def handle(self, *args, **options):
        removed = staged_uploads.remove_expired()
        self.stdout.write(f"{removed} staged file(s) removed.")
