"""Helpers for the five lists' tests: travel to a Shanghai moment, file reports, run the scan."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accountability.models import Notice
from accountability.scan import run_scan
from tasks import services
from tasks.choices import AssignmentRole
from tests.factories import TargetFactory, named

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(day: dt.date, hour: int = 10, minute: int = 0, *, tick: bool = False):
    """Travel to ``hour`` o'clock on ``day`` in Shanghai; the clock stands still inside unless ``tick``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=tick)


def scan(day: dt.date, **options):
    """The nightly scan as beat runs it: at 02:00 on ``day``."""
    with at(day, 2):
        return run_scan(**options)


def file_report(assignment, author, day: dt.date, percent, *, period: str | None = None, accept_by=None, problems=""):
    with at(day, 16):
        report = services.save_report(
            assignment, acting_user=author, period_key=period, progress_percent=percent, work_done="按计划推进",
            problems=problems,
        )  # fmt: skip
        services.submit_report(report, acting_user=author)
    if accept_by is not None:
        with at(day, 17):
            services.accept_report(report, acting_user=accept_by)
    report.refresh_from_db()
    return report


def open_warning(assignment) -> Notice | None:
    return Notice.objects.open_warnings().filter(assignment=assignment).first()


JAN_1, JAN_2 = D(2018, 1, 1), D(2018, 1, 2)


def issue_single(unit, erin, leader, *, deadline: dt.date, start: dt.date = JAN_1, issued_on: dt.date = JAN_2):
    """A one-unit target with a monthly plan, issued on ``issued_on``."""
    target = TargetFactory(leader=leader, start_date=start, deadline=deadline)
    services.add_assignment(target, unit=unit, **named(unit), role=AssignmentRole.LEAD, acting_user=erin)
    with at(issued_on, 9):
        [assignment] = services.issue_target(target, acting_user=erin)
        services.generate_milestones(assignment, granularity="month", acting_user=erin)
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def co_assignment(issued_target, unit_b):
    return issued_target.assignments.get(unit=unit_b)
