"""A leader post's weekly trend (我分管的) is read from days kept for that post (``LeaderProgressDay``):
it must stay what the scope's own milestones and accepted reports say, after a change to the figures
(kept by the services' difference) and after a change to the scope itself (rebuilt on the next read)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks import services
from tasks.models import Assignment, Field, LeaderProgressDay, LeaderTrendStamp
from tasks.selectors.dashboard import shown_trend, weekly_trend
from tasks.selectors.scope import leader_scope
from tasks.services.leader_progress import rebuild_leader_progress
from tasks.services.scope import set_leader_scope
from tasks.services.year_progress import keeping_year_progress
from tests.factories import LeaderFactory, UnitFactory
from tests.workspace_data import at, filed_report, issued_target_of

D = dt.date
TODAY = D(2018, 9, 30)


def _kept_rows() -> dict:
    return {
        (row.leader_id, row.year, row.day): (row.planned_increase, row.actual_increase)
        for row in LeaderProgressDay.objects.all()
        if row.planned_increase or row.actual_increase
    }


def _fresh(leader) -> bool:
    stamp = LeaderTrendStamp.objects.filter(leader=leader).first()
    return stamp is not None and stamp.version == stamp.kept_version


def _assert_kept(*leaders):
    """Each leader's kept trend is the live one over his scope, and a rebuild finds the same days."""
    issued = Assignment.objects.filter(target__year=2018).exclude(status="draft")
    for leader in leaders:
        scope = leader_scope(leader)
        mine = scope.assignments(issued)
        assert shown_trend(mine, 2018, TODAY, scope=scope) == weekly_trend(mine, 2018, TODAY)
    kept = _kept_rows()
    rebuild_leader_progress([leader.pk for leader in leaders])
    assert _kept_rows() == kept


def _start_kept(*leaders):
    rebuild_leader_progress()
    for leader in leaders:
        assert _fresh(leader)


def test_an_accepted_then_reopened_report_is_kept_without_a_rebuild(issued_target, leader, alice, erin):
    other = LeaderFactory(post="副市长（另一位）")
    _start_kept(leader, other)
    lead = issued_target.assignments.get(unit__name="甲县")
    report = filed_report(lead, alice, day=D(2018, 6, 25), percent=40, period="2018-06")
    with at(D(2018, 6, 28)):
        services.accept_report(report, acting_user=erin)
    assert _fresh(leader)  # kept by the service's difference, not by a rebuild on read
    trend = shown_trend(
        leader_scope(leader).assignments(Assignment.objects.all()), 2018, TODAY, scope=leader_scope(leader)
    )
    assert trend["actual"][-1] == 20.0  # two assignments: 40 % and nothing
    assert not LeaderProgressDay.objects.filter(leader=other).exists()  # not in his scope
    _assert_kept(leader, other)
    with at(D(2018, 6, 29)):
        services.reopen_report(report, acting_user=erin, reason="核实有误")
    assert _fresh(leader)
    _assert_kept(leader, other)


def test_a_changed_plan_and_a_newly_issued_target_are_kept(issued_target, leader, erin, unit_a, unit_b):
    _start_kept(leader)
    lead = issued_target.assignments.get(unit=unit_a)
    services.set_milestones(
        lead,
        [
            {"due_date": D(2018, 6, 30), "planned_percent": Decimal(80)},
            {"due_date": D(2018, 12, 31), "planned_percent": 100},
        ],
        acting_user=erin,
    )
    issued_target_of(unit_b, office=erin, leader=leader, co_units=[unit_a])
    assert _fresh(leader)
    _assert_kept(leader)


def test_a_leader_given_a_field_or_a_unit_has_his_trend_rebuilt(issued_target, leader, erin, unit_a, unit_b):
    other = LeaderFactory(post="副市长（交通）")
    traffic = Field.objects.create(name="交通")
    services.update_target(issued_target, acting_user=erin, areas=[traffic])
    _start_kept(leader, other)
    assert not any(key[0] == other.pk for key in _kept_rows())
    set_leader_scope(other, whole_city=False, units=[], fields=[traffic], acting_user=erin)
    assert not _fresh(other)
    _assert_kept(leader, other)
    assert LeaderProgressDay.objects.filter(leader=other).exclude(planned_increase=0).exists()
    third = LeaderFactory(post="副市长（乙局）")
    _start_kept(third)
    third.units.add(unit_b)  # the admin's path: the m2m signal, not a service
    assert not _fresh(third)
    _assert_kept(leader, other, third)
    unit_b.leaders.remove(third)  # from the unit's side
    assert not _fresh(third)
    _assert_kept(third)
    assert not any(key[0] == third.pk for key in _kept_rows())


