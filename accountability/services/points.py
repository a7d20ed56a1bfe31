"""Units' points by month (``UnitMonthPoints``), kept whenever points entries are written.

Entries are only ever added (the scoring run, a reversal on appeal). After adding some, the months
they fall in are summed again from the entries, for the units concerned, and stored whole: a
recount rather than an increment, so an entry dropped as a duplicate (the ledger's unique rule ×
cause) changes nothing. Two writers recount one after the other (an advisory lock held until the
transaction ends), so the second sees the first's entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from core import clock
from core.periods import month_end

from ..choices import RuleCode
from ..models import ScoreEntry, ScoreRule, UnitMonthPoints

POINTS_LOCK_KEY = 2018_0930  # any constant, distinct from the scan's
# A reversal (it names the entry it takes back) counts with what it reverses: a reversed deduction
# is a positive entry that gives the deduction back.
DEDUCTION = Q(amount__lt=0, reverses__isnull=True) | Q(amount__gt=0, reverses__isnull=False)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [POINTS_LOCK_KEY])


def month_sums(entries) -> dict[tuple[int, dt.date], tuple]:
    """{(unit, first day of month): (total, deductions)} of ``entries``."""
    rows = (
        entries.order_by()
        .annotate(month=TruncMonth("occurred_on"))
        .values("unit_id", "month")
        .annotate(total=Sum("amount"), deductions=Sum("amount", filter=DEDUCTION))
    )
    sums = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        sums[(row["unit_id"], month)] = (row["total"] or 0, row["deductions"] or 0)
    return sums


def recount_unit_months(months: Iterable[tuple[int, dt.date]]) -> None:
    """Sum again these (unit, any day of the month) pairs from the entries and store them."""
    wanted = {(unit_id, day.replace(day=1)) for unit_id, day in months}
    if not wanted:
        return
    with transaction.atomic():
        _lock()
        units = {unit_id for unit_id, _month in wanted}
        first = min(month for _unit, month in wanted)
        last = month_end(max(month for _unit, month in wanted))
        sums = month_sums(ScoreEntry.objects.filter(unit__in=units, occurred_on__range=(first, last)))
        rows = [
            UnitMonthPoints(unit_id=unit_id, month=month, total=total, deductions=deductions)
            for (unit_id, month) in sorted(wanted)
            for total, deductions in [sums.get((unit_id, month), (0, 0))]
        ]
        UnitMonthPoints.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["unit", "month"], update_fields=["total", "deductions"]
        )


def rebuild_unit_month_points() -> int:
    """Recount every month of every unit (after loads that bypass the services, such as the
    benchmark generator); returns the number of rows."""
    with transaction.atomic():
        _lock()
        UnitMonthPoints.objects.all().delete()
        UnitMonthPoints.objects.bulk_create(
            [
                UnitMonthPoints(unit_id=unit_id, month=month, total=total, deductions=deductions)
                for (unit_id, month), (total, deductions) in month_sums(ScoreEntry.objects.all()).items()
            ],
            batch_size=1000,
        )
    return UnitMonthPoints.objects.count()


def reverse_entry(entry: ScoreEntry, *, reason: str) -> ScoreEntry:
    """Take an entry back: a new entry of the opposite amount, dated today, naming the one it reverses
    (an appeal that succeeds, a close-out returned for redo). The ledger is never edited."""

    reversal = ScoreEntry(
        unit_id=entry.unit_id,
        rule=ScoreRule.objects.get(code=RuleCode.REVERSAL),
        amount=-entry.amount,
        occurred_on=clock.today(),
        reason=reason[:300],
        cause_key=f"reversal:{entry.pk}",
        reverses=entry,
        target_id=entry.target_id,
        assignment_id=entry.assignment_id,
        report_id=entry.report_id,
        proposal_reply_id=entry.proposal_reply_id,
        notice_id=entry.notice_id,
        period=entry.period,
        created_at=clock.now(),
    )
    reversal.save()
    recount_unit_months([(reversal.unit_id, reversal.occurred_on)])
    return reversal
