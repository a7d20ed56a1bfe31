"""``run_bench``: each scale in its own PostgreSQL database, generated once and reused, every
measure taken on it, the lines that compare the scales, one table and ``bench/results.json``.

The databases are named after the one DATABASE_URL names: ``<name>_city`` and ``<name>_province``
(``<name>_tiny`` for the tests). A missing one is created through a connection to the server's
``postgres`` database and migrated; a database whose ``Dataset`` row names the same scale, seed and
generator version is reused as it is, anything else generated again (the generator refuses a
database holding anything but benchmark data).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from tasks.services.kept_judgments import warm_kept_figures

from .generator import VERSION, existing_dataset, generate, tidy_database
from .measure import Result
from .scales import SCALES, TODAY

RESULTS_FILE = Path(__file__).resolve().parent / "results.json"
PROVINCE_TIME_RATIO = 10
REGION_TIME_RATIO = 20  # twenty cities' data: at most twenty times a city's time
# ``--scale`` beyond a single scale: ``both`` as before, ``all`` adds the region (twenty cities).
SCALE_GROUPS = {"both": ("city", "province"), "all": ("city", "province", "region")}


def _measures() -> dict[str, Callable[..., list[Result]]]:
    from .excel import measure_excel
    from .http_load import measure_http
    from .notice_issue import measure_notice_issue
    from .pages import measure_pages
    from .scan import measure_scan

    return {
        "pages": measure_pages,
        "scan": measure_scan,
        "notices": measure_notice_issue,
        # The Excel measures build their own rows (rolled back): the scale only labels them.
        "excel": lambda _scale, **options: measure_excel(**options),
        "http": measure_http,
    }


# Excel last: it writes and rolls back 100,000 rows, which the next scale's tidy_database clears.
MEASURE_NAMES = ("pages", "scan", "notices", "http", "excel")
# Excel builds its own rows (rolled back) and does not depend on the year: measured once, on the first scale.
ONCE = {"excel"}


def database_name(base: str, scale: str) -> str:
    return f"{base}_{scale}"


@contextmanager
def using_database(name: str):
    """Point the default connection at ``name`` for the block (created and migrated if missing)."""
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    connection.close()
    _create_if_missing(name)
    settings_dict["NAME"] = name
    try:
        call_command("migrate", interactive=False, verbosity=0)
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original


def _create_if_missing(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def ensure_data(scale: str, seed: int, log: Callable[[str], None]) -> dict:
    dataset = existing_dataset()
    if dataset and (dataset.scale, dataset.seed, dataset.version) == (scale, seed, VERSION):
        log(f"{scale}: reusing the data generated {dataset.finished_at:%Y-%m-%d %H:%M} (seed {seed})")
        return dataset.counts
    log(f"{scale}: generating (seed {seed}) …")
    return generate(SCALES[scale], seed=seed, log=log)


def run_scale(scale: str, names: Iterable[str], log: Callable[[str], None], **options) -> list[Result]:
    measures = _measures()
    results = []
    tidy_database()
    log(f"{scale}: keeping the judgments of {TODAY} (the night's work after the scan) …")
    warm_kept_figures(TODAY)  # a database generated before they were kept, or changed since
    for name in names:
        log(f"{scale}: {name} …")
        results += measures[name](scale, **options.get(name, {}))
    return results


def compare_scales(
    results: list[Result], small: str = "city", large: str = "province", time_ratio: float = PROVINCE_TIME_RATIO
) -> list[Result]:
    """Query counts equal at both scales; the larger scale's time at most ``time_ratio`` times the smaller's."""
    by_key = {(r.measure, r.scale): r for r in results}
    lines = []
    for result in results:
        if result.scale != large or (result.measure, small) not in by_key:
            continue
        other = by_key[(result.measure, small)]
        if result.measure.endswith(": queries"):
            lines.append(
                Result(
                    f"{result.measure.removesuffix(': queries')}: queries, {large} vs {small}",
                    "both",
                    result.value,
                    "queries",
                    f"{small} scale",
                    other.value,
                    target="equal",
                    met=result.value == other.value,
                )
            )
        elif result.measure.endswith(": server time"):
            ratio = result.value / other.value if other.value else None
            lines.append(
                Result(
                    f"{result.measure}, {large} vs {small}",
                    "both",
                    result.value,
                    "ms",
                    f"{small} scale",
                    other.value,
                    target=f"≤ {time_ratio}×",
                    met=ratio is not None and ratio <= time_ratio,
                )
            )
    return lines


def compare_all_scales(results: list[Result]) -> list[Result]:
    """Province against city, then region against city (the lines of the scales measured)."""
    return compare_scales(results) + compare_scales(results, "city", "region", REGION_TIME_RATIO)


def merged(earlier: list[Result], fresh: list[Result]) -> list[Result]:
    """The earlier lines with those measured again replaced in place (and new ones after them);
    the comparisons of the two scales are left out, to be computed again from the merged lines."""
    by_key = {(r.measure, r.scale): r for r in fresh}
    lines = [by_key.pop((r.measure, r.scale), r) for r in earlier if r.scale != "both"]
    return lines + [r for r in fresh if (r.measure, r.scale) in by_key]


HEADERS = ["measure", "scale", "value", "reference", "ref. value", "ratio", "target", "met"]


def _cells(r: Result) -> list[str]:
    return [
        r.measure,
        r.scale,
        f"{_number(r.value)} {r.unit}",
        r.reference,
        "" if r.reference_value is None else _number(r.reference_value),
        "" if r.ratio is None else f"{r.ratio}×",
        r.target,
        {True: "yes", False: "NO", None: ""}[r.met],
    ]


def markdown_table(results: list[Result]) -> str:
    """The same table for docs/PERFORMANCE.md (``run_bench --markdown FILE`` rewrites it from results.json)."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in _cells(r)) + " |" for r in results]
    return "\n".join(lines)


def table(results: list[Result]) -> str:
    headers = HEADERS
    rows = [_cells(r) for r in results]
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [
        " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in [headers, *rows]
    ]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:,}" if abs(value) >= 1000 else f"{value}"


def read_json(path: Path) -> list[Result]:
    return [
        Result(**{k: v for k, v in line.items() if k != "ratio"}) for line in json.loads(path.read_text())["results"]
    ]


def write_json(results: list[Result], path: Path, *, datasets: dict, seed: int) -> None:
    payload = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": _cpus()},
        "seed": seed,
        "datasets": datasets,
        "results": [result.as_dict() for result in results],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _cpus() -> int | None:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
