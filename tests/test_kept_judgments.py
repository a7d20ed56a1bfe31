"""Each assignment's judgment kept for today and last month's end (``AssignmentDayJudgment``): after
every change a page's ``judge`` gives what judging afresh from the records gives, a read costs the
same queries for 10 assignments as for 100, and the rebuild command gives the same rows.

The issued target of conftest plans monthly from 2018-01-01 to 12-31 (15.9 % due on 02-28, 24.5 %
on 03-31); unit A (alice) leads, unit B (bob) cooperates.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.models import SupervisionRun
from accountability.scan.undo import undo_scan_run
from accountability.services import verify_and_close_out
from tasks import services
from tasks.choices import AssignmentStatus, WarningLevel
from tasks.judgment import state as judgment
from tasks.models import Assignment, AssignmentDayJudgment
from tasks.services.kept_judgments import forget_other_days, keepable_days, warm_kept_figures
from tasks.services.unit_completion import kept_days
from tests.factories import AssignmentFactory
from tests.judgment.helpers import warn
from tests.notice_helpers import D, at, co_assignment, file_report, issue_single, open_warning, scan

__all__ = ["co_assignment"]  # a fixture


def _kept_is_afresh(day, hour: int = 20) -> dict:
    """Judge every assignment on the kept days of ``day`` (at ``hour``) and the year's month ends
    before it (the battle map's) from the kept facts, twice (the second read all from kept rows),
    and afresh; all three must agree."""
    with at(day, hour):
        days = keepable_days(day)
        assert set(kept_days(day)) <= set(days)
        kept = judgment.judge_days(Assignment.objects.all(), days)
        again = judgment.judge_days(Assignment.objects.all(), days)
        afresh = judgment.judge_days_afresh(Assignment.objects.all(), days)
    assert kept == afresh
    assert again == afresh
    assert AssignmentDayJudgment.objects.exclude(day__in=days).count() == 0  # other days are forgotten
    return kept[day]


def test_kept_judgments_follow_every_change_they_are_judged_from(
    erin, alice, bob, leader, unit_a, lead_assignment, co_assignment
):
    lead, co = lead_assignment.pk, co_assignment.pk
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    assert _kept_is_afresh(D(2018, 2, 25))[lead].actual == 5
    report = file_report(co_assignment, bob, D(2018, 2, 26), 16)  # filed, not yet accepted: held
    assert _kept_is_afresh(D(2018, 2, 26))[co].actual == 16  # and the day rolled over
    with at(D(2018, 2, 26), 18):
        services.accept_report(report, acting_user=erin)
    assert _kept_is_afresh(D(2018, 2, 26))[co].actual == 16

    # The scan's warning (a set-based insert) raises the level in force; undoing it withdraws it.
    assert _kept_is_afresh(D(2018, 3, 1), hour=1)[lead].level == 0
    scan(D(2018, 3, 1))
    assert _kept_is_afresh(D(2018, 3, 1))[lead].state == judgment.State.YELLOW
    with at(D(2018, 3, 1), 9):
        undo_scan_run(SupervisionRun.objects.get(), acting_user=erin)
    assert _kept_is_afresh(D(2018, 3, 1))[lead].state == judgment.State.ON_PLAN
    scan(D(2018, 3, 1))
    assert open_warning(lead_assignment) is not None
    assert _kept_is_afresh(D(2018, 3, 1))[lead].level == 1

    # A report returned no longer counts.
    returned = file_report(co_assignment, bob, D(2018, 3, 2), 30, period="2018-03")
    assert _kept_is_afresh(D(2018, 3, 2))[co].actual == 30
    with at(D(2018, 3, 2), 18):
        services.return_report(returned, acting_user=erin, reason="数据有误")
    assert _kept_is_afresh(D(2018, 3, 2))[co].actual == 16

    # A milestone changed moves the plan.
    nodes = [
        {"due_date": node.due_date, "planned_percent": 20 if node.due_date == D(2018, 2, 28) else node.planned_percent}
        for node in co_assignment.milestones.order_by("due_date")
    ]
    with at(D(2018, 3, 2), 18):
        services.set_milestones(co_assignment, nodes, acting_user=erin)
    assert _kept_is_afresh(D(2018, 3, 2))[co].planned == 20

    # A claim made, refused; made again and verified with the close-out, which closes the warning.
    # (Each change on the day of the read before it: a new day alone would judge afresh.)
    with at(D(2018, 3, 2), 19):
        services.claim_completion(co_assignment, acting_user=bob, final_percent=100)
    assert _kept_is_afresh(D(2018, 3, 2))[co].state == judgment.State.CLAIMED
    with at(D(2018, 3, 2), 19):
        services.refuse_completion(co_assignment, acting_user=erin, reason="材料不全")
    assert _kept_is_afresh(D(2018, 3, 2))[co].state == judgment.State.ON_PLAN
    lead_assignment.refresh_from_db()
    with at(D(2018, 3, 2), 19):
        services.claim_completion(lead_assignment, acting_user=alice, final_percent=100)
        verify_and_close_out(Assignment.objects.get(pk=lead), acting_user=erin)
    assert open_warning(lead_assignment) is None
    done = _kept_is_afresh(D(2018, 3, 2))[lead]
    assert (done.state, done.actual) == (judgment.State.DONE, 100)
    with at(D(2018, 3, 2), 19):
        services.return_for_redo(Assignment.objects.get(pk=lead), acting_user=erin, reason="复核不达标")
    redone = _kept_is_afresh(D(2018, 3, 2))[lead]
    assert redone.state != judgment.State.DONE and redone.actual == 5  # the returned claim no longer counts

    # A deadline extended: overdue no more.
    with at(D(2018, 3, 6), 10):
        late = issue_single(unit_a, erin, leader, deadline=D(2018, 2, 28))
    assert _kept_is_afresh(D(2018, 3, 7))[late.pk].days_late == 7
    with at(D(2018, 3, 7), 11):
        request = services.request_extension(late, new_deadline=D(2018, 6, 30), reason="征地延误", acting_user=alice)
        services.decide_extension(request, grant=True, acting_user=erin, note="同意")
    assert _kept_is_afresh(D(2018, 3, 7))[late.pk].state != judgment.State.OVERDUE

    # The month rolls over: the end of March is now last month's end; the ends of January and
    # February stay kept (the battle map's months), judged again after the changes above.
    assert _kept_is_afresh(D(2018, 4, 2))[co].planned == 24.5
    assert AssignmentDayJudgment.objects.filter(day=D(2018, 3, 31)).exists()
    assert set(AssignmentDayJudgment.objects.values_list("day", flat=True)) == {
        D(2018, 1, 31),
        D(2018, 2, 28),
        D(2018, 3, 31),
        D(2018, 4, 2),
    }

    # A change that moves a month end older than last month's (February's plan) is seen there too.
    nodes = [
        {"due_date": node.due_date, "planned_percent": 18 if node.due_date == D(2018, 2, 28) else node.planned_percent}
        for node in co_assignment.milestones.order_by("due_date")
    ]
    with at(D(2018, 4, 2), 21):
        services.set_milestones(co_assignment, nodes, acting_user=erin)
    _kept_is_afresh(D(2018, 4, 2), hour=22)
    with at(D(2018, 4, 2), 22):
        assert judgment.judge_days(Assignment.objects.all(), [D(2018, 2, 28)])[D(2018, 2, 28)][co].planned == 18


def test_the_month_ends_of_the_year_are_kept_and_the_year_before_forgotten_but_its_last_day(
    lead_assignment, co_assignment
):
    with at(D(2018, 12, 20), 20):
        days = keepable_days(D(2018, 12, 20))
        judgment.judge_days(Assignment.objects.all(), days)
    assert days == [D(2018, month + 1, 1) - dt.timedelta(days=1) for month in range(1, 12)] + [D(2018, 12, 20)]
    assert AssignmentDayJudgment.objects.filter(day=D(2018, 6, 30)).count() == 2
    forget_other_days(D(2019, 1, 5))  # a new year: only its kept days and last month's end stay
    assert set(AssignmentDayJudgment.objects.values_list("day", flat=True)) == set()
    with at(D(2019, 1, 5), 20):
        judgment.judge_days(Assignment.objects.all(), keepable_days(D(2019, 1, 5)))
    assert keepable_days(D(2019, 1, 5)) == [D(2018, 12, 31), D(2019, 1, 5)]
    assert set(AssignmentDayJudgment.objects.values_list("day", flat=True)) == {D(2018, 12, 31), D(2019, 1, 5)}


def test_a_read_costs_the_same_queries_for_10_and_for_100_assignments(erin, bob, unit_a, unit_b):
    issued_at = dt.datetime(2018, 1, 2, 9, tzinfo=dt.UTC)
    for unit in (unit_b, *[unit_a] * 99):
        AssignmentFactory(unit=unit, issued_at=issued_at, status=AssignmentStatus.ISSUED)
    pks = list(Assignment.objects.order_by("pk").values_list("pk", flat=True))
    few, all_ = Assignment.objects.filter(pk__in=pks[:10]), Assignment.objects.filter(pk__in=pks)
    day = D(2018, 3, 15)

    def queries(assignments) -> int:
        with at(day, 20), CaptureQueriesContext(connection) as captured:
            judged = judgment.judge(assignments, day)
        assert len(judged) == assignments.count()
        return len(captured.captured_queries)

    with at(day, 20):
        warm_kept_figures()
    assert AssignmentDayJudgment.objects.filter(day=day).count() == 100
    kept_few, kept_all = queries(few), queries(all_)
    assert kept_few == kept_all == 1  # from the kept rows, in one query
    file_report(Assignment.objects.get(unit=unit_b), bob, D(2018, 3, 10), 20)  # one unit's version moves
    stale_few = queries(few)
    file_report(Assignment.objects.get(unit=unit_b), bob, D(2018, 3, 11), 25, period="2018-02")
    assert queries(all_) == stale_few > kept_few  # the stale unit judged afresh and kept, however many
    with at(day, 20):
        assert judgment.judge(all_, day) == judgment.judge_days_afresh(all_, [day])[day]


def test_the_rebuild_command_and_the_night_keep_the_same_rows(erin, alice, lead_assignment, co_assignment):
    file_report(lead_assignment, alice, D(2018, 3, 10), 20)
    kept = _kept_is_afresh(D(2018, 3, 15))
    AssignmentDayJudgment.objects.update(actual=99)  # a load that bypassed the services
    with at(D(2018, 3, 15), 20):
        call_command("rebuild_kept_figures", stdout=StringIO())
    assert AssignmentDayJudgment.objects.get(assignment=lead_assignment, day=D(2018, 3, 15)).actual == 20
    assert _kept_is_afresh(D(2018, 3, 15)) == kept
    with at(D(2018, 3, 16), 3):
        # Two assignments, two kept days and January's end (read above): the 15th forgotten.
        assert warm_kept_figures() == 6
    assert set(AssignmentDayJudgment.objects.values_list("day", flat=True)) == {
        D(2018, 3, 16),
        D(2018, 2, 28),
        D(2018, 1, 31),
    }
    AssignmentDayJudgment.objects.all().delete()
    with at(D(2018, 4, 2), 3):
        # The night keeps every month end of the year, read or not (the battle map's columns).
        assert warm_kept_figures() == 8
    assert _kept_is_afresh(D(2018, 4, 2)) is not None


def _behind(judged: dict) -> dict:
    return {pk: found for pk, found in judged.items() if found.behind}


def test_judge_behind_reads_what_judge_calls_behind_from_kept_stale_and_afresh_facts(
    erin, alice, bob, lead_assignment, co_assignment
):
    """``judge_behind`` lets the database leave out what cannot be behind: from the kept facts, from
    a stale unit's (kept before a warning: level 0 then), and on a day judged afresh."""
    all_ = Assignment.objects.all()
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 26), 16, accept_by=erin)
    scan(D(2018, 3, 1))  # the lead, 5 % against 15.9 % due, is warned; the co-unit is on plan
    day = D(2018, 3, 1)
    with at(day, 20):
        warm_kept_figures()
        kept = judgment.judge_behind(all_, day, carry=_CARRY, carried=(carried := {}))
        assert kept == _behind(judgment.judge(all_, day)) and list(kept) == [lead_assignment.pk]
        _assert_carried(carried, kept)
    warn([co_assignment], WarningLevel.RED, on=day)  # its unit's kept facts (level 0) go stale
    with at(day, 20):
        stale = judgment.judge_behind(all_, day, carry=_CARRY, carried=(carried := {}))
        assert stale == _behind(judgment.judge_days_afresh(all_, [day])[day])
        _assert_carried(carried, stale)
    assert set(stale) == {lead_assignment.pk, co_assignment.pk} and stale[co_assignment.pk].level == WarningLevel.RED
    with at(D(2018, 3, 20), 20):  # the 5th of March is not kept: judged afresh
        assert D(2018, 3, 5) not in keepable_days(D(2018, 3, 20))
        afresh = judgment.judge_behind(all_, D(2018, 3, 5), carry=_CARRY, carried=(carried := {}))
        assert afresh == _behind(judgment.judge_days_afresh(all_, [D(2018, 3, 5)])[D(2018, 3, 5)])
        _assert_carried(carried, afresh)
    assert set(afresh) == set(stale)


# A field the rule reads too (deadline, unit_id) and fields across the target and the unit.
_CARRY = ("target__code", "unit__name", "deadline", "unit_id")


def _assert_carried(carried: dict, judged: dict) -> None:
    """Each judged row's carried values are what a query of its own reads."""
    assert set(judged) <= set(carried)
    for pk in judged:
        assert carried[pk] == Assignment.objects.values_list(*_CARRY).get(pk=pk)
