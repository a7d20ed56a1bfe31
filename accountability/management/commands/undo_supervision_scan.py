"""python manage.py undo_supervision_scan [--run ID] [--note TEXT] [--yes] — undo a mistaken scan run."""

from django.core.management.base import BaseCommand, CommandError

from accountability.scan.undo import undo_scan_run, undoable_runs
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

    def handle(self, *args, run=None, note="", yes=False, **options):
        runs = undoable_runs().order_by("-created_at", "-pk")
        chosen = runs.filter(pk=run).first() if run else runs.first()
        if chosen is None:
            raise CommandError(f"No scan run {run} to undo." if run else "No scan run to undo.")
        if not yes:
            for each in runs[:10]:
                issued = len(each.changes.get("issued", []))
                self.stdout.write(f"  run {each.pk}: as of {each.day:%Y-%m-%d}, {issued} notices issued")
            self.stdout.write(f"Would undo run {chosen.pk} (as of {chosen.day:%Y-%m-%d}); add --yes to do it.")
            return
        try:
            result = undo_scan_run(chosen, acting_user=system_user(), note=note)
        except RuleViolation as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Undid run {chosen.pk} as of {chosen.day:%Y-%m-%d}: {result.withdrawn} notices withdrawn, "
            f"{result.reopened} warnings open again, {result.reversed_entries} points entries reversed, "
            f"{result.units_told} units told."
        )
