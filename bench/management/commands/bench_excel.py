"""python manage.py bench_excel [--import-rows 10000] [--export-rows 100000] — Excel timings (rolled back)."""

from django.core.management.base import BaseCommand

from bench.excel import bench_export, bench_import


class Command(BaseCommand):
    help = "Time the breakdown-sheet import against a bare openpyxl parse, and a large export with its peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--import-rows", type=int, default=10000)
        parser.add_argument("--export-rows", type=int, default=100000)

    def handle(self, *args, import_rows, export_rows, **options):
        if import_rows:
            bench_import(import_rows, self.stdout.write)
        if export_rows:
            bench_export(export_rows, self.stdout.write)
