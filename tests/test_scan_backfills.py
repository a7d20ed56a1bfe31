"""The scan's backfills after a finished run look only at what was issued or closed since it
(``runner.backfill_since``): each case here is one the narrowed look-up must still find.

In these tests no ``on_commit`` job runs (the test's transaction never commits): every issued
assignment is one whose task notice never went out, as if the broker were down.
"""

from __future__ import annotations

import datetime as dt

import pytest

from accountability.choices import NoticeKind, NoticeStatus
from accountability.models import Notice, SupervisionRun
from accountability.scan import as_of, run_scan
from accountability.scan.runner import BACKFILL_MARGIN, backfill_since
from accountability.scan.undo import undo_scan_run
from tasks import services
from tasks.choices import AssignmentRole, AssignmentStatus
from tasks.models import Assignment
from tests.factories import TargetFactory, named
from tests.notice_helpers import SHANGHAI, D, at, scan

pytestmark = pytest.mark.django_db


def _issue(unit, leader, erin, day: dt.date, hour: int = 10) -> Assignment:
    """A new target for ``unit`` alone, issued at ``hour`` on ``day`` (its task notice never sent)."""
    target = TargetFactory(leader=leader, start_date=dt.date(2018, 1, 1), deadline=dt.date(2018, 12, 31))
    services.add_assignment(target, unit=unit, **named(unit), role=AssignmentRole.LEAD, acting_user=erin)
    with at(day, hour):
        [assignment] = services.issue_target(target, acting_user=erin)
    return assignment


def _task_notices(assignment) -> list[Notice]:
    return list(Notice.objects.filter(kind=NoticeKind.TASK, assignment=assignment))


def _close_elsewhere(assignment, day: dt.date) -> None:
    """Closed without its close-out notice (as when the job that issues it was lost)."""
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.CLOSED, closed_at=at_moment(day, 11))


def at_moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def test_a_night_after_a_run_issues_the_task_notices_of_assignments_issued_since(erin, leader, unit_a, unit_b):
    first = _issue(unit_a, leader, erin, D(2018, 1, 2))
    scan(D(2018, 1, 4))  # the first run looks at everything
    assert len(_task_notices(first)) == 1
    later = _issue(unit_b, leader, erin, D(2018, 1, 9))
    result = scan(D(2018, 1, 10))
    assert [n.assignment_id for n in result.issued if n.kind == NoticeKind.TASK] == [later.pk]


def test_an_assignment_stamped_before_the_last_run_but_seen_only_after_it_gets_its_task_notice(
    erin, leader, unit_a, unit_b
):
    _issue(unit_a, leader, erin, D(2018, 1, 2))
    scan(D(2018, 1, 4))
    # Stamped at 01:00, an hour before the 02:00 run, by a transaction that committed after the run
    # had read: the next night's look-up starts a margin before the run.
    late = _issue(unit_b, leader, erin, D(2018, 1, 4), hour=1)
    scan(D(2018, 1, 5))
    assert len(_task_notices(late)) == 1


def test_a_close_out_notice_withdrawn_with_an_undone_run_is_issued_again_by_the_next_night(
    erin, leader, unit_a, unit_b
):
    assignment = _issue(unit_a, leader, erin, D(2018, 1, 2))
    scan(D(2018, 1, 4))
    _close_elsewhere(assignment, D(2018, 1, 6))
    backfilled = scan(D(2018, 1, 10))
    [close_out] = [n for n in backfilled.issued if n.kind == NoticeKind.CLOSE_OUT]
    with at(D(2018, 1, 11), 9):
        undo_scan_run(SupervisionRun.objects.get(day=D(2018, 1, 10)), acting_user=erin)
    assert Notice.all_notices.get(pk=close_out.pk).status == NoticeStatus.WITHDRAWN
    # The last run is the 01-04 one again: the assignment closed on 01-06 is looked at (the undone
    # run's start, 01-10, would have left it out).
    again = scan(D(2018, 1, 12))
    assert [n.assignment_id for n in again.issued if n.kind == NoticeKind.CLOSE_OUT] == [assignment.pk]


def test_after_a_replayed_day_the_next_night_looks_from_that_day_not_from_when_it_was_replayed(
    erin, leader, unit_a, unit_b
):
    _issue(unit_a, leader, erin, D(2018, 1, 2))
    scan(D(2018, 1, 3))
    # Issued on 01-08, then the 01-06 scan replayed on 01-12 (it judges 01-06: it does not see it).
    late = _issue(unit_b, leader, erin, D(2018, 1, 8))
    with at(D(2018, 1, 12), 1):
        replayed = run_scan(D(2018, 1, 6))
    assert not [n for n in replayed.issued if n.assignment_id == late.pk]
    scan(D(2018, 1, 12))
    assert len(_task_notices(late)) == 1


def test_a_run_of_the_same_day_again_and_a_first_run_look_at_everything(erin, leader, unit_a):
    with at(D(2018, 1, 4), 2):
        assert backfill_since(as_of(), None) is None
        start = at_moment(D(2018, 1, 3), 2)
        assert backfill_since(as_of(), (D(2018, 1, 4), start)) is None  # same day (or a pinned ZMD_TODAY)
        assert backfill_since(as_of(), (D(2018, 1, 3), start)) == start - BACKFILL_MARGIN


def test_a_closed_assignment_is_looked_at_again_when_it_is_closed_again_after_a_redo(erin, leader, unit_a):
    assignment = _issue(unit_a, leader, erin, D(2018, 1, 2))
    _close_elsewhere(assignment, D(2018, 1, 3))
    first = scan(D(2018, 1, 4))
    assert [n.assignment_id for n in first.issued if n.kind == NoticeKind.CLOSE_OUT] == [assignment.pk]
    # Returned for redo, closed again long after: a new close-out, a new notice.
    Assignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.IN_PROGRESS, closed_at=None)
    scan(D(2018, 2, 1))
    _close_elsewhere(assignment, D(2018, 3, 1))
    again = scan(D(2018, 3, 2))
    assert [n.assignment_id for n in again.issued if n.kind == NoticeKind.CLOSE_OUT] == [assignment.pk]
