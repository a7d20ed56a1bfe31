import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.errors import RuleViolation
from core.periods import Granularity
from tasks import services
from tasks.choices import AssignmentRole, MeasureKind, ShareRule, TargetType
from tasks.models import Assignment, Milestone
from tests.factories import AssignmentFactory, MilestoneFactory, TargetFactory, named

D = dt.date


def _travel(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def assignment(db):
    target = TargetFactory(start_date=D(2018, 4, 10), deadline=D(2018, 12, 31))
    return AssignmentFactory(target=target)


def test_milestones_are_built_backwards_from_the_deadline_to_today(erin, assignment):
    with _travel(D(2018, 7, 15)):
        milestones = services.generate_milestones(assignment, granularity=Granularity.MONTH, acting_user=erin)
    assert [m.due_date for m in milestones] == [
        D(2018, 7, 31), D(2018, 8, 31), D(2018, 9, 30), D(2018, 10, 31), D(2018, 11, 30), D(2018, 12, 31),
    ]  # fmt: skip
    assert milestones[-1].planned_percent == 100
    # Progress is planned in proportion to time since the target started (265 days).
    assert milestones[0].planned_percent == Decimal("42.3")  # 112 of 265 days
    assert [m.granularity for m in milestones][2] == Granularity.QUARTER
    assert milestones[-1].granularity == Granularity.MONTH
    assert Milestone.history.filter(history_user=erin).count() == 6


def test_a_weekly_plan_also_carries_month_and_quarter_ends(erin, assignment):
    with _travel(D(2018, 9, 1)):
        milestones = services.generate_milestones(assignment, granularity=Granularity.WEEK, acting_user=erin)
    dates = [m.due_date for m in milestones]
    assert D(2018, 9, 2) in dates and D(2018, 9, 30) in dates and D(2018, 10, 31) in dates
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def test_regenerating_keeps_the_milestones_already_passed(erin, assignment):
    with _travel(D(2018, 4, 10)):
        services.generate_milestones(assignment, granularity=Granularity.MONTH, acting_user=erin)
    with _travel(D(2018, 8, 15)):
        services.generate_milestones(assignment, granularity=Granularity.QUARTER, acting_user=erin)
    dates = list(assignment.milestones.values_list("due_date", flat=True))
    assert dates == [D(2018, 4, 30), D(2018, 5, 31), D(2018, 6, 30), D(2018, 7, 31), D(2018, 9, 30), D(2018, 12, 31)]
    assert not Milestone.objects.filter(due_date=D(2018, 8, 31)).exists()


def test_planning_after_the_deadline_is_refused(erin, assignment):
    with _travel(D(2019, 1, 5)), pytest.raises(RuleViolation, match="nothing to plan"):
        services.generate_milestones(assignment, granularity=Granularity.MONTH, acting_user=erin)


def test_a_rate_indicator_is_planned_at_its_goal_all_year(erin, unit_a):
    target = TargetFactory(
        target_type=TargetType.INDICATOR, measure_unit="%", target_value=Decimal("8.5"),
        measure_kind=MeasureKind.LEVEL, share_rule=ShareRule.EACH,
    )  # fmt: skip
    assignment = services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin
    )
    with _travel(D(2018, 1, 1)):
        milestones = services.generate_milestones(assignment, granularity=Granularity.QUARTER, acting_user=erin)
    assert {m.planned_percent for m in milestones} == {100}
    assert {m.planned_value for m in milestones} == {Decimal("8.5")}


def test_an_amount_is_planned_as_a_growing_share_of_the_unit_goal(erin, unit_a):
    target = TargetFactory(
        target_type=TargetType.LIVELIHOOD, measure_unit="公里", target_value=Decimal(300), share_rule=ShareRule.SUM,
        start_date=D(2018, 1, 1), deadline=D(2018, 12, 31),
    )  # fmt: skip
    assignment = services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, share=Decimal(300)
    )
    with _travel(D(2018, 1, 1)):
        milestones = services.generate_milestones(assignment, granularity=Granularity.QUARTER, acting_user=erin)
    days = [(m.due_date - D(2018, 1, 1)).days for m in milestones]
    assert days == [89, 180, 272, 364]
    expected = [(Decimal(300) * d / 364).quantize(Decimal("0.0001")) for d in days]
    assert [m.planned_value for m in milestones] == expected


def test_planned_progress_at_a_date_is_the_last_milestone_due(assignment):
    MilestoneFactory(assignment=assignment, due_date=D(2018, 6, 30), planned_percent=40)
    MilestoneFactory(assignment=assignment, due_date=D(2018, 9, 30), planned_percent=70)
    assert services.planned_percent_at(assignment, D(2018, 6, 29)) == 0
    assert services.planned_percent_at(assignment, D(2018, 6, 30)) == 40
    assert services.planned_percent_at(assignment, D(2018, 9, 29)) == 40
    assert services.planned_percent_at(assignment, D(2018, 10, 1)) == 70


def test_the_nightly_refresh_agrees_with_the_per_assignment_answer(erin, issued_target):
    day = D(2018, 8, 15)
    assert services.refresh_planned_progress(day=day) == issued_target.assignments.count()
    for assignment in Assignment.objects.all():
        assert assignment.planned_percent == services.planned_percent_at(assignment, day)
        assert assignment.planned_as_of == day
        assert assignment.planned_percent > 0
        node = assignment.milestones.filter(due_date__lte=day).order_by("-due_date").first()
        assert assignment.planned_node_due == node.due_date
        assert assignment.planned_percent == node.planned_percent


def test_the_nightly_refresh_is_one_update(issued_target, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.refresh_planned_progress(day=D(2018, 8, 15))


def test_an_edited_plan_keeps_history_and_refuses_going_backwards(erin, assignment):
    rows = [
        {"due_date": D(2018, 6, 30), "planned_percent": Decimal(30)},
        {"due_date": D(2018, 12, 31), "planned_percent": Decimal(100), "description": "全面完成"},
    ]
    services.set_milestones(assignment, rows, acting_user=erin)
    first = assignment.milestones.get(due_date=D(2018, 6, 30))
    services.set_milestones(assignment, [{**rows[0], "planned_percent": Decimal(35)}, rows[1]], acting_user=erin)
    first.refresh_from_db()
    assert first.planned_percent == 35
    assert first.history.count() == 2
    with pytest.raises(RuleViolation, match="cannot go down"):
        services.set_milestones(
            assignment,
            [{"due_date": D(2018, 6, 30), "planned_percent": 60}, {"due_date": D(2018, 9, 30), "planned_percent": 50}],
            acting_user=erin,
        )
    assert assignment.milestones.count() == 2


def test_a_milestone_outside_the_assignment_time_is_refused(erin, assignment):
    with pytest.raises(RuleViolation, match="outside"):
        services.set_milestones(assignment, [{"due_date": D(2019, 1, 31), "planned_percent": 100}], acting_user=erin)
