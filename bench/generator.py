"""A deterministic synthetic year (``make_bench_data``): the ledger's rows at city or province scale.

Rows go through the models with ``bulk_create`` in batches, so the schema, defaults and constraints
are the real ones; history rows are not written (a benchmark year has no people editing it) and
the denormalised fields the services keep (progress, planned progress) are filled the way the
services would have left them. Memory stays flat: targets are generated a chunk at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from tasks.choices import (
    AssignmentRole,
    AssignmentStatus,
    Frequency,
    Granularity,
    ReportStatus,
    RoleKind,
    ShareRule,
    Source,
    TargetStatus,
    TargetType,
    UnitKind,
)
from tasks.models import Assignment, Leader, Milestone, ProgressReport, Role, Target, Unit, User
from tasks.periods import month_end, periods_between

from .scales import BENCH_PREFIX, START, TODAY, YEAR, Scale

BATCH = 5000
TARGET_CHUNK = 250
ONE = Decimal("0.1")
BENCH_PASSWORD = "zmd-bench-2018"


class NotABenchDatabase(Exception):
    """The database holds data that is not ours to overwrite."""


def check_database_is_for_benchmarks() -> None:
    foreign_units = Unit.objects.exclude(name__startswith=BENCH_PREFIX).exists()
    foreign_targets = Target.objects.exclude(code__startswith=BENCH_PREFIX).exists()
    if foreign_units or foreign_targets:
        raise NotABenchDatabase(
            "This database holds non-benchmark data (units or targets not named BENCH…). "
            "Point DATABASE_URL at an empty database made for benchmarks."
        )


def clear_benchmark_data() -> None:
    """Remove a previous run (only ever bench rows: checked above)."""
    models = (ProgressReport, Milestone, Assignment, Target, Role, Leader, Unit)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
            with connection.cursor() as cursor:
                # Deferred foreign-key checks of rows inserted earlier in this transaction must
                # run first: PostgreSQL refuses to truncate a table with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            for model in models:
                model.objects.all()._raw_delete(model.objects.db)
        User.objects.filter(username__startswith="bench_").delete()


def generate(scale: Scale, *, seed: int = 2018, log: Callable[[str], None] = print) -> dict[str, int]:
    check_database_is_for_benchmarks()
    clear_benchmark_data()
    rng = random.Random(seed)
    started = time.monotonic()
    units, staff = _organisation(scale)
    leaders = list(Leader.objects.filter(post__startswith=BENCH_PREFIX).order_by("pk"))
    counts = {"units": len(units), "targets": 0, "assignments": 0, "milestones": 0, "reports": 0}
    for first in range(0, scale.targets, TARGET_CHUNK):
        numbers = range(first, min(first + TARGET_CHUNK, scale.targets))
        with transaction.atomic():
            chunk = _targets_chunk(scale, numbers, rng, units, staff, leaders)
        for name, value in chunk.items():
            counts[name] += value
        log(f"  targets {counts['targets']:>7,} / {scale.targets:,}   reports {counts['reports']:>10,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _organisation(scale: Scale) -> tuple[list[Unit], dict[int, User]]:
    password = make_password(BENCH_PASSWORD)
    units = [
        Unit(name=f"{BENCH_PREFIX}县{i:04d}", kind=UnitKind.COUNTY if i % 10 else UnitKind.ZONE, sort_order=i)
        for i in range(scale.counties)
    ] + [
        Unit(name=f"{BENCH_PREFIX}局{i:04d}", kind=UnitKind.DEPARTMENT, sort_order=scale.counties + i)
        for i in range(scale.departments)
    ]
    units = Unit.objects.bulk_create(units, batch_size=BATCH)
    Leader.objects.bulk_create(
        [Leader(post=f"{BENCH_PREFIX}副市长{i:03d}", sort_order=i) for i in range(scale.leaders)], batch_size=BATCH
    )
    users = User.objects.bulk_create(
        [
            User(username=f"bench_staff_{unit.pk}", display_name=f"{unit.name}联络员", password=password)
            for unit in units
        ]
        + [User(username="bench_office", display_name="督查室", password=password, is_staff=True, is_superuser=True)]
        + [User(username=f"bench_leader_{i}", password=password) for i in range(scale.leaders)],
        batch_size=BATCH,
    )
    staff = {unit.pk: user for unit, user in zip(units, users, strict=False)}
    leaders = list(Leader.objects.filter(post__startswith=BENCH_PREFIX).order_by("pk"))
    roles = [Role(user=staff[unit.pk], kind=RoleKind.STAFF, unit=unit) for unit in units]
    roles.append(Role(user=users[len(units)], kind=RoleKind.OFFICE))
    roles += [
        Role(user=user, kind=RoleKind.LEADER, leader=leader)
        for user, leader in zip(users[len(units) + 1 :], leaders, strict=True)
    ]
    Role.objects.bulk_create(roles, batch_size=BATCH)
    return units, staff


_SOURCES = list(Source)
_TYPES = list(TargetType)


def _targets_chunk(scale, numbers, rng, units, staff, leaders) -> dict[str, int]:
    targets = []
    for n in numbers:
        target_type = _TYPES[n % len(_TYPES)]
        has_value = target_type in (TargetType.INDICATOR, TargetType.LIVELIHOOD)
        overdue = rng.random() < 0.08
        deadline = month_end(dt.date(2018, rng.randint(6, 9), 1)) if overdue else _later_deadline(rng)
        targets.append(
            Target(
                year=YEAR,
                code=f"{BENCH_PREFIX}-{n:06d}",
                title=f"基准目标任务{n:06d}",
                source=_SOURCES[n % len(_SOURCES)],
                target_type=target_type,
                measure_unit="亿元" if has_value else "",
                target_value=Decimal(rng.randint(10, 500)) if has_value else None,
                share_rule=ShareRule.NONE,
                leader=leaders[n % len(leaders)],
                start_date=START,
                deadline=deadline,
                report_frequency=Frequency.WEEKLY if n < scale.weekly_targets else Frequency.MONTHLY,
                status=TargetStatus.ISSUED,
            )
        )
    targets = Target.objects.bulk_create(targets, batch_size=BATCH)
    assignments = []
    for target in targets:
        chosen = rng.sample(units, scale.assignments_per_target)
        for index, unit in enumerate(chosen):
            assignments.append(
                Assignment(
                    target=target,
                    unit=unit,
                    role=AssignmentRole.LEAD if index == 0 else AssignmentRole.CO,
                    deadline=target.deadline,
                    status=AssignmentStatus.IN_PROGRESS,
                    responsible_person=f"{unit.name}责任人",
                )
            )
    paces = {id(a): Decimal(str(round(rng.uniform(0.45, 1.1), 2))) for a in assignments}
    for assignment in assignments:
        _fill_progress(assignment, paces[id(assignment)])
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    milestones = insert_leaf_rows(Milestone, _milestones(assignments))
    reports = insert_leaf_rows(ProgressReport, _reports(assignments, paces, staff, rng))
    return {"targets": len(targets), "assignments": len(assignments), "milestones": milestones, "reports": reports}


def _later_deadline(rng) -> dt.date:
    year, month = (2018, rng.randint(10, 12)) if rng.random() < 0.7 else (2019, rng.randint(1, 6))
    return month_end(dt.date(year, month, 1))


def _fraction(assignment, day: dt.date) -> Decimal:
    total = (assignment.deadline - START).days or 1
    return min(Decimal(1), Decimal((day - START).days) / total)


def _planned(assignment, day: dt.date) -> Decimal:
    """Planned percent on ``day`` under monthly milestones: the last month end on or before it."""
    last_month_end = month_end(day) if month_end(day) == day else month_end(day.replace(day=1) - dt.timedelta(days=1))
    if last_month_end < START:
        return Decimal(0)
    return (_fraction(assignment, min(last_month_end, assignment.deadline)) * 100).quantize(ONE, ROUND_HALF_UP)


def _fill_progress(assignment, pace: Decimal) -> None:
    """The fields accept_report and the nightly refresh keep: as of the last accepted period."""
    assignment.planned_percent = _planned(assignment, TODAY)
    assignment.planned_as_of = TODAY
    last = periods_between(START, TODAY, assignment.target.report_frequency)[-2]  # the last one is open
    assignment.progress_percent = min(Decimal(100), _planned(assignment, last.end) * pace).quantize(ONE, ROUND_HALF_UP)
    assignment.last_report_period = last.key


def _milestones(assignments) -> Iterator[dict]:
    for assignment in assignments:
        day = month_end(START)
        while day <= assignment.deadline:
            yield {
                "assignment_id": assignment.pk,
                "due_date": day,
                "granularity": Granularity.MONTH,
                "planned_percent": (_fraction(assignment, day) * 100).quantize(ONE, ROUND_HALF_UP),
                "planned_value": None,
                "description": "",
            }
            day = month_end(day + dt.timedelta(days=1))


def _reports(assignments, paces, staff, rng) -> Iterator[dict]:
    for assignment in assignments:
        periods = periods_between(START, TODAY, assignment.target.report_frequency)
        for index, period in enumerate(periods):
            if period.end > assignment.deadline and index:
                break
            is_last = index == len(periods) - 1
            percent = min(Decimal(100), _planned(assignment, period.end) * paces[id(assignment)])
            submitted = dt.datetime.combine(period.due - dt.timedelta(days=rng.randint(-2, 3)), dt.time(16))
            yield {
                "assignment_id": assignment.pk,
                "period": period.key,
                "period_end": period.end,
                "due_date": period.due,
                "progress_percent": percent.quantize(ONE, ROUND_HALF_UP),
                "actual_value": None,
                "work_done": "按计划推进",
                "problems": "",
                "next_plan": "",
                "suggestions": "",
                "return_reason": "",
                "status": ReportStatus.SUBMITTED if is_last else ReportStatus.ACCEPTED,
                "author_id": staff[assignment.unit_id].pk,
                "submitted_at": submitted.replace(tzinfo=dt.UTC),
            }


def insert_leaf_rows(model, rows) -> int:
    """Insert rows nothing else points at, given as dicts of field attnames.

    On PostgreSQL through COPY (the bulk of a province's three million reports) without building
    model instances; elsewhere through bulk_create. The columns are the model's own.
    """
    if connection.vendor != "postgresql":
        count = 0
        for batch in _batched(rows, BATCH):
            model.objects.bulk_create([model(**row) for row in batch])
            count += len(batch)
        return count
    count = 0
    for batch in _batched(rows, 50000):
        names = [*batch[0], *_auto_now_fields(model)]
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in batch:
            writer.writerow([_csv_value(row.get(name, _NOW)) for name in names])
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(sql, buffer)
        count += len(batch)
    return count


_NOW = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)


def _auto_now_fields(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]


def _csv_value(value):
    # NULL is spelled \N so that an empty string stays an empty string.
    if value is None:
        return "\\N"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _batched(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
