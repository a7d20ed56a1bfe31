"""Exactly once under concurrency: two scans at once, many issuers at once, a scan that dies midway.

The threaded tests need a database where two connections really write at the same time; they run
on PostgreSQL (CI). SQLite's in-memory test database shares one cache between threads and locks
whole tables, so there they are skipped (and ZMD_NO_SKIPS makes CI fail if they ever skip there).
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from accountability import services
from accountability.choices import MessageKind, NoticeKind
from accountability.models import InboxMessage, Notice, NoticeCounter, SupervisionRun
from accountability.scan import runner
from core.access import RoleKind
from tasks import services as ledger
from tasks.choices import AssignmentRole, UnitKind
from tests.factories import RoleFactory, TargetFactory, UnitFactory, UserFactory, named
from tests.notice_helpers import D, at, file_report, issue_single, open_warning, scan

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (run in CI)"
)


def _in_threads(count: int, work) -> list:
    """Run ``work(index)`` in ``count`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def wide_target(transactional_db, erin, leader):
    """Eight units on one target, issued on 2018-01-02 with a monthly plan."""
    target = TargetFactory(leader=leader, start_date=D(2018, 1, 1), deadline=D(2018, 12, 31))
    for index in range(8):
        unit = UnitFactory(name=f"并发县{index}", kind=UnitKind.COUNTY)
        role = AssignmentRole.LEAD if index == 0 else AssignmentRole.CO
        ledger.add_assignment(target, unit=unit, **named(unit), role=role, acting_user=erin)
    with at(D(2018, 1, 2), 9):
        for assignment in ledger.issue_target(target, acting_user=erin):
            ledger.generate_milestones(assignment, granularity="month", acting_user=erin)
    return list(target.assignments.order_by("pk"))


@needs_postgres
def test_eight_issuers_at_once_get_eight_numbers_without_gap_or_duplicate(erin, wide_target):
    def issue(index):
        return services.issue_supervision(
            wide_target[index], acting_user=erin, problem="问题", required_action="整改", due_date=D(2018, 3, 31)
        ).serial

    with at(D(2018, 3, 1)):  # time-machine moves the clock of every thread
        serials = _in_threads(8, issue)
    assert sorted(serials) == list(range(1, 9))
    assert NoticeCounter.objects.get(kind=NoticeKind.SUPERVISION, year=2018).last_serial == 8


@needs_postgres
def test_two_scans_at_once_issue_each_notice_once(erin, wide_target):
    for index, assignment in enumerate(wide_target):
        RoleFactory(user=UserFactory(username=f"staff{index}"), kind=RoleKind.STAFF, unit=assignment.unit)
        if index % 2 == 0:  # half the units fall behind; the other half miss their February report
            file_report(assignment, erin, D(2018, 2, 25), 2, accept_by=erin)

    with at(D(2018, 3, 1), 2):
        results = _in_threads(2, lambda _index: runner.run_scan().summary)
    keys = Counter(Notice.objects.values_list("kind", "assignment_id", "cause", "period"))
    assert keys and max(keys.values()) == 1
    warnings = Notice.objects.filter(kind=NoticeKind.WARNING)
    assert sorted(warnings.values_list("serial", flat=True)) == list(range(1, 9))
    assert sorted(result["warnings_issued"] for result in results) == [0, 8]
    assert Notice.objects.filter(kind=NoticeKind.TASK).count() == 8  # backfilled once
    # One digest per person (the four units without a report are reminded), however many scans ran.
    assert InboxMessage.objects.filter(kind=MessageKind.DIGEST).count() == 4
    assert sorted(result.get("digests", 0) for result in results) == [0, 4]
    assert SupervisionRun.objects.filter(finished_at__isnull=False).count() == 2


def test_a_scan_that_dies_midway_is_completed_by_the_next_run(erin, alice, leader, unit_a, monkeypatch):
    """A worker killed during the scan: the steps it finished stay, the next run does the rest."""

    first = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(first, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))  # red far behind
    real_propose = runner.propose_exposures

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(runner, "propose_exposures", killed)
    with pytest.raises(SystemExit, match="worker killed"):
        scan(D(2018, 4, 1))  # warnings step done, exposure step lost
    assert not Notice.objects.filter(kind=NoticeKind.EXPOSURE).exists()
    assert open_warning(first).number  # the red is still there and still open
    monkeypatch.setattr(runner, "propose_exposures", real_propose)
    scan(D(2018, 4, 1))
    assert Notice.objects.filter(kind=NoticeKind.EXPOSURE).count() == 1
    assert SupervisionRun.objects.filter(day=D(2018, 4, 1), finished_at__isnull=True).count() == 1
