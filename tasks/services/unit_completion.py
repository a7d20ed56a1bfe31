"""Each unit's completion, kept for the rankings (``UnitDayCompletion``), stamped per unit.

A unit's completion on a day is the average of its assignments' judged actual progress
(``tasks.judgment.state``) over those of the day's year issued by then. Judging every assignment
of a province (120,000, five subqueries each) for every ranking, dashboard and points ledger cost
most of their time. So the figures of today and of the end of last month are kept per unit, and
each unit carries a version (``UnitFiguresStamp``) that every change to what its completion is
judged from raises in the change's own transaction (``bump_units``: a report saved or deleted, a
claim saved, an assignment saved; bulk paths call it themselves). A read takes the kept rows whose
version is the unit's and judges again only the units whose version moved (a few assignments
each), storing their new rows. ``rebuild_unit_completion`` judges every unit afresh; the tests
prove kept = judged after a sequence of changes (tests/test_unit_completion.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from core.id_lists import AnyOf

from ..judgment import state as judgment
from ..models import Assignment, Unit, UnitDayCompletion, UnitFiguresStamp

Figures = dict[int, tuple[int, Decimal]]  # {unit pk: (assignments judged, sum of their actual)}


def bump_units(unit_ids: Iterable[int | None]) -> None:
    """Mark these units' kept completion stale (in the caller's transaction): one upsert, each unit's
    version one more (1 for a unit without a stamp yet). No model instances: a province night bumps
    its 1,500 units three times."""
    ids = sorted({pk for pk in unit_ids if pk})  # a fixed order: two writers never wait on each other in a cycle
    if not ids:
        return
    table = connection.ops.quote_name(UnitFiguresStamp._meta.db_table)
    upsert = f"ON CONFLICT (unit_id) DO UPDATE SET version = {table}.version + 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (unit_id, version) SELECT id, 1 FROM unnest(%s::bigint[]) AS id ORDER BY id "
                + upsert,
                [ids],
            )
            return
        for start in range(0, len(ids), _SQLITE_BATCH):
            batch = ids[start : start + _SQLITE_BATCH]
            values = ", ".join(["(%s, 1)"] * len(batch))
            cursor.execute(f"INSERT INTO {table} (unit_id, version) VALUES {values} " + upsert, batch)


_SQLITE_BATCH = 500  # units per statement: well under SQLite's limit of bound parameters


def bump_units_of(assignment_ids: Iterable[int]) -> None:
    ids = list(assignment_ids)
    if ids:
        bump_units(Assignment.objects.order_by().filter(AnyOf("pk", ids)).values_list("unit_id", flat=True).distinct())


def kept_days(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose figures are kept: today and the end of last month (a ranking's rank change)."""
    return today, today.replace(day=1) - dt.timedelta(days=1)


def judged_figures(
    days: list[dt.date], year: int, unit_ids: Iterable[int] | None = None, *, afresh: bool = True
) -> dict[dt.date, Figures]:
    """The rule itself: each unit's (count, sum of actual) on each day over its assignments of
    ``year``'s targets issued by then, judged now (one query); with ``afresh=False`` from the kept
    judgments (``kept_judgments``), themselves judged again where stale."""
    if not days:
        return {}
    assignments = Assignment.objects.filter(target__year=year, issued_at__lt=judgment.end_of(max(days)))
    if unit_ids is not None:
        assignments = assignments.filter(unit__in=list(unit_ids))
    facts: dict = {}
    judge = judgment.judge_days_afresh if afresh else judgment.judge_days
    judged = judge(assignments, days, facts=facts)
    result: dict[dt.date, Figures] = {}
    for day, judgments in judged.items():
        sums: dict[int, list] = {}
        for pk, item in judgments.items():
            unit_figures = sums.setdefault(facts[pk][1], [0, Decimal(0)])
            unit_figures[0] += 1
            unit_figures[1] += item.actual
        result[day] = {unit: (count, total) for unit, (count, total) in sums.items()}
    return result


def completion(count: int, total: Decimal) -> Decimal:
    """The unit's completion from its figures: the judgment's average (``judgment.summarise``)."""
    return judgment.q1(total / count)


