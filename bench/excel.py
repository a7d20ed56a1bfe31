"""Excel benchmarks (``python manage.py bench_excel``, and ``measure_excel`` for ``make bench``).

- Import of a breakdown sheet (2,500 and 10,000 rows) as an office's software stores it: written by
  openpyxl, then opened and saved again by LibreOffice (shared strings and styles, as Excel and WPS
  store them). The first import into an empty year (dry run and save, as ``import_targets`` does) and
  the re-import of the same sheet (which changes nothing), each against two bare parses of the same
  file: openpyxl's read-only parse (the target's reference) and python-calamine's (the reader the
  importer uses); and the import's peak memory, which may grow only with the rows kept for the
  all-or-nothing save.
- Export of 100,000 rows against a bare write-only workbook of the same cells: time and peak memory.

Everything runs inside a transaction that is rolled back, on whatever database DATABASE_URL names:
the benchmark units, leaders and targets never stay behind. Peak memory is tracemalloc's (Python
allocations), measured in a run of its own because tracing slows the code it watches.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import python_calamine
from django.db import connection, transaction
from openpyxl import Workbook, load_workbook
from simple_history.utils import get_history_model_for_model

from core.excel_writer import write_xlsx
from tasks import services
from tasks.choices import AssignmentRole, Source, TargetType, UnitKind
from tasks.excel.exporters import BreakdownExporter
from tasks.excel.layout import SOURCE_NAMES, TYPE_NAMES
from tasks.excel.plan import plan_import
from tasks.models import Assignment, Leader, Milestone, Target, Unit

from .libreoffice import convert
from .measure import Result

PREFIX = "BENCHX"
REPEAT = 3  # import runs per size (medians reported)
HEADERS = [
    "序号", "编号", "目标来源", "任务类型", "目标任务", "责任市领导", "牵头单位", "配合单位", "责任人",
    "完成时限", "年度目标值", "计量单位", "一季度", "二季度", "三季度", "四季度", "备注",
]  # fmt: skip
DEADLINES = ["年底前", "2018年6月底前", "三季度末", "10月31日前", "上半年"]


class Rollback(Exception):
    pass


def _units_and_leaders(count: int = 40) -> tuple[list[Unit], list[Leader]]:
    units = Unit.objects.bulk_create(
        [Unit(name=f"{PREFIX}单位{n:03d}", kind=UnitKind.COUNTY, sort_order=n) for n in range(count)]
    )
    leaders = Leader.objects.bulk_create([Leader(post=f"{PREFIX}副市长{n}") for n in range(6)])
    return units, leaders


def write_sheet(path: Path, rows: int, units: list[Unit], leaders: list[Leader], seed: int = 2018) -> None:
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("目标任务分解表")
    sheet.append(["驻马店市2018年目标任务分解表"])
    sheet.append(HEADERS)
    sources, types = [v[0] for v in SOURCE_NAMES.values()], [v[0] for v in TYPE_NAMES.values()]
    for n in range(1, rows + 1):
        co = rng.sample(units[1:], 3)
        indicator = n % 3 == 0
        value = rng.randint(10, 5000) if indicator else None
        sheet.append([
            str(n), f"{PREFIX}-{n:05d}", rng.choice(sources), types[0] if indicator else rng.choice(types[1:]),
            f"第{n}项目标任务：推进重点项目建设", rng.choice(leaders).post, units[n % 7].name,
            "、".join(u.name for u in co if u != units[n % 7]), "王主任", rng.choice(DEADLINES),
            value, "亿元" if indicator else None,
            *( [value * q // 4 for q in (1, 2)] + [None, None] if indicator else ["完成方案", None, None, None]),
            "备注" if n % 5 == 0 else None,
        ])  # fmt: skip
    workbook.save(path)


def _seconds(function: Callable) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def bare_parse(path: Path) -> int:
    """openpyxl's read-only parse of every cell: the reference the import's target is set against."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for row in workbook.active.iter_rows(values_only=True) for value in row if value is not None)
    workbook.close()
    return cells


def bare_calamine_parse(path: Path) -> int:
    """python-calamine's parse of every cell: the floor of the importer's own reading."""
    with path.open("rb") as handle:
        workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    cells = sum(1 for row in workbook.get_sheet_by_index(0).iter_rows() for value in row if value != "")
    workbook.close()
    return cells


def office_sheet(path: Path, rows: int, units: list[Unit], leaders: list[Leader]) -> Path:
    """The benchmark sheet as office software stores it: written here, saved again by LibreOffice."""
    source = path.with_name(f"source-{path.name}")
    write_sheet(source, rows, units, leaders)
    saved = convert(source, "xlsx", path.parent / "libreoffice")
    saved.replace(path)
    return path


