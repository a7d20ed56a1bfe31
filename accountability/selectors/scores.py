"""Read side of scoring: rankings in the two groups, grades, trends, and a unit's ledger.

A ranking as of a day reads only what was true on that day: entries dated up to it, the base and
grade bands then in force (``RuleBook``), and the units as they then were (their history), so
the same call a month later gives the same table. Whole months are read from the kept month sums
(``UnitMonthPoints``); only a past month cut short by the day asked for is summed from its entries.
Each unit's completion today and at last month's end is kept too (``UnitDayCompletion``): units
whose figures changed since are judged again, in a fixed number of queries. The query count does
not depend on the number of units or entries (seven queries for both groups with trends, eight as
of a day inside a past month, five more on the first read after a change).

Units tied on points are ordered by completion (积分相同按完成率排序): ``standing()`` is the one
rule, and every page, export and snapshot that shows a rank reads it from ``ranking()``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, DateField, F, IntegerField, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from core import clock
from core.periods import month_end, quarter_of
from tasks.choices import UNIT_KINDS_BY_GROUP, RankingGroup
from tasks.models import ProgressReport, Proposal, ProposalReply, Unit
from tasks.services import unit_completion

from ..choices import GRADE_COLOURS, Grade, NoticeStatus, RankingPeriod
from ..models import Appeal, Notice, ScoreEntry, UnitMonthPoints
from ..rulebook import RuleBook, end_of
from ..services.points import month_sums
from . import ranking_cache

ZERO = Decimal(0)
CENT = Decimal("0.01")
SPARK_WIDTH, SPARK_HEIGHT = 120, 28


def period_start(as_of: dt.date, period: str) -> dt.date:
    if period == RankingPeriod.QUARTER:
        return dt.date(as_of.year, quarter_of(as_of) * 3 - 2, 1)
    return dt.date(as_of.year, 1, 1)


@dataclass
class RankedUnit:
    """One unit's line in a ranking."""

    unit_id: int
    name: str
    group: str
    sort_order: int
    bonuses: Decimal
    deductions: Decimal
    score: Decimal
    completion: Decimal = ZERO  # the judgment's average progress of the unit's assignments on the day
    rank: int = 0
    grade: str = Grade.POOR
    previous_rank: int | None = None
    trend: list[tuple[dt.date, Decimal]] = field(default_factory=list)

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label

    @property
    def grade_colour(self) -> str:
        return GRADE_COLOURS[Grade(self.grade)]

    @property
    def rank_change(self) -> int | None:
        """Places gained since the end of last month (negative: lost)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def sparkline(self) -> str:
        """SVG polyline points of the month-end scores (drawn server-side: no script needed)."""
        values = [score for _day, score in self.trend]
        if len(values) < 2:
            return ""
        low, high = min(values), max(values)
        step = SPARK_WIDTH / (len(values) - 1)
        points = []
        for index, value in enumerate(values):
            share = float((value - low) / (high - low)) if high > low else 0.5
            y = SPARK_HEIGHT - 2 - share * (SPARK_HEIGHT - 4)
            points.append(f"{index * step:.1f},{y:.1f}")
        return " ".join(points)


@dataclass
class Ranking:
    as_of: dt.date
    period: str
    start: dt.date
    base: Decimal
    bands: list[tuple[str, Decimal]]
    groups: dict[str, list[RankedUnit]]
    key: str | None = None  # the cache key it is kept under (``ranking_cache``); None: computed, not kept

    def for_unit(self, unit_id: int) -> RankedUnit | None:
        for rows in self.groups.values():
            for row in rows:
                if row.unit_id == unit_id:
                    return row
        return None


def units_on(day: dt.date) -> dict[int, dict]:
    """The active units as they stood at the end of ``day`` (name, kind, active), from their history.

    A unit's state on the day is its latest history row before the day's end; a unit first
    recorded later is taken as it was first recorded (whether it took part that year is decided
    by its assignments), and one without history as it is now. Two queries; the history of units
    is short (a row per edit).
    """
    moment = end_of(day)
    units = {row["id"]: row for row in Unit.objects.values("id", "name", "kind", "is_active", "sort_order")}
    rows = Unit.history.order_by("history_date", "history_id").values(
        "id", "name", "kind", "is_active", "sort_order", "history_type", "history_date"
    )
    seen_before: set[int] = set()
    for row in rows:
        unit_id = row["id"]
        if row["history_date"] < moment:
            units[unit_id] = {**row, "is_active": row["is_active"] and row["history_type"] != "-"}
            seen_before.add(unit_id)
        elif unit_id not in seen_before:
            units[unit_id] = {**row, "is_active": row["history_type"] != "-" and row["is_active"]}
            seen_before.add(unit_id)  # the first row stands for the time before it
    return {unit_id: row for unit_id, row in units.items() if row["is_active"]}


def _points(value) -> Decimal:
    """Database sums come back with the backend's own precision; the ledger counts in hundredths."""
    return Decimal(value or 0).quantize(CENT)