def figures_on(days: list[dt.date], *, year: int, today: dt.date) -> dict[dt.date, Figures]:
    """Each unit's figures on ``days`` over ``year``'s targets: kept for today and last month's end
    of this year's, judged again only for units whose version moved; anything else judged afresh."""
    kept = [day for day in dict.fromkeys(days) if year == today.year and day in kept_days(today)]
    result = judged_figures([day for day in days if day not in kept], year)
    if not kept:
        return result
    versions = dict(Unit.objects.values_list("pk", "figures_stamp__version"))
    stored: dict[dt.date, dict[int, UnitDayCompletion]] = {day: {} for day in kept}
    for row in UnitDayCompletion.objects.filter(day__in=kept):
        stored[row.day][row.unit_id] = row
    stale = {
        unit
        for day in kept
        for unit, version in versions.items()
        if unit not in stored[day] or stored[day][unit].version != (version or 0)
    }
    fresh = judged_figures(kept, year, stale, afresh=False) if stale else {}
    if stale:
        _store(fresh, stale, versions, kept, today)
    for day in kept:
        figures = {
            unit: (row.assignments, row.actual_total)
            for unit, row in stored[day].items()
            if unit not in stale and row.assignments
        }
        figures.update(fresh.get(day, {}))
        result[day] = figures
    return result


def _store(fresh: dict, units: set[int], versions: dict, days: list[dt.date], today: dt.date) -> None:
    rows = [
        UnitDayCompletion(
            unit_id=unit,
            day=day,
            version=versions.get(unit) or 0,  # read before judging: a change meanwhile leaves the row stale
            assignments=fresh.get(day, {}).get(unit, (0, 0))[0],
            actual_total=fresh.get(day, {}).get(unit, (0, Decimal(0)))[1],
        )
        for day in days
        for unit in units
    ]
    with transaction.atomic():
        UnitDayCompletion.objects.exclude(day__in=kept_days(today)).delete()
        UnitDayCompletion.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["day", "unit"],
            update_fields=["version", "assignments", "actual_total"],
            batch_size=1000,
        )


def rebuild_unit_completion(today: dt.date | None = None) -> int:
    """Judge every unit again for the kept days (after a load that bypassed the services)."""
    from core import clock

    today = today or clock.today()
    days = list(dict.fromkeys(kept_days(today)))
    UnitDayCompletion.objects.all().delete()
    versions = dict(Unit.objects.values_list("pk", "figures_stamp__version"))
    _store(judged_figures(days, today.year), set(versions), versions, days, today)
    return UnitDayCompletion.objects.count()


# --- what raises a unit's version: every save of what its completion is judged from -----------------


def _report_or_claim_changed(sender, instance, **kwargs) -> None:
    """A report, claim or milestone (the plan its judgment reads) of an assignment changed."""
    bump_units_of([instance.assignment_id])


def _assignment_changed(sender, instance, **kwargs) -> None:
    bump_units([instance.unit_id, getattr(instance, "_zmd_unit_before", None)])


def _remember_unit(sender, instance, **kwargs) -> None:
    """An assignment moved to another unit leaves the old unit's figures stale too."""
    fields = kwargs.get("update_fields")
    if instance.pk and not kwargs.get("raw") and (fields is None or "unit" in fields):
        instance._zmd_unit_before = Assignment.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()


def _target_changed(sender, instance, **kwargs) -> None:
    """A target moved to another year moves its assignments' completion with it."""
    bump_units(Assignment.objects.filter(target=instance.pk).values_list("unit_id", flat=True).distinct())


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from ..models import CompletionClaim, Milestone, ProgressReport, Target

    for model in (ProgressReport, CompletionClaim, Milestone):
        post_save.connect(_report_or_claim_changed, sender=model, dispatch_uid=f"unit_completion.{model.__name__}")
        post_delete.connect(
            _report_or_claim_changed, sender=model, dispatch_uid=f"unit_completion.{model.__name__}.delete"
        )
    pre_save.connect(_remember_unit, sender=Assignment, dispatch_uid="unit_completion.assignment.before")
    post_save.connect(_assignment_changed, sender=Assignment, dispatch_uid="unit_completion.assignment")
    post_delete.connect(_assignment_changed, sender=Assignment, dispatch_uid="unit_completion.assignment.delete")
    post_save.connect(_target_changed, sender=Target, dispatch_uid="unit_completion.target")
