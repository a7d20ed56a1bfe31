"""The daily warning scan: assignments judged per second, as beat runs it (every rule, rolled back
afterwards), beside the same rules as a per-row loop over the ORM on a sample (the naive
implementation) and beside one bare set-based SQL statement that computes every assignment's colour."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import override_settings

from accountability.choices import NoticeKind
from accountability.models import InboxMessage, Notice, SupervisionRules, SupervisionRun
from accountability.scan import run_scan
from tasks.choices import FILED_REPORT_STATUSES, OPEN_ASSIGNMENT_STATUSES, WarningLevel
from tasks.models import Assignment, UnitFiguresStamp
from tasks.models.changes import ChangeCount

from .measure import Result, median_seconds, run_sql
from .scales import TODAY

SCAN_RATE_TARGET = 50000  # assignments per second at province scale
LOOP_RATIO_TARGET = 20
LOOP_SAMPLE = 300
_OPEN = ", ".join(f"'{status}'" for status in OPEN_ASSIGNMENT_STATUSES)
_FILED = ", ".join(f"'{status}'" for status in FILED_REPORT_STATUSES)


def open_assignments() -> int:
    return Assignment.objects.filter(status__in=OPEN_ASSIGNMENT_STATUSES).count()


# The tables a scan writes. A rolled-back night leaves its rows dead in them, and so does every
# sample before the timed one; production's committed nights leave only the old versions of what
# they updated, which autovacuum clears within minutes (it is off on the benchmark machines).
SCAN_TABLES = (Notice, Notice.history.model, InboxMessage, Assignment, SupervisionRun, UnitFiguresStamp, ChangeCount)


def vacuum_scan_tables() -> None:
    """``VACUUM ANALYZE`` the scan's tables, as autovacuum leaves them at rest before a night (untimed).
    Without it each sample ran on the dead rows of all the samples before it: a province night took
    3.4 s after a vacuum and 4.1 s two rolled-back nights later. Skipped inside a transaction (the
    tests) and on SQLite."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in SCAN_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {tables}")


def scan_once(day: dt.date = TODAY) -> None:
    """One full scan as of ``day``, all its writes rolled back."""
    with override_settings(ZMD_TODAY=day):
        run_scan(day, dry_run=True)


def daily_scan_seconds(day: dt.date = TODAY, repeat: int = 3) -> tuple[float, int]:
    """The nightly scan as beat runs it: the day after the previous day's scan, so that it issues
    only what changed overnight. Each sample scans ``day - 1`` (untimed), then times ``day``; all
    rolled back. (``scan_once`` on the freshly loaded year instead re-issues every warning whose
    colour the generator judged otherwise: a first run, not a night.) Returns the median seconds
    and how many notices the timed night issued."""
    samples = []
    for _ in range(repeat):
        vacuum_scan_tables()
        with transaction.atomic():
            with override_settings(ZMD_TODAY=day - dt.timedelta(days=1)):
                run_scan(day - dt.timedelta(days=1))
            started = time.perf_counter()
            with override_settings(ZMD_TODAY=day):
                result = run_scan(day)
            samples.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return statistics.median(samples), len(result.issued)


def naive_loop(sample: int = LOOP_SAMPLE, day: dt.date = TODAY) -> None:
    """The rules one assignment at a time through the ORM: what the scan would be without set-based queries."""
    rules = SupervisionRules.current()
    for assignment in Assignment.objects.filter(status__in=OPEN_ASSIGNMENT_STATUSES).order_by("pk")[:sample]:
        target = assignment.target
        last = (
            assignment.reports.filter(status__in=FILED_REPORT_STATUSES, period_end__lte=day)
            .order_by("-period_end")
            .first()
        )
        node = assignment.milestones.filter(due_date__lte=day).order_by("-due_date").first()
        warning = Notice.objects.open_warnings().filter(assignment=assignment).first()
        lag = (node.planned_percent if node else Decimal(0)) - (last.progress_percent if last else Decimal(0))
        if assignment.deadline < day or lag > rules.red_lag_points:
            level = WarningLevel.RED
        elif lag >= rules.yellow_lag_points or (last is None and target.start_date < day):
            level = WarningLevel.YELLOW
        else:
            level = WarningLevel.GREEN
        _decision = (level, warning.level if warning else None)


