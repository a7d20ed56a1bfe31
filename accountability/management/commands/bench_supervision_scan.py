"""python manage.py bench_supervision_scan [--assignments 12000] [--demo] — time the daily scan.

Not a test: it builds a synthetic year (targets × units, monthly plans, eight months of reports at
varied paces, the task notices already sent) inside one transaction, times the scan as beat would
run it on two mornings, prints the figures and rolls everything back. ``--demo`` times the scan on
the loaded demo instead (also rolled back).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accountability.choices import NoticeKind, NoticeStatus
from accountability.models import Notice, format_number
from accountability.models.rules import labelled_summary
from accountability.scan import run_scan
from core.access import RoleKind
from core.periods import month_end
from tasks.choices import AssignmentRole, AssignmentStatus, ReportStatus, Source, TargetStatus, TargetType
from tasks.models import Assignment, Milestone, ProgressReport, ResponsiblePerson, Role, Target, Unit, User
from tasks.services import system_user

YEAR = 2099  # far from any real data, and everything is rolled back anyway
UNITS_PER_TARGET = 10


class Rollback(Exception):
    pass


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Command(BaseCommand):
    help = "Time the supervision scan on a synthetic dataset (default 12,000 assignments) or on the demo."

    def add_arguments(self, parser):
        parser.add_argument("--assignments", type=int, default=12000)
        parser.add_argument("--demo", action="store_true", help="time the scan on the loaded demo instead")

    def handle(self, *args, assignments=12000, demo=False, verbosity=1, **options):
        self.verbosity = verbosity
        try:
            with transaction.atomic():
                if demo:
                    self._bench_demo()
                else:
                    self._bench_synthetic(assignments)
                raise Rollback
        except Rollback:
            self.stdout.write("(all changes rolled back)")

    def _time(self, label: str, day: dt.date) -> None:
        with override_settings(ZMD_TODAY=day), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = run_scan(day)
            elapsed = time.perf_counter() - started
        summary = ", ".join(f"{label} {value}" for label, value in labelled_summary(result.summary))
        self.stdout.write(f"{label}: {elapsed:.2f} s, {len(queries)} queries — {summary}")
        if self.verbosity > 1:
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
                self.stdout.write(f"    {query['time']} s  {query['sql'][:300]}")

    def _bench_demo(self) -> None:
        from tasks.demo import DEMO_DATE

        count = Assignment.objects.count()
        self.stdout.write(f"Demo: {count} assignments on {connection.vendor}")
        self._time(f"scan as of {DEMO_DATE} again (nothing new)", DEMO_DATE)
        self._time(
            f"scan as of {DEMO_DATE + dt.timedelta(days=1)} (the next morning)", DEMO_DATE + dt.timedelta(days=1)
        )

    def _bench_synthetic(self, count: int) -> None:
        started = time.perf_counter()
        self._build(count)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would have, on tables that grew this much
        self.stdout.write(
            f"Built {count} assignments ({Milestone.objects.filter(assignment__target__year=YEAR).count()} milestones, "
            f"{ProgressReport.objects.filter(assignment__target__year=YEAR).count()} reports) on {connection.vendor} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        self._time("scan as of 2099-09-01 (first warnings of the dataset)", dt.date(YEAR, 9, 1))
        self._time("scan as of 2099-09-02 (steady state: escalations only)", dt.date(YEAR, 9, 2))
        self._time("scan as of 2099-10-02 (a month on: escalations, new lags)", dt.date(YEAR, 10, 2))

    def _build(self, count: int) -> None:
        rng = random.Random(2018)
        office = system_user()
        units = Unit.objects.bulk_create(
            Unit(name=f"基准单位{YEAR}-{index:03d}", kind="county", sort_order=index)
            for index in range(count // 60 + 10)
        )
        named = {
            person.unit_id: person
            for person in ResponsiblePerson.objects.bulk_create(
                ResponsiblePerson(unit=unit, name=f"{unit.name}责任人", post="副县长", mobile="13800000000")
                for unit in units
            )
        }
        people = User.objects.bulk_create(
            User(username=f"bench{YEAR}-{unit.pk}", display_name=unit.name) for unit in units
        )
        Role.objects.bulk_create(
            Role(user=person, kind=RoleKind.STAFF, unit=unit) for person, unit in zip(people, units, strict=True)
        )
        targets = Target.objects.bulk_create(
            Target(
                year=YEAR, code=f"B-{index:05d}", title=f"基准目标任务{index}", source=Source.WORK_REPORT,
                target_type=TargetType.TASK, start_date=dt.date(YEAR, 1, 1), deadline=dt.date(YEAR, 12, 31),
                status=TargetStatus.ISSUED,
            )
            for index in range(count // UNITS_PER_TARGET)
        )  # fmt: skip
        issued_at = _aware(dt.date(YEAR, 1, 2), 9)
        assignments = Assignment.objects.bulk_create(
            Assignment(
                target=target, unit=units[(index * 7 + offset) % len(units)],
                role=AssignmentRole.LEAD if offset == 0 else AssignmentRole.CO, deadline=target.deadline,
                status=AssignmentStatus.IN_PROGRESS, issued_at=issued_at, signed_at=issued_at,
                person=named[units[(index * 7 + offset) % len(units)].pk], duty=target.title,
            )
            for index, target in enumerate(targets)
            for offset in range(UNITS_PER_TARGET)
        )  # fmt: skip
        month_ends = [month_end(dt.date(YEAR, month, 1)) for month in range(1, 13)]
        plan = {day: Decimal(round((day - dt.date(YEAR, 1, 1)).days / 364 * 100, 1)) for day in month_ends}
        Milestone.objects.bulk_create(
            [Milestone(assignment=a, due_date=day, granularity="month", planned_percent=plan[day])
             for a in assignments for day in month_ends],
            batch_size=5000,
        )  # fmt: skip
        reports = []
        for assignment in assignments:
            pace = rng.choices([1.0, 0.82, 0.5, 1.0], weights=[60, 20, 10, 10])[0]
            skips_august = rng.random() < 0.1
            for day in month_ends[:8]:
                if skips_august and day.month == 8:
                    continue
                reports.append(
                    ProgressReport(
                        assignment=assignment, period=f"{day:%Y-%m}", period_end=day, due_date=day.replace(day=28),
                        progress_percent=min(Decimal(100), (plan[day] * Decimal(pace)).quantize(Decimal("0.1"))),
                        work_done="按计划推进", status=ReportStatus.ACCEPTED, author=office,
                        submitted_at=_aware(day.replace(day=25)), filed_at=_aware(day.replace(day=25)),
                        reviewed_at=_aware(day.replace(day=27)),
                    )
                )  # fmt: skip
        ProgressReport.objects.bulk_create(reports, batch_size=5000)
        # The task notices went out when the assignments were issued.
        Notice.objects.bulk_create(
            [
                Notice(
                    kind=NoticeKind.TASK, year=YEAR, serial=index, number=format_number(NoticeKind.TASK, YEAR, index),
                    title="任务告知单", assignment=a, target_id=a.target_id, unit_id=a.unit_id, cause="issued",
                    body="-", status=NoticeStatus.CLOSED, issued_by=office, issued_at=issued_at, created_at=issued_at,
                )
                for index, a in enumerate(assignments, start=1)
            ],
            batch_size=5000,
        )  # fmt: skip
