"""The dashboard's weekly trend is read from days the services keep (``YearProgressDay``): it must
stay what the milestones and accepted reports say, whatever order things happen in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tasks import services
from tasks.models import Assignment, YearProgressDay
from tasks.selectors.dashboard import weekly_trend, year_trend
from tasks.services.year_progress import rebuild_year_progress
from tests.factories import TargetFactory, named
from tests.workspace_data import at, filed_report, issued_target_of

D = dt.date
TODAY = D(2018, 9, 30)


def _kept() -> dict:
    return {
        (row.year, row.day): (row.planned_increase, row.actual_increase)
        for row in YearProgressDay.objects.all()
        if row.planned_increase or row.actual_increase
    }


def _assert_trend_is_kept():
    issued = Assignment.objects.filter(target__year=2018).exclude(status="draft")
    assert year_trend(issued.count(), 2018, TODAY) == weekly_trend(issued, 2018, TODAY)
    kept = _kept()
    rebuild_year_progress()
    assert _kept() == kept  # what the services kept is what a rebuild from scratch finds


def test_issuing_a_planned_target_adds_its_plan_to_the_trend(issued_target):
    trend = year_trend(Assignment.objects.exclude(status="draft").count(), 2018, TODAY)
    assert trend["planned"][-1] > 70
    assert set(trend["actual"]) == {0.0}
    _assert_trend_is_kept()


def test_accepted_reports_in_any_order_keep_the_trend(issued_target, alice, erin):
    lead = issued_target.assignments.get(unit__name="甲县")
    june = filed_report(lead, alice, day=D(2018, 6, 25), percent=40, period="2018-06")
    april = filed_report(lead, alice, day=D(2018, 6, 26), percent=20, period="2018-04")
    with at(D(2018, 6, 28)):
        services.accept_report(june, acting_user=erin)
        services.accept_report(april, acting_user=erin)  # an earlier period, accepted later
    trend = year_trend(Assignment.objects.exclude(status="draft").count(), 2018, TODAY)
    week = trend["week_ends"].index("2018-07-01")
    assert trend["actual"][week] == 20.0  # two assignments: 40 % and nothing
    _assert_trend_is_kept()


def test_a_plan_edited_after_issue_moves_the_trend(issued_target, erin, unit_a):
    lead = issued_target.assignments.get(unit=unit_a)
    services.set_milestones(
        lead,
        [
            {"due_date": D(2018, 6, 30), "planned_percent": Decimal(80)},
            {"due_date": D(2018, 12, 31), "planned_percent": 100},
        ],
        acting_user=erin,
    )
    _assert_trend_is_kept()


def test_drafts_do_not_count_until_issued_and_a_new_year_moves_them(erin, unit_a, unit_b, leader):
    target = issued_target_of(unit_a, office=erin, leader=leader, co_units=[unit_b])
    draft = TargetFactory(leader=leader, start_date=D(2018, 1, 1), deadline=D(2018, 12, 31))
    services.add_assignment(draft, unit=unit_a, **named(unit_a), role="lead", acting_user=erin)
    _assert_trend_is_kept()
    services.update_target(target, acting_user=erin, year=2017)
    assert not YearProgressDay.objects.filter(year=2018).exclude(planned_increase=0).exists()
    _assert_trend_is_kept()