def test_a_target_given_another_leader_moves_its_trend(issued_target, leader, erin):
    other = LeaderFactory(post="副市长（接任）")
    _start_kept(leader, other)
    services.update_target(issued_target, acting_user=erin, leader=other)
    _assert_kept(leader, other)
    assert not LeaderProgressDay.objects.filter(leader=leader).exclude(planned_increase=0).exists()
    assert LeaderProgressDay.objects.filter(leader=other).exclude(planned_increase=0).exists()


def test_an_assignment_moved_to_another_unit_moves_between_the_units_leaders(issued_target, leader, erin, unit_b):
    """The breakdown import writes a moved link's unit in bulk inside ``keeping_year_progress``."""
    of_b, of_c = LeaderFactory(post="副市长（乙局）"), LeaderFactory(post="副市长（丙局）")
    unit_c = UnitFactory(name="丙局")
    of_b.units.add(unit_b)
    of_c.units.add(unit_c)
    _start_kept(leader, of_b, of_c)
    co = issued_target.assignments.get(unit=unit_b)
    with keeping_year_progress(target_ids=[issued_target.pk]):
        Assignment.objects.filter(pk=co.pk).update(unit=unit_c)
    assert _fresh(of_b) and _fresh(of_c)
    _assert_kept(leader, of_b, of_c)
    assert not LeaderProgressDay.objects.filter(leader=of_b).exclude(planned_increase=0).exists()


def test_an_assignment_in_scope_twice_counts_once(issued_target, leader, erin, unit_a):
    leader.units.add(unit_a)  # his target's lead unit is also his unit
    _start_kept(leader)
    _assert_kept(leader)


def test_a_person_holding_two_posts_sees_the_union_counted_once(issued_target, leader, erin, unit_a):
    other = LeaderFactory(post="副市长（甲县）")
    other.units.add(unit_a)
    scope = leader_scope([leader, other])
    mine = scope.assignments(Assignment.objects.exclude(status="draft"))
    assert shown_trend(mine, 2018, TODAY, scope=scope) == weekly_trend(mine, 2018, TODAY)


def test_the_dashboard_reads_a_leaders_trend_without_reading_the_reports(
    client, issued_target, leader, dave, alice, erin, unit_a, unit_b
):
    def trend_queries() -> tuple[int, list[str]]:
        with at(TODAY), CaptureQueriesContext(connection) as queries:
            response = client.get("/dashboard/")
        assert response.status_code == 200
        return len(queries), [q["sql"] for q in queries if "progressreport" in q["sql"] and "LAG" in q["sql"].upper()]

    client.force_login(dave)
    trend_queries()  # the first read keeps his days
    few, lagged = trend_queries()
    assert lagged == []  # no LAG over his scope's reports
    for _ in range(3):
        target = issued_target_of(unit_a, office=erin, leader=leader, co_units=[unit_b])
        report = filed_report(target.assignments.get(unit=unit_a), alice, percent=30, period="2018-06")
        with at(D(2018, 6, 28)):
            services.accept_report(report, acting_user=erin)
    assert _fresh(leader)  # the reports were added to his days: no rebuild on the next read
    assert trend_queries()[1] == []
    more, lagged = trend_queries()  # (once the units' kept completion, stale after the reports, is kept again)
    assert lagged == []
    assert more == few


def test_a_day_that_raises_nothing_starts_neither_trend(issued_target, leader, erin, unit_a):
    """A 0 % milestone early in the year: no kept day (nothing rises), and the live trend does not
    start on it either."""
    _start_kept(leader)
    services.set_milestones(
        issued_target.assignments.get(unit=unit_a),
        [
            {"due_date": D(2018, 1, 15), "planned_percent": Decimal(0)},
            {"due_date": D(2018, 6, 30), "planned_percent": Decimal(50)},
            {"due_date": D(2018, 12, 31), "planned_percent": 100},
        ],
        acting_user=erin,
    )
    _assert_kept(leader)
