"""A deterministic synthetic year (``make_bench_data``): the ledger's rows at city or province scale.

Rows go through the models with ``bulk_create`` in batches (leaves through COPY), so the schema,
defaults and constraints are the real ones; history rows are not written (a benchmark year has no
people editing it) and the denormalised fields the services keep (progress, planned progress,
warning colour) are filled the way the services would have left them. Memory stays flat: targets
are generated a chunk at a time. Beside the ledger: the five lists (``bench.notices``), the points
ledger's entries for late and missing reports and completed assignments, and one disclosure
prepared, approved and published through the services. A ``Dataset`` row, written last, names
what the database holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test.utils import override_settings

from accountability.choices import RuleCode
from accountability.models import (
    Disclosure,
    InboxMessage,
    Notice,
    NoticeCounter,
    NoticeTally,
    ScoreEntry,
    ScoreRule,
    ScoringRun,
    SupervisionRun,
)
from accountability.services.disclosure import approve_disclosure, prepare_disclosure, publish_disclosure
from accountability.services.points import rebuild_unit_month_points
from accountability.services.rules import ensure_default_rules
from core.access import RoleKind
from core.periods import Frequency, Granularity, month_end, periods_between
from tasks.choices import (
    AssignmentRole,
    AssignmentStatus,
    ReportStatus,
    ShareRule,
    Source,
    TargetStatus,
    TargetType,
    UnitKind,
)
from tasks.models import (
    Assignment,
    HeldReport,
    Leader,
    Milestone,
    ProgressReport,
    ResponsiblePerson,
    Role,
    Target,
    Unit,
    User,
)
from tasks.services.kept_judgments import rebuild_kept_judgments
from tasks.services.unit_completion import rebuild_unit_completion
from tasks.services.year_progress import rebuild_year_progress

from .models import Dataset
from .notices import LOCAL, NoticeBook, local, planned_counts, share
from .scales import BENCH_PREFIX, START, TODAY, YEAR, Scale

# Raise when the generator's output changes: run_bench then generates the data again.
VERSION = 2
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
    if not (Unit.objects.exists() or Dataset.objects.exists() or Disclosure.objects.exists()):
        return  # nothing to remove (truncating many empty tables still takes a second)
    models = (
        Dataset,
        InboxMessage,
        ScoreEntry,
        ScoringRun,
        SupervisionRun,
        Notice,
        NoticeTally,  # kept by triggers, which a TRUNCATE does not fire
        HeldReport,  # the same, and without a foreign key that CASCADE would follow
        NoticeCounter,
        Disclosure,
        Disclosure.history.model,
        ProgressReport,
        Milestone,
        Assignment,
        ResponsiblePerson,
        Target,
        Role,
        Leader,
        Unit,
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
            with connection.cursor() as cursor:
                # Deferred foreign-key checks of rows inserted earlier in this transaction must
                # run first: PostgreSQL refuses to truncate a table with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            # No TRUNCATE … CASCADE: the rows that point at these tables (kept figures, stamps) go too,
            # or the deferred foreign-key check fails at commit.
            for model in _with_dependents(models):
                model.objects.all()._raw_delete(model.objects.db)
        User.objects.filter(username__startswith="bench_").delete()


def _with_dependents(models) -> list:
    """``models`` and every model whose enforced foreign key points at one of them, recursively."""
    from django.apps import apps

    found = list(models)
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found or model._meta.proxy or not model._meta.managed:
                continue
            if any(
                field.many_to_one or field.one_to_one
                for field in model._meta.concrete_fields
                if field.is_relation and field.db_constraint and field.related_model in found
            ):
                found.append(model)
                grew = True
    return found


def existing_dataset() -> Dataset | None:
    return Dataset.objects.order_by("-pk").first()


def generate(scale: Scale, *, seed: int = 2018, log: Callable[[str], None] = print) -> dict[str, int]:
    check_database_is_for_benchmarks()
    clear_benchmark_data()
    rng = random.Random(seed)
    started = time.monotonic()
    ensure_default_rules()
    units, staff = _organisation(scale)
    leaders = list(Leader.objects.filter(post__startswith=BENCH_PREFIX).order_by("pk"))
    office = User.objects.get(username="bench_office")
    year = _Year(scale, rng, staff, office)
    counts = {"units": len(units), "targets": 0, "assignments": 0, "milestones": 0, "reports": 0}
    for first in range(0, scale.targets, TARGET_CHUNK):
        numbers = range(first, min(first + TARGET_CHUNK, scale.targets))
        with transaction.atomic():
            chunk = _targets_chunk(scale, numbers, rng, units, staff, leaders, year)
        for name, value in chunk.items():
            counts[name] += value
        log(f"  targets {counts['targets']:>7,} / {scale.targets:,}   reports {counts['reports']:>10,}")
    with transaction.atomic():
        year.fill_supervision(scale.notices)
        year.flush()
        year.book.save_counters()
        _continue_sequences([Notice, ProgressReport])
    counts["notices"] = Notice.objects.count()
    counts["score_entries"] = ScoreEntry.objects.count()
    # Statistics first: the rebuilds below judge every assignment, and on tables the planner has
    # never analysed (millions of rows just copied in) it picks plans that ran for hours at region scale.
    tidy_database()
    # The rows went in past the services, which keep these figures as they write.
    counts["year_progress_days"] = rebuild_year_progress()
    counts["unit_months"] = rebuild_unit_month_points()
    rebuild_unit_completion(today=TODAY)  # kept rows for the measured day; no new base rows: same VERSION
    rebuild_kept_judgments(today=TODAY)
    tidy_database()
    counts["disclosures"] = _publish_disclosure(office)
    counts["seconds"] = round(time.monotonic() - started, 1)
    Dataset.objects.create(scale=scale.name, seed=seed, version=VERSION, counts=counts)
    return counts


def tidy_database() -> None:
    """Fresh planner statistics and no dead rows, as autovacuum would leave a table at rest: rows
    rolled back by a measure (the Excel one writes 100,000) or updated here otherwise bloat the
    tables and mislead the planner, and figures would depend on what ran before."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (the tests run in one): there, statistics only.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _publish_disclosure(office: User) -> int:
    """The month's publication, made as the office makes it, so that the public page has something to show."""
    # The office prepares, a city leader approves (never the one who prepared it), the office publishes.
    leader = Role.objects.filter(kind=RoleKind.LEADER, leader__post__startswith=BENCH_PREFIX).order_by("pk").first()
    with override_settings(ZMD_TODAY=TODAY):
        draft = prepare_disclosure(month=TODAY.replace(day=1), acting_user=office)
        publish_disclosure(approve_disclosure(draft, acting_user=leader.user), acting_user=office)
    return 1


