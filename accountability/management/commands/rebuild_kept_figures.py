"""python manage.py rebuild_kept_figures — recompute the bookkeeping the services keep.

The services keep two small tables as they write: the days of each year's progress (the
dashboard's weekly trend) and each unit's points by month (the rankings). A load that bypasses the
services (the benchmark generator's bulk inserts, a restore of some tables) must run this after.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.commands import in_site_language
from tasks.services.year_progress import rebuild_year_progress

from ...services.points import rebuild_unit_month_points


class Command(BaseCommand):
    help = "Recompute the dashboard's year progress days and the units' points by month from the ledger."

    @in_site_language
    def handle(self, *args, **options):
        days = rebuild_year_progress()
        months = rebuild_unit_month_points()
        self.stdout.write(
            self.style.SUCCESS(
                _("%(days)d days of year progress, %(months)d unit months of points.")
                % {"days": days, "months": months}
            )
        )
