"""Timing and counting helpers shared by the measures. Times are medians of repeated runs taken
after warm-up runs, so that a cold cache or one scheduler hiccup does not decide a figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    """One line of the benchmark table: a measure, its reference measured in the same run, the ratio."""

    measure: str
    scale: str
    value: float
    unit: str
    reference: str = ""
    reference_value: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.reference_value:
            return None
        return round(self.value / self.reference_value, 2)

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def median_seconds(
    function: Callable[[], object],
    *,
    repeat: int = 7,
    warmup: int = 2,
    budget: float = 15.0,
    minimum: int = 3,
    before: Callable[[], object] | None = None,
) -> float:
    """The median of up to ``repeat`` runs after ``warmup`` runs; once ``budget`` seconds are spent
    it stops after ``minimum`` runs (a slow page at province scale would otherwise take minutes).
    ``before`` runs ahead of every run, untimed."""
    before = before or (lambda: None)
    for _ in range(warmup):
        before()
        started = time.perf_counter()
        function()
        if time.perf_counter() - started > budget / 5:
            break  # warm enough: one slow run fills the caches as well as two
    samples: list[float] = []
    while len(samples) < repeat:
        before()
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
        if len(samples) >= minimum and sum(samples) > budget:
            break
    return statistics.median(samples)


def slowest_query(function: Callable[[], object]) -> tuple[int, str]:
    """The query count and the slowest query of one run (a first hint where a slow page spends its time)."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        function()
    if not captured.captured_queries:
        return 0, ""
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    return len(captured), f"slowest query {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:160]}"


def run_sql(statements: list[str]) -> Callable[[], None]:
    """A callable that runs hand-written SQL statements and fetches every row, as a page would."""

    def run() -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    return run
