"""python manage.py bench_excel [--import-rows 10000] [--export-rows 100000] — Excel timings (rolled back)."""

from django.core.management.base import BaseCommand

from bench.excel import measure_excel


class Command(BaseCommand):
    help = (
        "Time the breakdown-sheet import (at a quarter of --import-rows and at --import-rows) against a bare "
        "openpyxl parse, and a large export against a bare write-only workbook, with peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--import-rows", type=int, default=10000)
        parser.add_argument("--export-rows", type=int, default=100000)

    def handle(self, *args, import_rows, export_rows, **options):
        results = measure_excel(import_rows, export_rows, log=self.stdout.write)
        self.stdout.write("")
        for line in results:
            ratio = f"{line.ratio:.2f}×" if line.ratio is not None else ""
            met = {True: "met", False: "NOT MET", None: ""}[line.met]
            self.stdout.write(
                f"{line.measure:<40} {line.scale:>14} {line.value:>9} {line.unit:<3} "
                f"ref {line.reference_value!s:>8} {ratio:>7}  {line.target:<13} {met:<8} {line.note}"
            )
