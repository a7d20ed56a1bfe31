"""Today's ranking, kept in the cache under a key made of everything it is computed from.

Building a ranking means every unit's row, grade, rank change and month-end trend: at province
scale (900 units) that was most of the time of ``/scores/`` and of every points ledger, though it
changes only when points, a unit, a rule or a unit's completion change. So today's ranking is
cached under a digest of what it reads, taken in one statement *before* it is computed (a change
committed meanwhile gives a new key, never a stale value under the current one):

- the kept month points of the year (``UnitMonthPoints``: unit, month, total, deductions);
- the units and their history (``units_on()``: names, kinds, active, order, as of the day);
- the kept completion of today and of last month's end (``UnitDayCompletion``: count and sum of
  actual per unit) — used only while every unit's kept rows carry its current figures version
  (``UnitFiguresStamp``); while one is stale the ranking is computed, which judges and stores it;
- the rule book's history (the rules' amounts and the grade bands: the base and the grades), the
  day, the period and the variant. The book is loaded only when the ranking is computed: a read
  from the cache takes the one statement of the digest.

The key is made of content, not of counters: a restored backup or a rolled-back test that reuses a
version number cannot meet a ranking computed from other figures. A ranking for another day than
today is not cached (a past month cut short reads its entries, a past day's completion is judged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import cache as cache_once

from django.core.cache import cache
from django.db import connection

from accountability.models import GradeBand, ScoreRule, UnitMonthPoints
from core.fragments import kept_text
from tasks.models import Unit, UnitDayCompletion, UnitFiguresStamp

TIMEOUT = 24 * 3600  # a key names a day: yesterday's keys are never asked again and expire
PREFIX = "ranking:v2:"


def _digest(rows_sql: str, columns: list[str], order: str) -> str:
    """A subquery giving one text that changes whenever any of the rows does. On PostgreSQL the
    count and the exclusive or of the rows' 64-bit hashes (each row hashed whole; rows are unique,
    so a change leaves it as it was with odds of one in 2^64); formatting every row as text and
    hashing the whole was six times slower (17 ms for a province's 8,100 month sums)."""
    if connection.vendor == "postgresql":
        return (
            f"(SELECT COUNT(*) || ':' || COALESCE(bit_xor(hash_record_extended(ROW({', '.join(columns)}), 0)), 0) "
            f"FROM {rows_sql})"
        )
    text = " || ':' || ".join(columns)
    return f"(SELECT group_concat(r, ',') FROM (SELECT {text} AS r FROM {rows_sql} ORDER BY {order}))"


@cache_once  # the models' tables: a history model's manager is built anew on each reading of ``.history``
def _tables() -> dict[str, str]:
    return {
        "rules": ScoreRule.history.model._meta.db_table,
        "bands": GradeBand.history.model._meta.db_table,
        "points": UnitMonthPoints._meta.db_table,
        "unit": Unit._meta.db_table,
        "history": Unit.history.model._meta.db_table,
        "kept": UnitDayCompletion._meta.db_table,
        "stamp": UnitFiguresStamp._meta.db_table,
    }


UNIT_COLUMNS = ["id", "name", "kind", "is_active", "sort_order"]


def _figures_digest(year: int, days: tuple[dt.date, dt.date]) -> str | None:
    """The digest of the ranking's figures, or None while a unit's kept completion is stale."""
    t = _tables()
    points = _digest(
        f"{t['points']} WHERE month BETWEEN %s AND %s", ["unit_id", "month", "total", "deductions"], "unit_id, month"
    )
    units = _digest(t["unit"], UNIT_COLUMNS, "id")
    history = _digest(t["history"], ["history_id", *UNIT_COLUMNS, "history_type", "history_date"], "history_id")
    kept = _digest(
        f"{t['kept']} WHERE day IN (%s, %s)", ["unit_id", "day", "assignments", "actual_total"], "unit_id, day"
    )
    # What ``RuleBook`` reads: every rule's and band's history (a row per edit).
    rules = _digest(
        t["rules"], ["history_id", "code", "amount", "is_active", "history_type", "history_date"], "history_id"
    )
    bands = _digest(t["bands"], ["history_id", "grade", "min_score", "history_type", "history_date"], "history_id")
    # A unit whose kept row is missing or older than its figures version: the kept figures are not
    # the judgment's yet (``figures_on`` judges it again), so nothing is cached on them.
    day = "%s::date" if connection.vendor == "postgresql" else "%s"
    stale = (
        f"(SELECT COUNT(*) FROM {t['unit']} u LEFT JOIN {t['stamp']} s ON s.unit_id = u.id "
        f"CROSS JOIN (SELECT {day} AS day UNION ALL SELECT {day}) d "
        f"LEFT JOIN {t['kept']} k ON k.unit_id = u.id AND k.day = d.day "
        "WHERE k.id IS NULL OR k.version <> COALESCE(s.version, 0))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {stale}, {points}, {units}, {history}, {kept}, {rules}, {bands}",
            [*days, dt.date(year, 1, 1), dt.date(year, 12, 31), *days],
        )
        stale_units, *parts = cursor.fetchone()
    if stale_units:
        return None
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def ranking_key(*, as_of: dt.date, today: dt.date, period: str, variant: str) -> str | None:
    """The cache key of this ranking, or None when it is not to be cached."""
    if as_of != today:
        return None
    previous_day = as_of.replace(day=1) - dt.timedelta(days=1)
    figures = _figures_digest(as_of.year, (as_of, previous_day))
    if figures is None:
        return None
    return f"{PREFIX}{as_of.isoformat()}:{period}:{variant}:{figures[:32]}"


def cached(key: str | None, compute: Callable[[], object], key_again: Callable[[], str | None]):
    """(value, kept): the value kept under ``key``, else ``compute()``, kept there only if the key
    taken again after computing is the same (a change committed while it was computed must not
    leave a value under a key its figures could come back to). ``kept``: the value is the one
    under ``key`` (what is derived from it may be kept under that key too)."""
    if key is None:
        return compute(), False
    value = cache.get(key)
    if value is not None:
        return value, True
    value = compute()
    if key_again() != key:
        return value, False
    cache.set(key, value, TIMEOUT)
    return value, True


def cached_text(key: str | None, render: Callable[[], str]) -> str:
    """Text derived from a value kept under ``key`` (a rendered table), kept beside it."""
    return render() if key is None else kept_text(key, render)