def set_based_sql(day: dt.date = TODAY) -> list[str]:
    """Every open assignment's colour in one statement: the plan node, the latest filed report, the open warning."""
    return [
        "SELECT a.id, CASE WHEN a.deadline < %(day)s THEN 3 "
        "WHEN COALESCE(n.planned_percent, 0) - COALESCE(r.progress_percent, 0) > 30 THEN 3 "
        "WHEN COALESCE(n.planned_percent, 0) - COALESCE(r.progress_percent, 0) >= 10 OR r.id IS NULL THEN 1 "
        "ELSE 0 END AS level, w.id, w.level "
        "FROM tasks_assignment a "
        "LEFT JOIN LATERAL (SELECT m.planned_percent FROM tasks_milestone m WHERE m.assignment_id = a.id "
        "AND m.due_date <= %(day)s ORDER BY m.due_date DESC LIMIT 1) n ON TRUE "
        "LEFT JOIN LATERAL (SELECT p.id, p.progress_percent FROM tasks_progressreport p WHERE p.assignment_id = a.id "
        f"AND p.status IN ({_FILED}) AND p.period_end <= %(day)s ORDER BY p.period_end DESC LIMIT 1) r ON TRUE "
        "LEFT JOIN accountability_notice w ON w.assignment_id = a.id "
        f"AND w.kind = '{NoticeKind.WARNING}' AND w.status IN ('issued', 'signed', 'answered') "
        f"WHERE a.status IN ({_OPEN})".replace("%(day)s", f"'{day.isoformat()}'")
    ]


def measure_scan(scale: str, *, repeat: int = 3, sample: int = LOOP_SAMPLE) -> list[Result]:
    warmup = min(1, repeat - 1)
    count = open_assignments()
    seconds = median_seconds(scan_once, repeat=repeat, warmup=0, budget=20.0, minimum=1, before=vacuum_scan_tables)
    rate = count / seconds
    with transaction.atomic():
        loop = median_seconds(lambda: naive_loop(sample), repeat=repeat, warmup=warmup)
    loop_rate = min(sample, count) / loop
    daily, issued_that_night = daily_scan_seconds(repeat=repeat)
    daily_rate = count / daily
    results = [
        Result(
            "scan, first run on the loaded year: assignments per second",
            scale,
            round(rate),
            "assignments/s",
            f"per-row loop on {min(sample, count)}",
            round(loop_rate),
            note=f"{count:,} open assignments, {seconds:.2f} s (median, rolled back); re-issues every "
            "warning the generator coloured otherwise",
        ),
        Result(
            "scan, nightly (the day after the previous scan): assignments per second vs per-row ORM loop",
            scale,
            round(daily_rate),
            "assignments/s",
            f"per-row loop on {min(sample, count)}",
            round(loop_rate),
            target=f"≥ {LOOP_RATIO_TARGET}× loop",
            met=daily_rate >= LOOP_RATIO_TARGET * loop_rate,
            note=f"{count:,} open assignments, {daily:.2f} s (median, rolled back); "
            f"{issued_that_night:,} notices issued that night",
        ),
    ]
    if connection.vendor == "postgresql":
        bare = median_seconds(run_sql(set_based_sql()), repeat=repeat, warmup=warmup)
        results.append(
            Result(
                "scan, nightly: assignments per second vs bare set-based SQL",
                scale,
                round(daily_rate),
                "assignments/s",
                "one SQL statement",
                round(count / bare),
                target=f"≥ {SCAN_RATE_TARGET:,}/s" if scale == "province" else "",
                met=daily_rate >= SCAN_RATE_TARGET if scale == "province" else None,
            )
        )
    return results
