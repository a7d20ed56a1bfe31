"""Excel benchmarks (``python manage.py bench_excel``): the import of a 10,000-row breakdown sheet
against a bare openpyxl read-only parse of the same file, and the export of 100,000 rows with its
time and peak memory.

Everything runs inside a transaction that is rolled back, on whatever database DATABASE_URL names:
the benchmark units, leaders and targets never stay behind.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from openpyxl import Workbook, load_workbook

from tasks import services
from tasks.choices import AssignmentRole, Source, TargetType, UnitKind
from tasks.excel.exporters import BreakdownExporter
from tasks.excel.layout import SOURCE_NAMES, TYPE_NAMES
from tasks.excel.plan import plan_import
from tasks.excel.writer import write_xlsx
from tasks.models import Assignment, Leader, Target, Unit

PREFIX = "BENCHX"
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


def timed(label: str, function: Callable, log) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    log(f"  {label:<44} {elapsed:8.2f} s")
    return elapsed, result


def bare_parse(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for row in workbook.active.iter_rows(values_only=True) for value in row if value is not None)
    workbook.close()
    return cells


def peak_memory(function: Callable) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_import(rows: int, log) -> dict:
    user = services.system_user()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        try:
            with transaction.atomic():
                units, leaders = _units_and_leaders()
                write_sheet(path, rows, units, leaders)
                log(f"Import of a {rows:,}-row sheet ({path.stat().st_size / 1024:.0f} KB):")

                def dry_run():
                    return plan_import(path, path.name, year=2018, acting_user=user)

                results["parse"], _cells = timed("bare openpyxl read-only parse", lambda: bare_parse(path), log)
                results["dry_run"], plan = timed("dry run (read, check, plan)", dry_run, log)
                assert plan.is_valid, [str(p) for p in plan.problems[:5]]
                save = lambda: services.import_breakdown(plan, acting_user=user)  # noqa: E731
                results["save"], _ = timed("save (one transaction)", save, log)
                results["reimport"], again = timed("dry run of the same sheet again", dry_run, log)
                assert again.counts()["unchanged"] == rows
                results["peak_dry_run_mb"] = peak_memory(dry_run) / 2**20
                log(f"  peak memory of a dry run (tracemalloc)          {results['peak_dry_run_mb']:8.1f} MB")
                ratio = results["dry_run"] / results["parse"]
                total = (results["dry_run"] + results["save"]) / results["parse"]
                log(f"  dry run / bare parse: {ratio:.2f}×; dry run + save / bare parse: {total:.2f}×")
                raise Rollback
        except Rollback:
            pass
    return results


def bench_export(rows: int, log) -> dict:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        try:
            with transaction.atomic():
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
                    [Assignment(target=t, unit=units[i % 40], role=AssignmentRole.LEAD, deadline=t.deadline)
                     for i, t in enumerate(targets)], batch_size=5000,
                )  # fmt: skip
                del targets
                log(f"Export of {rows:,} targets:")
                path = Path(folder) / "export.xlsx"
                results["export"], _ = timed(
                    "write-only export", lambda: write_xlsx(BreakdownExporter(year=2018, user=None), path), log
                )
                results["peak_export_mb"] = (
                    peak_memory(
                        lambda: write_xlsx(BreakdownExporter(year=2018, user=None), Path(folder) / "again.xlsx")
                    )
                    / 2**20
                )
                log(f"  peak memory of the export (tracemalloc)         {results['peak_export_mb']:8.1f} MB")
                log(f"  file size                                        {path.stat().st_size / 2**20:8.1f} MB")
                raise Rollback
        except Rollback:
            pass
    return results