def _group_of(kind: str) -> str:
    for group, kinds in UNIT_KINDS_BY_GROUP.items():
        if kind in kinds:
            return group
    return RankingGroup.COUNTIES


def standing(row: RankedUnit) -> tuple[Decimal, Decimal]:
    """What a rank is decided by: points first, then completion. Nine counties at 100 points said
    nothing about who was ahead; the completion rate does. Units equal on both share a rank."""
    return (row.score, row.completion)


def _rank(rows: list[RankedUnit]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) by ``standing``: one more than the units strictly ahead."""
    ascending = sorted(standing(row) for row in rows)
    # Units strictly ahead = all minus those at or below this standing (a bisection, not a count
    # over every other unit: 900 units made that 800,000 comparisons a ranking).
    return {row.unit_id: 1 + len(ascending) - bisect_right(ascending, standing(row)) for row in rows}


def _completion(as_of: dt.date, previous_day: dt.date) -> dict[dt.date, dict[int, Decimal]]:
    """Each unit's completion on ``as_of`` and on ``previous_day`` (the ranks of last month end), as
    the judgment had it then; a unit is in the answer only if it had an assignment issued by the
    day. Today's and last month end's are kept per unit (``tasks.services.unit_completion``): two
    queries while no unit changed."""
    figures = unit_completion.figures_on([as_of, previous_day], year=as_of.year, today=clock.today())
    return {
        day: {unit_id: unit_completion.completion(count, total) for unit_id, (count, total) in units.items()}
        for day, units in figures.items()
    }


def ranking(
    *,
    as_of: dt.date,
    period: str = RankingPeriod.YEAR,
    with_trend: bool = True,
    trend_of: int | None = None,
) -> Ranking:
    """Score = base + bonuses − deductions per unit over the year (or quarter) so far, both groups.
    ``with_trend=False`` leaves out each unit's month-end scores (the compact tables show none);
    ``trend_of`` draws only that unit's (a unit's ledger shows its own). Today's ranking is kept in
    the cache under a digest of every figure it reads (``ranking_cache``), so a change anywhere
    gives a new key: the ledger then reads every unit's trends from the ranking page's entry. The
    rule book is loaded only to compute it, after the key is taken (the key digests its history)."""
    variant = "trend" if with_trend else "plain"

    def key_now() -> str | None:
        return ranking_cache.ranking_key(as_of=as_of, today=clock.today(), period=period, variant=variant)

    def compute() -> Ranking:
        return _computed(as_of=as_of, period=period, book=RuleBook(), with_trend=with_trend, trend_of=trend_of)

    key = key_now()
    if key is not None:
        trend_of = None  # one kept entry serves the ranking page and every unit's ledger
    table, kept = ranking_cache.cached(key, compute, key_now)
    table.key = key if kept else None
    return table


def unit_standing(unit_id: int, *, as_of: dt.date) -> tuple[RankedUnit | None, Decimal]:
    """One unit's line of the year's ranking (rank, score, grade, its trend) and the base: what a
    points ledger shows. Today's is kept beside the kept ranking, under its key: reading the whole
    ranking back (900 units with their trends) cost a province's ledger 20 ms; read from there it
    takes one query (the key's digest)."""
    key = ranking_cache.ranking_key(as_of=as_of, today=clock.today(), period=RankingPeriod.YEAR, variant="trend")
    if key is not None:
        kept = ranking_cache.cache.get(f"{key}:unit:{unit_id}")
        if kept is not None:
            return kept
    table = ranking(as_of=as_of, period=RankingPeriod.YEAR, trend_of=unit_id)
    line = (table.for_unit(unit_id), table.base)
    if table.key is not None:  # the ranking it came from is the one kept under its key
        ranking_cache.cache.set(f"{table.key}:unit:{unit_id}", line, ranking_cache.TIMEOUT)
    return line


def _computed(*, as_of: dt.date, period: str, book: RuleBook, with_trend: bool, trend_of: int | None) -> Ranking:
    start = period_start(as_of, period)
    base = book.base_on(as_of)
    units = units_on(as_of)
    previous_day = as_of.replace(day=1) - dt.timedelta(days=1)
    completion = _completion(as_of, previous_day)
    taking_part = completion[as_of]  # the units with an assignment issued by the day
    monthly, totals = _month_and_period_totals(as_of, start)
    groups: dict[str, list[RankedUnit]] = {group: [] for group in RankingGroup.values}
    for unit_id, unit in units.items():
        if unit_id not in taking_part:
            continue
        row = totals.get(unit_id, {})
        total, deductions = _points(row.get("total")), _points(row.get("deductions"))
        ranked = RankedUnit(
            unit_id=unit_id,
            name=unit["name"],
            group=_group_of(unit["kind"]),
            sort_order=unit["sort_order"],
            bonuses=total - deductions,
            deductions=deductions,
            score=(base + total).quantize(CENT),
            completion=taking_part[unit_id],
            grade=book.grade_for(base + total, as_of),
            trend=_trend(monthly.get(unit_id, {}), as_of, book) if with_trend and trend_of in (None, unit_id) else [],
        )
        groups[ranked.group].append(ranked)
    for rows in groups.values():
        ranks = _rank(rows)
        for row in rows:
            row.rank = ranks[row.unit_id]
        if previous_day >= start:
            _previous_ranks(rows, monthly, start, previous_day, book, completion[previous_day])
        rows.sort(key=lambda row: (row.rank, row.sort_order, row.name))
    return Ranking(as_of, period, start, base, book.bands_on(as_of), groups)


def _month_and_period_totals(as_of: dt.date, start: dt.date) -> tuple[dict, dict]:
    """Each unit's points per month of the year up to ``as_of``, and its total and deductions from
    ``start`` (a month's first day). Whole months come from the kept month sums; the month of
    ``as_of`` itself, which may be cut short, from its entries."""
    # Entries are never dated after today (events up to yesterday, reversals today): on a month's
    # last day, or today, the month of ``as_of`` is whole too.
    whole_to = (
        as_of if as_of == month_end(as_of) or as_of >= clock.today() else as_of.replace(day=1) - dt.timedelta(days=1)
    )
    sums = {
        (unit_id, month): (total, deductions)
        for unit_id, month, total, deductions in UnitMonthPoints.objects.filter(
            month__gte=dt.date(as_of.year, 1, 1), month__lte=whole_to
        ).values_list("unit_id", "month", "total", "deductions")
    }
    if whole_to < as_of:
        sums.update(month_sums(ScoreEntry.objects.filter(occurred_on__gt=whole_to, occurred_on__lte=as_of)))
    monthly: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: {"total": ZERO, "deductions": ZERO})
    for (unit_id, month), (total, deductions) in sums.items():
        if not total and not deductions:
            continue
        monthly[unit_id][month] = _points(total)
        if month >= start:
            totals[unit_id]["total"] += Decimal(total)
            totals[unit_id]["deductions"] += Decimal(deductions)
    return monthly, totals