def _continue_sequences(models) -> None:
    """Rows were given their ids here: the database's own numbering continues after them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            next_id = f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1"
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), {next_id}, false)", [table])


class _Year:
    """What runs across chunks: the ids given to reports and notices, the notice numbers, the
    counts spread evenly over the assignments, the points rules."""

    def __init__(self, scale: Scale, rng, staff, office):
        self.rng = rng
        self.staff = staff
        self.next_report_id = (ProgressReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        first_notice = (Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self.book = NoticeBook(first_id=first_notice, office_id=office.pk, today=TODAY)
        self.planned = planned_counts(scale.assignments, scale.notices)
        self.total = scale.assignments
        self.index = 0  # of the next assignment over the whole year
        self.rules = dict(ScoreRule.objects.values_list("code", "pk"))
        self.amounts = dict(ScoreRule.objects.values_list("code", "amount"))
        self.entries: list[dict] = []
        self.some_assignments: list[Assignment] = []  # the supervision notices at the end are about these

    def is_closed_out(self, index: int) -> bool:
        return bool(share(index, self.total, self.planned["close_out"]))

    def report_id(self) -> int:
        self.next_report_id += 1
        return self.next_report_id - 1

    def entry(self, code: str, unit_id: int, day: dt.date, reason: str, cause_key: str, **links) -> None:
        self.entries.append(
            {
                "unit_id": unit_id,
                "rule_id": self.rules[code],
                "amount": self.amounts[code],
                "occurred_on": day,
                "reason": reason[:300],
                "cause_key": cause_key,
                "target_id": links.get("target_id"),
                "assignment_id": links.get("assignment_id"),
                "period": links.get("period", ""),
                "report_id": links.get("report_id"),
                "proposal_reply_id": None,
                "reverses_id": None,
                "run_id": None,
                "created_at": local(day, 23),
            }
        )

    def notices_for(self, assignments) -> None:
        for assignment in assignments:
            staff_id = self.staff[assignment.unit_id].pk
            index = self.index
            self.index += 1
            self.book.task_notice(assignment, staff_id)
            if assignment.status == AssignmentStatus.CLOSED:
                self.book.close_out_notice(assignment, staff_id)
            self.book.warnings(assignment, self.rng, staff_id)
            if share((index + self.total // 2) % self.total, self.total, self.planned["exposure"]):
                self.book.exposure(assignment, self.rng, staff_id, published=index % 2 == 0)
            if len(self.some_assignments) < 5000:
                self.some_assignments.append(assignment)

    def fill_supervision(self, notices: int) -> None:
        """Supervision notices bring the count to the scale's figure."""
        missing = notices - sum(self.book.serials.values())
        if missing < 0:
            raise ValueError(f"the scale's {notices:,} notices are too few for its assignments and warnings")
        for n in range(missing):
            assignment = self.some_assignments[(n * 7) % len(self.some_assignments)]
            self.book.supervision(assignment, self.rng, self.staff[assignment.unit_id].pk)

    def flush(self) -> None:
        # Notices point at assignments, targets, units and reports already saved; nothing points at them.
        insert_leaf_rows(Notice, self.book.take_rows())
        insert_leaf_rows(ScoreEntry, self.entries)
        self.entries = []


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
    # One named 责任人 per unit: every issued link names a person and a duty (a database check).
    people = ResponsiblePerson.objects.bulk_create(
        [
            ResponsiblePerson(unit=unit, name=f"{unit.name}责任人", post="副县长", mobile="13800000000")
            for unit in units
        ],
        batch_size=BATCH,
    )
    for unit, person in zip(units, people, strict=True):
        unit.bench_person = person
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