def peak_memory(function: Callable) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rolled_back(function: Callable) -> object:
    """Run ``function`` in a savepoint that is rolled back, and return its result."""
    outcome = {}
    try:
        with transaction.atomic():
            outcome["value"] = function()
            raise Rollback
    except Rollback:
        pass
    return outcome["value"]


def _import(path: Path, user) -> tuple[float, float, object]:
    """``import_targets`` without the printing: the dry run, then the save. Returns both times and the plan."""
    dry_run, plan = _seconds(lambda: plan_import(path, path.name, year=2018, acting_user=user))
    if not plan.is_valid:  # the benchmark's own sheet: a problem here is a bug in the generator or the importer
        raise RuntimeError([str(problem) for problem in plan.problems[:5]])
    save, _result = _seconds(lambda: _save_and_check_constraints(plan, user))
    return dry_run, save, plan


def _save_and_check_constraints(plan, user) -> None:
    """The save as the import commits it. Inside the benchmark's rolled-back transaction nothing commits,
    so the foreign keys' deferred checks, which a commit runs, are run here."""
    services.import_breakdown(plan, acting_user=user)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _columns(model, *, skip=()) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key and f.column not in skip]


def _history_sql(model, source: str, *, user_id: int) -> str:
    """INSERT … SELECT of a ``+`` history row for every row of ``source`` (a FROM clause, aliased x)."""
    history = get_history_model_for_model(model)
    tracked = [f.column for f in history.tracked_fields]
    return (
        f"INSERT INTO {history._meta.db_table} ({', '.join(tracked)}, history_date, history_change_reason, "
        f"history_type, history_user_id) SELECT {', '.join('x.' + c for c in tracked)}, now(), 'floor', '+', "
        f"{int(user_id)} FROM {source}"
    )


def sql_floor(user) -> float:
    """The database's own cost of the first import's rows: the year just imported (2018) copied into 2019
    by INSERT … SELECT alone — targets, links, plan nodes and a history row each — and the foreign-key
    checks a commit runs. No Python touches a row; the save cannot be cheaper than this."""
    if connection.vendor != "postgresql":
        return 0.0
    target_columns = _columns(Target, skip={"year", "parent_id"})
    link_columns = _columns(Assignment, skip={"target_id"})
    node_columns = _columns(Milestone, skip={"assignment_id"})
    statements = [
        f"INSERT INTO tasks_target (year, {', '.join(target_columns)}) "
        f"SELECT 2019, {', '.join(target_columns)} FROM tasks_target WHERE year = 2018",
        _history_sql(Target, "tasks_target x WHERE x.year = 2019", user_id=user.pk),
        f"INSERT INTO tasks_assignment (target_id, {', '.join(link_columns)}) "
        f"SELECT t2.id, {', '.join('a.' + c for c in link_columns)} FROM tasks_assignment a "
        "JOIN tasks_target t1 ON t1.id = a.target_id AND t1.year = 2018 "
        "JOIN tasks_target t2 ON t2.year = 2019 AND t2.code = t1.code",
        _history_sql(Assignment, "tasks_assignment x JOIN tasks_target t ON t.id = x.target_id AND t.year = 2019",
                     user_id=user.pk),
        f"INSERT INTO tasks_milestone (assignment_id, {', '.join(node_columns)}) "
        f"SELECT a2.id, {', '.join('m.' + c for c in node_columns)} FROM tasks_milestone m "
        "JOIN tasks_assignment a1 ON a1.id = m.assignment_id JOIN tasks_target t1 ON t1.id = a1.target_id "
        "AND t1.year = 2018 JOIN tasks_target t2 ON t2.year = 2019 AND t2.code = t1.code "
        "JOIN tasks_assignment a2 ON a2.target_id = t2.id AND a2.unit_id = a1.unit_id",
        _history_sql(Milestone, "tasks_milestone x JOIN tasks_assignment a ON a.id = x.assignment_id "
                     "JOIN tasks_target t ON t.id = a.target_id AND t.year = 2019", user_id=user.pk),
        "SET CONSTRAINTS ALL IMMEDIATE",
        "SET CONSTRAINTS ALL DEFERRED",
    ]  # fmt: skip

    def run():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return _seconds(run)[0]


