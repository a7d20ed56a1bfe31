"""python manage.py run_bench [--scale city|province|region|both|all] [--only pages,scan,notices,excel,http] [--seed N]

What ``make bench`` runs: see ``bench/run.py`` for the databases and docs/PERFORMANCE.md for the measures.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.generator import NotABenchDatabase
from bench.http_load import HttpUnavailable
from bench.run import (
    MEASURE_NAMES,
    ONCE,
    RESULTS_FILE,
    SCALE_GROUPS,
    compare_all_scales,
    database_name,
    ensure_data,
    markdown_table,
    merged,
    read_json,
    run_scale,
    table,
    using_database,
    write_json,
)
from bench.scales import SCALES


class Command(BaseCommand):
    help = (
        "Generate (once) and measure the benchmark year at city, province and region scale; print a table, write JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=[*sorted(SCALES), *SCALE_GROUPS],
            default="all",
            help="all (make bench): city, province and region (twenty cities); both: city and province",
        )
        parser.add_argument("--only", default=",".join(MEASURE_NAMES), help="comma-separated measures")
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--output", default=str(RESULTS_FILE), help="where the JSON goes")
        parser.add_argument(
            "--update",
            action="store_true",
            help="merge into the existing JSON: the lines measured now replace theirs, the others stay",
        )
        parser.add_argument(
            "--http-seconds", type=float, default=None, help="seconds of load at each rate of the HTTP measure"
        )
        parser.add_argument(
            "--markdown", action="store_true", help="measure nothing: print the JSON's table as Markdown (for docs)"
        )

    def handle(self, *args, scale, only, seed, output, markdown=False, update=False, http_seconds=None, **options):
        if markdown:
            self.stdout.write(markdown_table(read_json(Path(output))))
            return
        names = [name.strip() for name in only.split(",") if name.strip()]
        unknown = set(names) - set(MEASURE_NAMES)
        if unknown:
            raise CommandError(
                f"Unknown measures: {', '.join(sorted(unknown))}; choose from {', '.join(MEASURE_NAMES)}"
            )
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL: set DATABASE_URL, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/zmd_bench make bench"
            )
        scales = list(SCALE_GROUPS.get(scale, [scale]))
        measure_options = {"http": {"seconds": http_seconds}} if http_seconds else {}
        base = connection.settings_dict["NAME"]
        results, datasets, done_once = [], {}, set()
        for name in scales:
            database = database_name(base, name)
            with using_database(database):
                try:
                    datasets[name] = {"database": database, **ensure_data(name, seed, self.stdout.write)}
                except NotABenchDatabase as error:
                    raise CommandError(f"{database}: {error}") from error
                todo = [n for n in names if n not in ONCE or n not in done_once]
                try:
                    results += run_scale(name, todo, self.stdout.write, **measure_options)
                except HttpUnavailable as error:
                    raise CommandError(f"HTTP measure: {error}") from error
                done_once.update(n for n in todo if n in ONCE)
        if update and Path(output).exists():
            results = merged(read_json(Path(output)), results)
        results += compare_all_scales(results)
        self.stdout.write("")
        self.stdout.write(table(results))
        write_json(results, Path(output), datasets=datasets, seed=seed)
        met = [r for r in results if r.met is not None]
        missed = [r for r in met if not r.met]
        self.stdout.write(f"\n{len(met) - len(missed)} of {len(met)} targets met; results in {output}")
