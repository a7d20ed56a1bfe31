"""The Excel measures as lines of the table: ``bench.excel`` times the import and the export; here
they are set beside their references (the bare openpyxl read-only parse of the same sheet, and a
bare write-only workbook of the same number of cells, timed and traced here) and their targets.
Both run in a rolled-back transaction and do not depend on the benchmark year, so they run once."""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook

from .excel import HEADERS, bench_export, bench_import
from .measure import Result

IMPORT_ROWS = 10000
SMALL_IMPORT_ROWS = 2000  # memory is flat when the 10,000-row import peaks about where this one does
EXPORT_ROWS = 100000
IMPORT_RATIO_TARGET = 2.0
FLAT_MEMORY_RATIO = 1.5
EXPORT_RATIO_TARGET = 1.5
EXPORT_PEAK_MB = 100


def bare_write(path: Path, rows: int, columns: int = len(HEADERS)) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("目标任务分解表")
    sheet.append(HEADERS[:columns])
    fixed = ["副市长", "牵头单位", "配合单位", "王主任", "2018-12-31"]
    quarters = ["一季度", "二季度", "三季度", "四季度", ""]
    for n in range(rows):
        row = [n, f"BENCH-{n:06d}", "政府工作报告", "重点工作", f"第{n}项目标任务", *fixed, n, "亿元", *quarters]
        sheet.append(row[:columns])
    workbook.save(path)


def _bare_write_figures(rows: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        bare_write(Path(folder) / "bare.xlsx", rows)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        try:
            bare_write(Path(folder) / "again.xlsx", rows)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return seconds, peak


def measure_excel(
    scale: str, *, import_rows=IMPORT_ROWS, small_rows=SMALL_IMPORT_ROWS, export_rows=EXPORT_ROWS, log=None
):
    log = log or (lambda _line: None)
    big = bench_import(import_rows, log)
    small = bench_import(small_rows, log) if small_rows else None
    results = [
        Result(
            f"Excel import of {import_rows:,} rows (dry run + save)",
            scale,
            round(big["dry_run"] + big["save"], 2),
            "s",
            "bare openpyxl read-only parse",
            round(big["parse"], 2),
            target=f"≤ {IMPORT_RATIO_TARGET}× parse",
            met=(big["dry_run"] + big["save"]) <= IMPORT_RATIO_TARGET * big["parse"],
            note=f"dry run {big['dry_run']:.2f} s, save {big['save']:.2f} s",
        )
    ]
    if small:
        results.append(
            Result(
                f"Excel import: peak memory of a dry run, {import_rows:,} rows",
                scale,
                round(big["peak_dry_run_mb"], 1),
                "MB",
                f"the same for {small_rows:,} rows",
                round(small["peak_dry_run_mb"], 1),
                target=f"≤ {FLAT_MEMORY_RATIO}× (flat)",
                met=big["peak_dry_run_mb"] <= FLAT_MEMORY_RATIO * small["peak_dry_run_mb"],
            )
        )
    exported = bench_export(export_rows, log)
    bare_seconds, bare_peak = _bare_write_figures(export_rows)
    results += [
        Result(
            f"Excel export of {export_rows:,} rows",
            scale,
            round(exported["export"], 2),
            "s",
            "bare write-only workbook, same rows",
            round(bare_seconds, 2),
            target=f"≤ {EXPORT_RATIO_TARGET}× bare",
            met=exported["export"] <= EXPORT_RATIO_TARGET * bare_seconds,
        ),
        Result(
            f"Excel export of {export_rows:,} rows: peak memory",
            scale,
            round(exported["peak_export_mb"], 1),
            "MB",
            "bare write-only workbook, same rows",
            round(bare_peak, 1),
            target=f"< {EXPORT_PEAK_MB} MB",
            met=exported["peak_export_mb"] < EXPORT_PEAK_MB,
        ),
    ]
    return results
