"""python manage.py rebuild_kept_figures — recompute the bookkeeping the services keep.

The services keep small tables as they write: the days of each year's progress (the
dashboard's weekly trend, the city's and each leader post's), each unit's points by month (the
rankings), each unit's completion today and at last month's end (the rankings' tie-break and
rank change) and each assignment's judgment on those days (every page's states and colours);
PostgreSQL tallies the notices and keeps each assignment's latest filed report itself (triggers),
both computed afresh here too. A
load that bypasses the services (the benchmark generator's bulk inserts, a restore of some
tables) must run this after.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.commands import in_site_language
from tasks.services import held_reports
from tasks.services.kept_judgments import rebuild_kept_judgments
from tasks.services.unit_completion import rebuild_unit_completion
from tasks.services.year_progress import rebuild_year_progress

from ...services import notice_tally
from ...services.points import rebuild_unit_month_points


class Command(BaseCommand):
    help = "Recompute the dashboard's year progress days, the units' points by month and their completion."

    @in_site_language
    def handle(self, *args, **options):
        days = rebuild_year_progress()
        months = rebuild_unit_month_points()
        completions = rebuild_unit_completion()
        judgments = rebuild_kept_judgments()
        notices = notice_tally.rebuild()
        reports = held_reports.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                _("%(days)d days of year progress, %(months)d unit months of points.")
                % {"days": days, "months": months}
            )
        )
        self.stdout.write(_("%(rows)d units' completion by day.") % {"rows": completions})
        self.stdout.write(_("%(rows)d assignments' judgments by day.") % {"rows": judgments})
        self.stdout.write(_("%(rows)d notices tallied.") % {"rows": notices})
        self.stdout.write(_("%(rows)d assignments' latest filed report.") % {"rows": reports})
