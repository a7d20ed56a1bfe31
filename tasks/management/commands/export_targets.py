"""python manage.py export_targets FILE --year 2018 — the breakdown sheet, in the layout import reads."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.excel_writer import write_xlsx
from tasks.excel.exporters import BreakdownExporter


class Command(BaseCommand):
    help = "Export a year's breakdown sheet (目标任务分解表) to an .xlsx that import_targets reads back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, default=None, help="default: this year")

    def handle(self, *args, **options):
        year = options["year"] or clock.today().year
        with translation.override(settings.LANGUAGE_CODE):
            count = write_xlsx(BreakdownExporter(year=year, user=None), str(options["file"]))
            self.stdout.write(_("%(count)d targets written to %(file)s.") % {"count": count, "file": options["file"]})
