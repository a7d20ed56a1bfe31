"""Completion by unit of a set of assignments (a leader's scope, the city) and the ones furthest
behind, judged once per facts (the leader dashboard).

A province leader's dashboard judged his 2,168 assignments and ranked 827 units from them on every
read (about 50 ms of its 130), though what they are judged from changes far less often than the page
is read. One query now reads, for each unit of the assignments, its name, kind and order and a digest
of everything the judgment of its assignments on the day reads: each assignment's own fields (status,
deadline, close-out, issue, target, unit, role, share), its unit's figures version and the facts kept
for the day (``AssignmentDayJudgment``: plan, progress, value, warning level, claim, and the version
they were kept at). The units' figures and the furthest behind are kept in the cache under a digest
of those digests, the database, the day, today and the rule's own source; on a miss they are judged
by the one rule (``judgment.judge``, as every page) and kept. The key is every input of the rule, so
there is nothing to invalidate and nothing stale to serve, whatever changed them (a service, the
scan's set-based writes, a rebuild after a load, a database restored). After a change, the first read
judges the changed units' facts again and keeps them, so its key (read before) names stale facts; the
second read, the first over the facts as kept, is judged too (from the kept facts: no unit judged
afresh), and later reads are served from the cache. tests/test_ranked_units.py proves kept = judged
afresh after each kind of change.

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
from django.db.models import FilteredRelation, Q, QuerySet

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
    departments apart."""
    for unit in units:
        unit.assignment_count, unit.completion, unit.planned, unit.behind_count, unit.open_levels = figures[unit.pk]
    units.sort(key=lambda unit: (-unit.completion, unit.sort_order, unit.name))  # a tie: ``Unit``'s own order
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
    furthest behind: kept in the cache per facts read (one query when kept, two when judged). Kept
    only when every fact read was kept at its unit's version: the key then names what was judged."""
    today = clock.today()
    units, all_kept = _units_with_digests(assignments, day)
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
        if all_kept:  # else the key names stale facts, not those judged from (a version read again
            cache.set(key, kept, TIMEOUT)  # after a database rolled back or restored names other facts)
    figures, lagging = kept
    return RankedUnits(rank_units([units[pk][0] for pk in figures], figures), lagging)


@once
def _rule_digest() -> str:
    """The rule's and this module's source: a deployment that changes how they judge names new keys."""
    from . import ranked_units

    sources = "".join(inspect.getsource(module) for module in (judgment, kept_judgments, ranked_units))
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def _judged_rows(assignments: QuerySet[Assignment], day: dt.date) -> tuple[QuerySet, list[str]]:
    """Everything the judgment of each assignment on ``day`` reads (and their names): its own
    fields, its unit's version and the facts kept for the day (none, or stale: judged then)."""
    kept = FilteredRelation("day_judgments", condition=Q(day_judgments__day=day))
    fields = [
        *judgment._BASE,
        *judgment._FACTS,
        "unit__figures_stamp__version",
        *(f"zmd_kept__{name}" for name in ("version", *kept_judgments.FACTS)),
    ]
    return assignments.order_by().annotate(zmd_kept=kept), fields


def _units_with_digests(assignments: QuerySet[Assignment], day: dt.date) -> tuple[dict[int, tuple[UnitRow, str]], bool]:
    """{unit pk: (the unit, a digest of what its assignments' judgment reads)} and whether every
    issued assignment's facts were kept at its unit's version (else judged again on reading): one query."""
    rows, fields = _judged_rows(assignments, day)
    moment = judgment.end_of(day)
    if connection.vendor == "postgresql":
        sql, params = rows.values(*fields).query.sql_with_params()
        stale = (
            "bool_or(r.zmd_kept__version IS DISTINCT FROM COALESCE(r.unit__figures_stamp__version, 0) "
            "AND r.issued_at < %s)"
        )
        with connection.cursor() as cursor:
            # Each unit's digest: the count and the exclusive or of its rows' 64-bit hashes, each row
            # hashed whole (rows are unique by pk; as ``ranking_cache._digest``). Formatting every row
            # as text, sorting and hashing the text took a region's 240,000 rows 24 ms of the page.
            cursor.execute(
                f"SELECT u.id, u.name, u.kind, u.sort_order, r.digest, r.stale FROM (SELECT r.unit_id, "
                f"COUNT(*) || ':' || bit_xor(hash_record_extended(r, 0)) AS digest, {stale} AS stale FROM ({sql}) r "
                f"GROUP BY r.unit_id) r JOIN {Unit._meta.db_table} u ON u.id = r.unit_id",
                [moment, *params],  # the stale test comes first in the text
            )
            found = cursor.fetchall()
        units = {pk: (UnitRow(pk, name, kind, sort_order), digest) for pk, name, kind, sort_order, digest, _ in found}
        return units, not any(stale for *_, stale in found)
    units: dict[int, UnitRow] = {}
    hashes: dict[int, list] = {}
    all_kept = True
    for row in rows.values(*fields, "unit__name", "unit__kind", "unit__sort_order").order_by("pk"):
        pk = row["unit_id"]
        if pk not in units:
            units[pk] = UnitRow(pk, row["unit__name"], row["unit__kind"], row["unit__sort_order"])
        hashes.setdefault(pk, []).append(tuple(row[name] for name in fields))
        issued = row["issued_at"] is not None and row["issued_at"] < moment
        if issued and row["zmd_kept__version"] != (row["unit__figures_stamp__version"] or 0):
            all_kept = False
    digests = {pk: (unit, hashlib.sha256(repr(hashes[pk]).encode()).hexdigest()) for pk, unit in units.items()}
    return digests, all_kept
