"""python manage.py undo_supervision_scan [--run ID] [--note TEXT] [--yes] — undo a mistaken scan run."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accountability.scan.undo import undo_scan_run, undoable_runs
from core.commands import in_site_language
from core.errors import RuleViolation
from tasks.services import system_user


class Command(BaseCommand):
    help = (
        "Undo a scan run (default: the latest): the notices it issued are withdrawn (their numbers stay "
        "taken), the warnings it closed are open again, points for the withdrawn notices are reversed, and "
        "each unit concerned gets a correction message. The scan then runs again from the right day. "
        "Without --yes it only lists the runs that can be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, default=None, help="the run's id (default: the latest)")
        parser.add_argument("--note", default="", help="a sentence for the units' correction message")
        parser.add_argument("--yes", action="store_true", help="undo it (without: list the runs only)")

    @in_site_language
    def handle(self, *args, run=None, note="", yes=False, **options):
        runs = undoable_runs().order_by("-created_at", "-pk")
        chosen = runs.filter(pk=run).first() if run else runs.first()
        if chosen is None:
            raise CommandError(_("No scan run %(run)s to undo.") % {"run": run} if run else _("No scan run to undo."))
        if not yes:
            for each in runs[:10]:
                issued = len(each.changes.get("issued", []))
                self.stdout.write(
                    "  "
                    + _("run %(run)s: as of %(day)s, %(issued)d notices issued")
                    % {"run": each.pk, "day": f"{each.day:%Y-%m-%d}", "issued": issued}
                )
            self.stdout.write(
                _("Would undo run %(run)s (as of %(day)s); add --yes to do it.")
                % {"run": chosen.pk, "day": f"{chosen.day:%Y-%m-%d}"}
            )
            return
        try:
            result = undo_scan_run(chosen, acting_user=system_user(), note=note)
        except RuleViolation as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _(
                "Undid run %(run)s as of %(day)s: %(withdrawn)d notices withdrawn, %(reopened)d warnings open "
                "again, %(reversed)d points entries reversed, %(told)d units told."
            )
            % {
                "run": chosen.pk,
                "day": f"{chosen.day:%Y-%m-%d}",
                "withdrawn": result.withdrawn,
                "reopened": result.reopened,
                "reversed": result.reversed_entries,
                "told": result.units_told,
            }
        )