def bench_import(rows: int, log=print) -> dict:
    """Times (s) and peak memory (MB) of importing a ``rows``-row sheet, and of the bare parse."""
    user = services.system_user()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"

        def measure():
            units, leaders = _units_and_leaders()
            office_sheet(path, rows, units, leaders)
            analyze()
            log(f"Import of a {rows:,}-row sheet saved by LibreOffice ({path.stat().st_size / 1024:.0f} KB):")
            parses = [_seconds(lambda: bare_parse(path))[0] for _ in range(2)]
            calamine_parses = [_seconds(lambda: bare_calamine_parse(path))[0] for _ in range(2)]
            runs: list[dict] = []

            def first_and_again():
                run = {}
                run["dry_run"], run["save"], _plan = _import(path, user)
                analyze()
                run["floor"] = _rolled_back(lambda: sql_floor(user))
                run["reimport_dry_run"], run["reimport_save"], again = _import(path, user)
                counts = again.counts()
                if counts["unchanged"] != rows:  # the same sheet must change nothing
                    raise RuntimeError(f"the re-import would change rows: {counts}")
                runs.append(run)

            for _ in range(REPEAT):  # a shared machine: medians of runs interleaved with the reference's
                _rolled_back(first_and_again)
                parses.append(_seconds(lambda: bare_parse(path))[0])
                calamine_parses.append(_seconds(lambda: bare_calamine_parse(path))[0])
            figures["parse"] = statistics.median(parses)
            figures["calamine_parse"] = statistics.median(calamine_parses)
            for key in runs[0]:
                figures[key] = statistics.median(run[key] for run in runs)
            figures["peak_parse_mb"] = peak_memory(lambda: bare_parse(path)) / 2**20
            figures["peak_import_mb"] = _rolled_back(lambda: peak_memory(lambda: _import(path, user))) / 2**20

        _rolled_back(measure)
    figures["import"] = figures["dry_run"] + figures["save"]
    figures["reimport"] = figures["reimport_dry_run"] + figures["reimport_save"]
    parse = figures["parse"]
    for label, key in [
        ("bare openpyxl read-only parse", "parse"),
        ("bare python-calamine parse", "calamine_parse"),
        ("first import: dry run", "dry_run"),
        ("first import: save", "save"),
        ("  the same rows by SQL alone (the floor)", "floor"),
        ("re-import of the same sheet: dry run", "reimport_dry_run"),
        ("re-import of the same sheet: save", "reimport_save"),
    ]:
        log(f"  {label:<46} {figures[key]:8.2f} s  {figures[key] / parse:5.2f}×")
    log(f"  first import / bare parse: {figures['import'] / parse:.2f}×; re-import: {figures['reimport'] / parse:.2f}×")
    log(f"  first import / bare calamine parse: {figures['import'] / figures['calamine_parse']:.2f}×")
    log(f"  peak memory: import {figures['peak_import_mb']:.1f} MB, bare parse {figures['peak_parse_mb']:.1f} MB")
    return figures


def analyze() -> None:
    """Fresh planner statistics for the rows the benchmark just wrote, as autovacuum keeps them for real
    data (without them Postgres plans sequential scans for a table it believes nearly empty)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tasks_target, tasks_assignment, tasks_milestone, tasks_unit, tasks_leader")


def _export_data(rows: int) -> None:
    units, leaders = _units_and_leaders()
    start = dt.date(2018, 1, 1)
    targets = [
        Target(year=2018, code=f"{PREFIX}-{n:06d}", title=f"第{n}项目标任务", source=Source.WORK_REPORT,
               target_type=TargetType.TASK, leader=leaders[n % 6], start_date=start,
               deadline=dt.date(2018, 12, 31))
        for n in range(rows)
    ]  # fmt: skip
    Target.objects.bulk_create(targets, batch_size=5000)
    Assignment.objects.bulk_create(
        [Assignment(target=t, unit=units[i % 40], role=AssignmentRole.LEAD, deadline=t.deadline,
                    responsible_person="王主任") for i, t in enumerate(targets)], batch_size=5000,
    )  # fmt: skip
    analyze()


def bare_write(rows: Iterable[list], path: Path) -> None:
    """The reference: the same cells appended to a write-only workbook, nothing else."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("目标任务分解表")
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _pickled_rows(source: Path) -> Iterator[list]:
    with source.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


def bare_write_from(source: Path, path: Path) -> None:
    bare_write(_pickled_rows(source), path)