def _trend(months: dict[dt.date, Decimal], as_of: dt.date, book: RuleBook) -> list[tuple[dt.date, Decimal]]:
    """The year-to-date score at each month end up to ``as_of`` (the last point is ``as_of`` itself)."""
    trend, running = [], ZERO
    for number in range(1, as_of.month + 1):
        first = dt.date(as_of.year, number, 1)
        running += months.get(first, ZERO)
        day = min(month_end(first), as_of)
        trend.append((day, (book.base_on(day) + running).quantize(CENT)))
    return trend


def _previous_ranks(rows, monthly, start: dt.date, day: dt.date, book: RuleBook, completion: dict) -> None:
    scores = {}
    for row in rows:
        months = monthly.get(row.unit_id, {})
        scores[row.unit_id] = book.base_on(day) + sum(
            (total for month, total in months.items() if start <= month <= day), ZERO
        )
    holder = [
        RankedUnit(unit_id, "", "", 0, ZERO, ZERO, score, completion=completion.get(unit_id, ZERO))
        for unit_id, score in scores.items()
    ]
    previous = _rank(holder)
    for row in rows:
        row.previous_rank = previous.get(row.unit_id)


def year_entries(entries, unit: Unit, *, year: int, up_to: dt.date | None = None):
    """The unit's entries of ``year`` (up to ``up_to``), from ``entries`` (already scoped to the reader)."""
    entries = entries.filter(unit=unit, occurred_on__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if up_to is not None:
        entries = entries.filter(occurred_on__lte=up_to)
    return entries


def unit_ledger(entries):
    """``year_entries`` as the lines a points ledger shows: each a named row of plain values (its
    rule's code, its target's code; what it names besides, the entry it reverses, its notice,
    report, proposal; its reversal and appeal), newest first. Joining all ten tables in one query
    spent ten times its run planning the join order; a value each keeps the query count the same
    whatever the lines name. Rows, not instances: 25 lines made 75 model instances (the entry, its
    rule, its target) with every column of each, a millisecond of a city ledger's 15."""
    return (
        entries.annotate(
            rule_code=F("rule__code"),
            target_code=F("target__code"),
            reversed_by=_value("SELECT r.id FROM {entry} r WHERE r.reverses_id = {entry}.id", IntegerField()),
            appeal_pk=_value("SELECT a.id FROM {appeal} a WHERE a.entry_id = {entry}.id", IntegerField()),
            appeal_status=_value("SELECT a.status FROM {appeal} a WHERE a.entry_id = {entry}.id", CharField()),
            reverses_on=_value("SELECT r.occurred_on FROM {entry} r WHERE r.id = {entry}.reverses_id", DateField()),
            # Notice's own manager leaves withdrawn notices out of every page: so does this.
            notice_number=_value(
                "SELECT n.number FROM {notice} n WHERE n.id = {entry}.notice_id AND n.status <> %s",
                CharField(),
                NoticeStatus.WITHDRAWN,
            ),
            report_period=_value("SELECT p.period FROM {report} p WHERE p.id = {entry}.report_id", CharField()),
            proposal_number=_value(
                "SELECT p.number FROM {reply} r JOIN {proposal} p ON p.id = r.proposal_id "
                "WHERE r.id = {entry}.proposal_reply_id",
                CharField(),
            ),
            proposal_round=_value(
                "SELECT r.round FROM {reply} r WHERE r.id = {entry}.proposal_reply_id", IntegerField()
            ),
        )
        .order_by("-occurred_on", "-pk")
        .values_list(*LEDGER_LINE_FIELDS, named=True)
    )


# What a line of a points ledger shows (``unit_ledger``'s rows).
LEDGER_LINE_FIELDS = (
    "pk",
    "occurred_on",
    "amount",
    "reason",
    "period",
    "rule_code",
    "target_code",
    "reverses_id",
    "notice_id",
    "report_id",
    "proposal_reply_id",
    "reversed_by",
    "appeal_pk",
    "appeal_status",
    "reverses_on",
    "notice_number",
    "report_period",
    "proposal_number",
    "proposal_round",
)


def _value(select: str, output_field, *params) -> RawSQL:
    """One value of the row a line names, or of its reversal or appeal (each at most one row: a key
    or a one-to-one), as a plain subquery of the line (``{entry}``, the entries' own table, which
    the ledger's query never joins again). A ``Subquery`` of the ORM compiled a query of its own
    for each of eight values a page (2 of the city ledger's 3 ms of Python building its query)."""
    tables = {
        "entry": ScoreEntry._meta.db_table,
        "appeal": Appeal._meta.db_table,
        "notice": Notice._meta.db_table,
        "report": ProgressReport._meta.db_table,
        "reply": ProposalReply._meta.db_table,
        "proposal": Proposal._meta.db_table,
    }
    return RawSQL(select.format(**tables), params, output_field=output_field)


def quarter_totals(entries) -> tuple[list[dict], int]:
    """Points per quarter of ``year_entries`` and how many entries there are (one query: the
    ledger's pager takes the count from here)."""
    rows = (
        entries.order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(total=Sum("amount"), entries=Count("pk"))
    )
    quarters, count = dict.fromkeys(range(1, 5), ZERO), 0
    for row in rows:
        month = row["month"]
        quarters[(month.month - 1) // 3 + 1] += _points(row["total"])
        count += row["entries"]
    return [{"quarter": number, "points": total} for number, total in quarters.items()], count