def _targets_chunk(scale, numbers, rng, units, staff, leaders, year: _Year) -> dict[str, int]:
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
                    person=unit.bench_person,
                    duty=target.title,
                    responsible_person=f"{unit.name}责任人",
                    issued_at=ISSUED_AT,
                    signed_at=ISSUED_AT + dt.timedelta(days=1, hours=2),
                )
            )
    # Most units keep to plan; a sixth falls somewhat behind, a twelfth far behind.
    paces = {id(a): _pace(rng) for a in assignments}
    for offset, assignment in enumerate(assignments):
        _fill_progress(assignment, paces[id(assignment)])
        if year.is_closed_out(year.index + offset):
            _close_out(assignment, rng)
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    milestones = insert_leaf_rows(Milestone, _milestones(assignments))
    reports = insert_leaf_rows(ProgressReport, _reports(assignments, paces, staff, rng, year))
    year.notices_for(assignments)
    _completion_entries(assignments, year)
    Assignment.objects.bulk_update([a for a in assignments if a.warning_level], ["warning_level"], batch_size=BATCH)
    year.flush()
    return {"targets": len(targets), "assignments": len(assignments), "milestones": milestones, "reports": reports}


ISSUED_AT = local(dt.date(YEAR, 1, 2))


def _pace(rng) -> Decimal:
    low, high = rng.choices([(0.95, 1.1), (0.75, 0.92), (0.45, 0.7)], weights=[75, 17, 8])[0]
    return Decimal(str(round(rng.uniform(low, high), 2)))


