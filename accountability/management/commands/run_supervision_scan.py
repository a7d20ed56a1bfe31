"""python manage.py run_supervision_scan [--date YYYY-MM-DD] [--dry-run] — the daily rules of the five lists."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accountability.models.rules import labelled_summary
from accountability.scan import run_scan
from core.bounds import FIRST_DAY, LAST_DAY
from core.commands import in_site_language
from core.errors import RuleViolation


def _day(value: str) -> dt.date:
    """argparse reports what this raises as one line (a CommandError here would be a traceback)."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD; got {value!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"must be between {FIRST_DAY} and {LAST_DAY}; got {value}")
    return day


class Command(BaseCommand):
    help = (
        "Run the supervision scan as of a day (default today): task notices never sent, progress warnings and "
        "their escalation, exposure candidates, close-out notices never sent, the day's reminder digests. "
        "--dry-run prints what it would issue and changes nothing. A day after today is refused unless it "
        "is a dry run; a mistaken run is undone with undo_supervision_scan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, default=None, help="judge as of this day (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true", help="print what would be issued; store nothing")

    @in_site_language
    def handle(self, *args, date=None, dry_run=False, **options):
        try:
            result = run_scan(date, dry_run=dry_run)
        except RuleViolation as error:
            raise CommandError(" ".join(error.messages)) from None
        day = f"{result.day:%Y-%m-%d}"
        if dry_run:
            self.stdout.write(_("Supervision scan as of %(day)s (dry run: nothing stored)") % {"day": day})
            heading = ngettext("Would issue %(count)d notice:", "Would issue %(count)d notices:", len(result.issued))
        else:
            self.stdout.write(_("Supervision scan as of %(day)s") % {"day": day})
            heading = ngettext("Issued %(count)d notice:", "Issued %(count)d notices:", len(result.issued))
        self.stdout.write(heading % {"count": len(result.issued)})
        for line in result.describe():
            self.stdout.write(f"  {line}")
        for label, value in labelled_summary(result.summary):
            self.stdout.write(f"  {label}: {value}")
