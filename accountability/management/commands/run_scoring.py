"""python manage.py run_scoring [--up-to YYYY-MM-DD] — score every event up to a day (default: yesterday)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.choices import RunKind
from accountability.services import run_scoring_now
from core import clock
from core.commands import in_site_language
from tasks.services import system_user


class Command(BaseCommand):
    help = "Write the points entries of every event up to a day that has not been scored yet. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--up-to", help="the last day to score, YYYY-MM-DD (default: yesterday)")

    @in_site_language
    def handle(self, *args, up_to=None, **options):
        try:
            day = dt.date.fromisoformat(up_to) if up_to else clock.today() - dt.timedelta(days=1)
        except ValueError:
            raise CommandError(_("--up-to must be a date as YYYY-MM-DD; got %(value)r") % {"value": up_to}) from None
        if day > clock.today():
            raise CommandError(_("%(day)s has not come yet; nothing can be scored up to it") % {"day": day})
        run = run_scoring_now(up_to=day, acting_user=system_user(), kind=RunKind.MANUAL)
        added = "; ".join(f"{label} {count}" for label, count in run.added_by_rule)
        self.stdout.write(
            self.style.SUCCESS(
                _("Scored up to %(day)s: %(added)s.") % {"day": f"{day:%Y-%m-%d}", "added": added or _("nothing new")}
            )
        )