def _cells_file(folder: Path) -> Path:
    """The export's cells, pickled row by row: the bare reference reads them back one row at a time."""
    exporter = BreakdownExporter(year=2018, user=None)
    path = folder / "cells.pickle"
    with path.open("wb") as handle:
        for row in [[exporter.title()], exporter.headers(), *exporter.rows()]:
            pickle.dump(row, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def bench_export(rows: int, log=print) -> dict:
    """Time (s) and peak memory (MB) of exporting ``rows`` targets, and of the bare write-only workbook of
    the same cells (its time with the cells in memory; its memory with the cells read one row at a time
    from a file, since cells already in memory would hide the workbook's own allocations)."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)

        def measure():
            _export_data(rows)
            log(f"Export of {rows:,} targets:")
            export = lambda: write_xlsx(BreakdownExporter(year=2018, user=None), folder / "export.xlsx")  # noqa: E731
            cells_file = _cells_file(folder)
            figures["peak_export_mb"] = peak_memory(export) / 2**20
            figures["peak_bare_mb"] = peak_memory(lambda: bare_write_from(cells_file, folder / "bare.xlsx")) / 2**20
            cells = list(_pickled_rows(cells_file))
            exports, bares = [], []
            for _ in range(REPEAT):  # a shared machine: medians of interleaved runs
                exports.append(_seconds(export)[0])
                bares.append(_seconds(lambda: bare_write(cells, folder / "bare.xlsx"))[0])
            figures["export"], figures["bare"] = statistics.median(exports), statistics.median(bares)
            figures["file_mb"] = (folder / "export.xlsx").stat().st_size / 2**20

        _rolled_back(measure)
    for label, key in [("bare write-only workbook of the same cells", "bare"), ("export", "export")]:
        log(f"  {label:<46} {figures[key]:8.2f} s  {figures[f'peak_{key}_mb']:6.1f} MB")
    log(f"  export / bare: {figures['export'] / figures['bare']:.2f}×; file {figures['file_mb']:.1f} MB")
    return figures


def _ms(milliseconds: float) -> float:
    """Three significant digits at least: a 15-row sheet parses in a few milliseconds, and a reference
    rounded to 0 would judge nothing."""
    return round(milliseconds, 2 if milliseconds < 10 else 1)


def measure_excel(rows: int = 10000, export_rows: int = 100000, log=print) -> list[Result]:
    """The Excel lines of the benchmark table (import at a quarter of ``rows`` and at ``rows``; export)."""
    results: list[Result] = []
    sizes = sorted({max(1, rows // 4), rows}) if rows else []
    per_row_kb = {}
    for size in sizes:
        figures = {key: value * 1000 if not key.startswith("peak") else value
                   for key, value in bench_import(size, log).items()}  # fmt: skip  # times in ms
        scale = f"{size:,} rows"
        parse, calamine = figures["parse"], figures["calamine_parse"]
        reference = "bare openpyxl read-only parse"
        for measure, key in [("Excel import, first (dry run + save)", "import"),
                             ("Excel re-import of the same sheet", "reimport")]:  # fmt: skip
            results.append(
                Result(measure, scale, _ms(figures[key]), "ms", reference, _ms(parse), target="≤ 2×",
                       met=figures[key] <= 2 * parse,
                       note=f"{figures[key] / calamine:.1f}× the bare python-calamine parse ({_ms(calamine)} ms)")
            )  # fmt: skip
        results.append(
            Result("Excel import: bare python-calamine parse", scale, _ms(calamine), "ms", reference, _ms(parse),
                   note="the reader the importer uses, against openpyxl's read-only parse")
        )  # fmt: skip
        results.append(Result("Excel import: dry run", scale, _ms(figures["dry_run"]), "ms", reference, _ms(parse)))
        results.append(
            Result("Excel import: save (first import)", scale, _ms(figures["save"]), "ms", reference,
                   _ms(parse), note="every row, its history row and the commit's foreign-key checks")
        )  # fmt: skip
        if figures["floor"]:
            results.append(
                Result("Excel import: save vs SQL alone", scale, _ms(figures["save"]), "ms",
                       "the same rows by SQL alone", _ms(figures["floor"]),
                       note="INSERT … SELECT of the imported year, history rows and FK checks: no Python")
            )  # fmt: skip
        per_row_kb[size] = figures["peak_import_mb"] * 1024 / size
        results.append(
            Result("Excel import: peak memory", scale, round(figures["peak_import_mb"], 1), "MB",
                   "bare parse peak", round(figures["peak_parse_mb"], 1),
                   note=f"{per_row_kb[size]:.1f} KB per row kept for the all-or-nothing save (Python allocations: "
                        "python-calamine's own buffer of the sheet is outside tracemalloc's view)")
        )  # fmt: skip
    if len(per_row_kb) == 2:
        small, large = (per_row_kb[size] for size in sizes)
        results[-1].target = "flat per row"
        results[-1].met = large <= small * 1.15
    if export_rows:
        figures = bench_export(export_rows, log)
        scale = f"{export_rows:,} rows"
        reference = "bare write-only workbook"
        results.append(
            Result("Excel export", scale, round(figures["export"], 2), "s", reference, round(figures["bare"], 2),
                   target="≤ 1.5×", met=figures["export"] <= 1.5 * figures["bare"])
        )  # fmt: skip
        results.append(
            Result("Excel export: peak memory", scale, round(figures["peak_export_mb"], 1), "MB", reference,
                   round(figures["peak_bare_mb"], 1), target="< 100 MB", met=figures["peak_export_mb"] < 100)
        )  # fmt: skip
    return results