def _close_out(assignment, rng) -> None:
    """Finished and closed out (销号) during the summer."""
    assignment.status = AssignmentStatus.CLOSED
    assignment.progress_percent = Decimal(100)
    closed = dt.date(YEAR, rng.randint(6, 8), rng.randint(1, 28))
    assignment.closed_at = local(closed, 15)


def _completion_entries(assignments, year: _Year) -> None:
    for assignment in assignments:
        if assignment.status != AssignmentStatus.CLOSED:
            continue
        code = RuleCode.COMPLETED_LEAD if assignment.role == AssignmentRole.LEAD else RuleCode.COMPLETED_CO
        year.entry(
            code,
            assignment.unit_id,
            assignment.closed_at.astimezone(LOCAL).date(),
            f"完成“{assignment.target.title}”并销号",
            f"assignment:{assignment.pk}",
            assignment_id=assignment.pk,
            target_id=assignment.target_id,
        )


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
    assignment.planned_node_due = max((day for day in _node_days(assignment) if day <= TODAY), default=None)
    assignment.planned_as_of = TODAY
    last = periods_between(START, TODAY, assignment.target.report_frequency)[-2]  # the last one is open
    # What the scan compares: the plan at the end of the period reported on, not today's plan.
    assignment.planned_when_reported = _planned(assignment, last.end)
    assignment.progress_percent = min(Decimal(100), assignment.planned_when_reported * pace).quantize(
        ONE, ROUND_HALF_UP
    )
    assignment.last_report_period = last.key


def _node_days(assignment) -> Iterator[dt.date]:
    """The due dates of the assignment's plan nodes: every month end from the start to its deadline."""
    day = month_end(START)
    while day <= assignment.deadline:
        yield day
        day = month_end(day + dt.timedelta(days=1))


def _milestones(assignments) -> Iterator[dict]:
    for assignment in assignments:
        for day in _node_days(assignment):
            yield {
                "assignment_id": assignment.pk,
                "due_date": day,
                "granularity": Granularity.MONTH,
                "planned_percent": (_fraction(assignment, day) * 100).quantize(ONE, ROUND_HALF_UP),
                "planned_value": None,
                "description": "",
            }


def _submitted_on(period, rng) -> dt.date:
    """Most reports arrive a few days early; some late (within the grace days), a few very late."""
    roll = rng.random()
    if roll < 0.06:
        return period.due + dt.timedelta(days=rng.randint(1, 3))
    if roll < 0.065:
        return period.due + dt.timedelta(days=settings.ZMD_REPORT_MISSING_AFTER_DAYS + rng.randint(2, 10))
    return period.due - dt.timedelta(days=rng.randint(0, 3))


def _reports(assignments, paces, staff, rng, year: _Year) -> Iterator[dict]:
    grace = settings.ZMD_REPORT_MISSING_AFTER_DAYS
    for assignment in assignments:
        periods = periods_between(START, TODAY, assignment.target.report_frequency)
        for index, period in enumerate(periods):
            if period.end > assignment.deadline and index:
                break
            is_last = index == len(periods) - 1
            percent = min(Decimal(100), _planned(assignment, period.end) * paces[id(assignment)])
            day = min(_submitted_on(period, rng), TODAY)
            report_id = year.report_id()
            late = (day - period.due).days
            links = {"assignment_id": assignment.pk, "target_id": assignment.target_id}
            if 0 < late <= grace:
                year.entry(
                    RuleCode.REPORT_LATE, assignment.unit_id, day, f"{period.key}进度报告逾期{late}天报送",
                    f"report:{report_id}", report_id=report_id, **links,
                )  # fmt: skip
            elif late > grace:
                missing_on = period.due + dt.timedelta(days=grace + 1)
                year.entry(
                    RuleCode.REPORT_MISSING, assignment.unit_id, missing_on, f"{period.key}进度报告逾期未报送",
                    f"assignment:{assignment.pk}:{period.key}", period=period.key, **links,
                )  # fmt: skip
            yield {
                "id": report_id,
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
                "submitted_at": local(day, 16),
                "filed_at": local(day, 16),  # the staff's filing, which lateness reads
                "returned_by_role": "",
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
