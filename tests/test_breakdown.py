import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from core.errors import RuleViolation
from tasks import services
from tasks.choices import AssignmentRole, AssignmentStatus, ShareRule, TargetStatus, TargetType
from tasks.models import Assignment, Target
from tests.factories import LeaderFactory, TargetFactory, UnitFactory, named

D = dt.date

# Issuing refuses a deadline already past: these tests issue on a day of the targets' year.
ISSUE_DAY = time_machine.travel(dt.datetime(2018, 3, 1, 9, tzinfo=dt.UTC), tick=False)


def _target_fields(**overrides):
    fields = {
        "year": 2018,
        "code": "2018-100",
        "title": "全市固定资产投资",
        "source": "work_report",
        "target_type": TargetType.INDICATOR,
        "measure_unit": "亿元",
        "target_value": Decimal(100),
        "share_rule": ShareRule.SUM,
        "start_date": D(2018, 4, 10),
        "deadline": D(2018, 12, 31),
        "leader": LeaderFactory(),
    }
    return {**fields, **overrides}


def test_create_target_records_the_acting_user_and_reason(erin):
    target = services.create_target(acting_user=erin, **_target_fields())
    record = target.history.get()
    assert record.history_user == erin
    assert record.history_change_reason == "Target created"


def test_an_indicator_needs_a_value_and_a_unit_of_measure(erin):
    with pytest.raises(RuleViolation, match="An indicator needs a target value") as error:
        services.create_target(
            acting_user=erin, **_target_fields(target_value=None, measure_unit="", share_rule="none")
        )
    assert set(error.value.message_dict) == {"target_value", "measure_unit"}
    assert not Target.objects.exists()


def test_a_deadline_before_the_start_is_refused_and_nothing_is_stored(erin):
    with pytest.raises(RuleViolation, match="deadline cannot be before the start"):
        services.create_target(acting_user=erin, **_target_fields(deadline=D(2018, 3, 1)))
    assert not Target.objects.exists()


def test_a_second_target_with_the_same_code_in_a_year_is_refused(erin):
    services.create_target(acting_user=erin, **_target_fields())
    with pytest.raises(RuleViolation, match="code already exists"):
        services.create_target(acting_user=erin, **_target_fields(title="另一个"))
    assert Target.objects.count() == 1


def test_a_target_cannot_become_its_own_grandparent(erin):
    parent = services.create_target(acting_user=erin, **_target_fields(code="P"))
    child = services.create_target(acting_user=erin, **_target_fields(code="C", parent=parent))
    with pytest.raises(RuleViolation, match="loop"):
        services.update_target(parent, acting_user=erin, parent=child)
    parent.refresh_from_db()
    assert parent.parent is None


def test_a_second_lead_unit_is_refused(erin, unit_a, unit_b):
    target = TargetFactory()
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    with pytest.raises(RuleViolation, match="already has a lead unit"):
        services.add_assignment(target, unit=unit_b, **named(unit_b), role=AssignmentRole.LEAD, acting_user=erin)
    assert target.assignments.count() == 1


def test_the_lead_unit_cannot_also_be_a_co_unit(erin, unit_a):
    target = TargetFactory()
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    with pytest.raises(RuleViolation, match="already has a part"):
        services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.CO, acting_user=erin)
    assert target.assignments.get().role == AssignmentRole.LEAD


def test_a_unit_deadline_after_the_target_deadline_is_refused(erin, unit_a):
    target = TargetFactory(deadline=D(2018, 6, 30))
    with pytest.raises(RuleViolation, match="after the target's deadline"):
        services.add_assignment(
            target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, deadline=D(2018, 7, 1)
        )


def test_a_target_without_a_lead_cannot_be_issued(erin, unit_a):
    target = TargetFactory()
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.CO, acting_user=erin)
    with pytest.raises(RuleViolation, match="exactly one lead"):
        services.issue_target(target, acting_user=erin)
    target.refresh_from_db()
    assert target.status == TargetStatus.DRAFT


@ISSUE_DAY
def test_shares_must_add_up_to_the_target_value_before_issuing(erin, unit_a, unit_b):
    target = services.create_target(acting_user=erin, **_target_fields())
    services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, share=Decimal(60)
    )
    services.add_assignment(
        target, unit=unit_b, **named(unit_b), role=AssignmentRole.CO, acting_user=erin, share=Decimal(30)
    )
    with pytest.raises(RuleViolation, match="add up to 90 but the target value is 100"):
        services.issue_target(target, acting_user=erin)
    services.update_assignment(target.assignments.get(unit=unit_b), acting_user=erin, share=Decimal(40))
    services.issue_target(target, acting_user=erin)
    assert set(target.assignments.values_list("status", flat=True)) == {AssignmentStatus.ISSUED}


@ISSUE_DAY
def test_after_issuing_a_share_change_that_breaks_the_sum_is_refused(erin, unit_a, unit_b):
    target = services.create_target(acting_user=erin, **_target_fields())
    services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, share=Decimal(60)
    )
    services.add_assignment(
        target, unit=unit_b, **named(unit_b), role=AssignmentRole.CO, acting_user=erin, share=Decimal(40)
    )
    services.issue_target(target, acting_user=erin)
    with pytest.raises(RuleViolation, match="add up to"):
        services.update_assignment(target.assignments.get(unit=unit_b), acting_user=erin, share=Decimal(10))
    assert target.assignments.get(unit=unit_b).share == Decimal(40)


