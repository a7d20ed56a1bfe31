"""Completion by unit of a set of assignments (a leader's scope, the city) and the ones furthest
behind, judged once per facts (the leader dashboard).

A province leader's dashboard judged his 2,168 assignments and ranked 827 units from them on every
read (about 50 ms of its 130), though what they are judged from changes far less often than the page
is read. One query now reads, for each unit of the assignments, its name, kind and order and a digest
of what the judgment of its assignments reads besides the kept facts: each assignment's own fields
(status, deadline, close-out, issue, target, unit, role, share) and its unit's figures version. The
kept facts of a day (``AssignmentDayJudgment``) are those of that version: every change to what they
are judged from raises it in the change's own transaction (tasks/services/kept_judgments.py), and a
rebuild after a load that bypassed the services raises every unit's (``rebuild_unit_completion``).
The units' figures and the furthest behind are kept in the cache under a digest of those digests,
the database, the day, today and the rule's own source; on a miss they are judged by the one rule
(``judgment.judge``, as every page) and kept. A report, a warning, a close-out, a reassignment, a
new assignment or a new day names another key: nothing to invalidate, nothing stale to serve.
tests/test_ranked_units.py proves kept = judged afresh after each kind of change.

The digest is computed by PostgreSQL (``md5`` over the rows' text); elsewhere (SQLite, the embedded
demo) the same rows are read and hashed in Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache as once

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from core import clock

from ..choices import RankingGroup, UnitKind, WarningLevel
from ..judgment import state as judgment
from ..models import Assignment, Unit
from ..services import kept_judgments

PREFIX = "ranked-units:v1:"
TIMEOUT = 24 * 3600  # a key names its facts and its day: keys no page asks for again expire
LAGGING_SHOWN = 15

# (assignments, completion, plan, behind, open at each warning level): what a unit's row shows.
UnitFigures = tuple[int, Decimal, Decimal, int, tuple[int, ...]]


class UnitRow:
    """A unit's row of a completion table: what the page shows of it (a plain object, not a model
    instance: building a province's 900 ``Unit`` instances on every read cost more than ranking them)."""

    # ``open_levels``: its open assignments by the warning level in force (green, yellow, orange, red).
    __slots__ = (
        "assignment_count",
        "behind_count",
        "completion",
        "kind",
        "name",
        "open_levels",
        "pk",
        "planned",
        "rank",
        "sort_order",
    )

    def __init__(self, pk: int, name: str, kind: str, sort_order: int):
        self.pk, self.name, self.kind, self.sort_order = pk, name, kind, sort_order

    def __str__(self) -> str:
        return self.name


@dataclass
class RankedUnits:
    groups: dict[str, list[UnitRow]]  # both groups, ranked (``rank_units``)
    lagging: dict[int, judgment.Judgment]  # the furthest behind, in order (``furthest_behind``)


def unit_figures(judgments: dict[int, judgment.Judgment], facts: dict) -> dict[int, UnitFigures]:
    """Each unit's figures from its assignments' judgments (``facts``: ``judge``'s, for their unit):
    completion and plan the averages of the judged actual and planned, 滞后 what the judgment calls
    behind, the open ones by the warning level in force."""
    keys = judgment.unit_keys(facts)
    per_unit: dict[int, list] = {}
    for pk, item in judgments.items():
        per_unit.setdefault(keys[pk], []).append(item)
    result = {}
    for unit, items in per_unit.items():
        summary = judgment.summarise(items)
        open_levels = Counter(item.level for item in items if item.is_open)
        levels = tuple(open_levels[level] for level in WarningLevel)
        result[unit] = (summary.count, summary.actual, summary.planned, summary.behind, levels)
    return result


