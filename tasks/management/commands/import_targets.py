"""python manage.py import_targets FILE --year 2018 [--dry-run] — the breakdown sheet from the shell."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from tasks import services
from tasks.excel.plan import plan_import
from tasks.excel.reader import FileRefused, SheetChoiceNeeded
from tasks.excel.report import report_lines


class Command(BaseCommand):
    help = (
        "Import a breakdown sheet (目标任务分解表: .xlsx, .xlsm, .xls or .ods). Prints what each row would create "
        "or change and every problem; saves all rows or none. Exits non-zero when the file is refused or a row "
        "has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, help="the year of the targets (default: from the sheet's title)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")
        parser.add_argument("--as-user", help="the person the history names (default: the system user)")
        parser.add_argument("--sheet", help="the sheet to read, when several hold a breakdown table")
        parser.add_argument(
            "--include-hidden", action="store_true", help="read hidden rows too (by default they are left out)"
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            return self._handle(options)

    def _handle(self, options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = services.system_user()
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(_("No such user: %(name)s") % {"name": options["as_user"]})
        try:
            plan = plan_import(
                path, path.name, year=options["year"], acting_user=user, sheet=options["sheet"],
                include_hidden=options["include_hidden"],
            )  # fmt: skip
        except SheetChoiceNeeded as refused:
            raise CommandError(f"{refused} " + _("Name it with --sheet NAME.")) from None
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        for line in report_lines(plan.report()):
            self.stdout.write(line)
        if not plan.is_valid:
            raise CommandError(_("%(count)d problem(s) found; nothing was saved.") % {"count": len(plan.problems)})
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was saved."))
            return
        try:
            result = services.import_breakdown(plan, acting_user=user)
        except services.RuleViolation as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Saved: %(created)d created, %(updated)d changed, %(unchanged)d unchanged.") % result.as_dict()
            )
        )