def test_a_target_without_shares_refuses_a_unit_share(erin, unit_a):
    target = TargetFactory(share_rule=ShareRule.NONE)
    services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, share=Decimal(5)
    )
    assert services.breakdown_errors(target) == ["This target does not split its value, so no unit may have a share."]


def test_the_lead_without_a_share_answers_for_the_whole_value(erin, unit_a, unit_b):
    target = services.create_target(acting_user=erin, **_target_fields())
    lead = services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    co = services.add_assignment(
        target, unit=unit_b, **named(unit_b), role=AssignmentRole.CO, acting_user=erin, share=Decimal(100)
    )
    assert lead.goal_value == Decimal(100)
    assert co.goal_value == Decimal(100)


@ISSUE_DAY
def test_issuing_announces_the_issued_assignments_after_commit(erin, unit_a, django_capture_on_commit_callbacks):
    from tasks import signals

    received = []

    def receiver(sender, assignment_ids, acting_user_id, **kwargs):
        received.append((assignment_ids, acting_user_id))

    signals.assignments_issued.connect(receiver)
    try:
        target = TargetFactory()
        services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.issue_target(target, acting_user=erin)
        assert received == []  # nothing before commit
        for callback in callbacks:
            callback()
    finally:
        signals.assignments_issued.disconnect(receiver)
    assert received == [([target.assignments.get().pk], erin.pk)]


def test_the_life_of_an_assignment_to_close_out_closes_the_target(erin, alice, lead_assignment):
    target = lead_assignment.target
    other = target.assignments.exclude(pk=lead_assignment.pk).get()
    for assignment in (lead_assignment, other):
        services.sign_for_assignment(assignment, acting_user=alice)
        Assignment.objects.filter(pk=assignment.pk).update(progress_percent=100)
        assignment.refresh_from_db()
        services.claim_completion(assignment, acting_user=alice)
        services.verify_completion(assignment, acting_user=erin)
        services.close_out(assignment, acting_user=erin)
        target.refresh_from_db()
        if assignment is lead_assignment:
            assert target.status == TargetStatus.ISSUED
    assert target.status == TargetStatus.CLOSED
    reasons = list(lead_assignment.history.order_by("history_id").values_list("status", "history_user__username"))
    assert ("closed", "erin") in reasons and ("signed", "alice") in reasons


def test_completion_cannot_be_claimed_before_100_percent(alice, lead_assignment):
    with pytest.raises(RuleViolation, match="100 percent"):
        services.claim_completion(lead_assignment, acting_user=alice)


def test_an_assignment_cannot_skip_verification(erin, lead_assignment):
    with pytest.raises(RuleViolation, match="cannot become Closed out"):
        services.close_out(lead_assignment, acting_user=erin)
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == AssignmentStatus.ISSUED


def test_returning_for_redo_needs_a_reason(erin, alice, lead_assignment):
    Assignment.objects.filter(pk=lead_assignment.pk).update(progress_percent=100)
    lead_assignment.refresh_from_db()
    services.claim_completion(lead_assignment, acting_user=alice)
    with pytest.raises(RuleViolation, match="Say why"):
        services.return_for_redo(lead_assignment, acting_user=erin, reason=" ")
    services.return_for_redo(lead_assignment, acting_user=erin, reason="台账不全")
    assert lead_assignment.history.first().history_change_reason == "台账不全"


def test_a_granted_extension_moves_the_deadline_and_a_second_decision_is_refused(erin, alice, lead_assignment):
    request = services.request_extension(
        lead_assignment, new_deadline=D(2019, 1, 31), reason="汛期影响施工", acting_user=alice
    )
    with pytest.raises(RuleViolation, match="already pending"):
        services.request_extension(lead_assignment, new_deadline=D(2019, 2, 28), reason="再延", acting_user=alice)
    services.decide_extension(request, grant=True, acting_user=erin)
    lead_assignment.refresh_from_db()
    lead_assignment.target.refresh_from_db()
    assert lead_assignment.deadline == D(2019, 1, 31)
    assert lead_assignment.target.deadline == D(2019, 1, 31)
    with pytest.raises(RuleViolation, match="already been decided"):
        services.decide_extension(request, grant=False, acting_user=erin)


def test_only_a_draft_assignment_can_be_removed(erin, lead_assignment):
    with pytest.raises(RuleViolation, match="Only a draft"):
        services.remove_assignment(lead_assignment, acting_user=erin)
    draft_target = TargetFactory()
    draft = services.add_assignment(draft_target, unit=UnitFactory(), role=AssignmentRole.LEAD, acting_user=erin)
    services.remove_assignment(draft, acting_user=erin)
    assert not draft_target.assignments.exists()


def test_a_target_without_a_responsible_leader_cannot_be_issued(erin, unit_a):
    target = TargetFactory(leader=None)
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    with pytest.raises(RuleViolation, match="responsible city leader"):
        services.issue_target(target, acting_user=erin)


def test_a_key_target_is_carried_by_a_task_force(erin, unit_a):
    target = TargetFactory(is_key=True)
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    assert services.breakdown_errors(target) == ["A key target needs a task force."]