def rank_units(units: list[UnitRow], figures: dict[int, UnitFigures]) -> dict[str, list[UnitRow]]:
    """``units`` (those with figures) given their figures and ranked by completion, counties and
    departments apart (a tie: the units' order)."""
    for unit in units:
        unit.assignment_count, unit.completion, unit.planned, unit.behind_count, unit.open_levels = figures[unit.pk]
    units.sort(key=lambda unit: (-unit.completion, unit.sort_order))
    groups: dict[str, list[UnitRow]] = {RankingGroup.COUNTIES: [], RankingGroup.DEPARTMENTS: []}
    for unit in units:
        members = groups[RankingGroup.DEPARTMENTS if unit.kind == UnitKind.DEPARTMENT else RankingGroup.COUNTIES]
        members.append(unit)
        unit.rank = len(members)
    return groups


def furthest_behind(judgments: dict[int, judgment.Judgment], limit: int) -> dict[int, judgment.Judgment]:
    """The open assignments the judgment calls behind (滞后), the highest warning first, then the
    most days late, the furthest under plan."""
    behind = sorted(
        (pk for pk, item in judgments.items() if item.behind),
        key=lambda pk: (
            -judgments[pk].level,
            -judgments[pk].days_late,
            judgments[pk].actual - judgments[pk].planned,
            pk,
        ),
    )[:limit]
    return {pk: judgments[pk] for pk in behind}


def ranked_units(assignments: QuerySet[Assignment], day: dt.date, *, limit: int = LAGGING_SHOWN) -> RankedUnits:
    """The units of ``assignments`` ranked by their judged figures on ``day``, and the ``limit``
    furthest behind: kept in the cache per facts read (one query when kept, two when judged)."""
    today = clock.today()
    units = _units_with_digests(assignments)
    content = (
        connection.settings_dict["NAME"],
        day,
        today,
        limit,
        sorted((pk, digest) for pk, (_unit, digest) in units.items()),
    )
    key = f"{PREFIX}{_rule_digest()}:{hashlib.sha256(repr(content).encode()).hexdigest()[:32]}"
    kept = cache.get(key)
    if kept is None:
        facts: dict = {}
        judgments = judgment.judge(assignments, day, facts=facts)
        kept = (unit_figures(judgments, facts), furthest_behind(judgments, limit))
        cache.set(key, kept, TIMEOUT)
    figures, lagging = kept
    return RankedUnits(rank_units([units[pk][0] for pk in figures], figures), lagging)


@once
def _rule_digest() -> str:
    """The rule's and this module's source: a deployment that changes how they judge names new keys."""
    from . import ranked_units

    sources = "".join(inspect.getsource(module) for module in (judgment, kept_judgments, ranked_units))
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def _judged_rows(assignments: QuerySet[Assignment]) -> tuple[QuerySet, list[str]]:
    """What the judgment of each assignment reads besides the kept facts of its unit's version:
    its own fields and that version (and their names)."""
    return assignments.order_by(), [*judgment._BASE, *judgment._FACTS, "unit__figures_stamp__version"]


def _units_with_digests(assignments: QuerySet[Assignment]) -> dict[int, tuple[UnitRow, str]]:
    """{unit pk: (the unit, a digest of what its assignments' judgment reads)}: one query."""
    rows, fields = _judged_rows(assignments)
    if connection.vendor == "postgresql":
        sql, params = rows.values(*fields).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.id, u.name, u.kind, u.sort_order, r.digest FROM (SELECT r.unit_id, "
                f"md5(string_agg(r::text, ',' ORDER BY r.pk)) AS digest FROM ({sql}) r GROUP BY r.unit_id) r "
                f"JOIN {Unit._meta.db_table} u ON u.id = r.unit_id",
                params,
            )
            return {
                pk: (UnitRow(pk, name, kind, sort_order), digest)
                for pk, name, kind, sort_order, digest in cursor.fetchall()
            }
    units: dict[int, UnitRow] = {}
    hashes: dict[int, list] = {}
    for row in rows.values(*fields, "unit__name", "unit__kind", "unit__sort_order").order_by("pk"):
        pk = row["unit_id"]
        if pk not in units:
            units[pk] = UnitRow(pk, row["unit__name"], row["unit__kind"], row["unit__sort_order"])
        hashes.setdefault(pk, []).append(tuple(row[name] for name in fields))
    return {pk: (unit, hashlib.sha256(repr(hashes[pk]).encode()).hexdigest()) for pk, unit in units.items()}
