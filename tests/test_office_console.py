"""The supervision office's console: ledger, target and breakdown, plan editor, issuing, checks, follow-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accountability.models import Check
from tasks.choices import AssignmentRole, AssignmentStatus, FollowUpKind, TargetStatus
from tasks.models import FollowUp, Milestone, Target
from tests.factories import TargetFactory, named
from tests.workspace_data import at, filed_report, issued_target_of

D = dt.date


def _text(response) -> str:
    return response.content.decode()


def _breakdown_post(rows, extra=3):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0"}
    data["form-MAX_NUM_FORMS"] = "1000"
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{index}-{key}"] = value
    return data


def test_the_ledger_filters_and_searches(client, erin, leader, unit_a):
    TargetFactory(title="农村公路改造", source="central", leader=leader)
    TargetFactory(title="幼儿园建设", source="party")
    client.force_login(erin)
    assert "幼儿园建设" not in _text(client.get(reverse("target_ledger") + "?q=公路"))
    page = _text(client.get(reverse("target_ledger") + "?source=party"))
    assert "幼儿园建设" in page and "农村公路改造" not in page
    page = _text(client.get(reverse("target_ledger") + f"?leader={leader.pk}"))
    assert "农村公路改造" in page and "幼儿园建设" not in page


def test_a_bad_filter_value_is_ignored_not_an_error(client, erin):
    client.force_login(erin)
    assert client.get(reverse("target_ledger") + "?colour=purple&year=abc").status_code == 200


def test_the_office_creates_a_target_then_breaks_it_down_and_issues_it(client, erin, unit_a, unit_b, leader):
    client.force_login(erin)
    response = client.post(
        reverse("target_create"),
        {
            "year": "2018", "code": "2018-100", "title": "新建幼儿园20所", "source": "work_report",
            "target_type": "livelihood", "leader": leader.pk, "start_date": "2018-01-01", "deadline": "2018-12-31",
            "report_frequency": "monthly", "measure_unit": "所", "target_value": "20", "direction": "higher",
            "measure_kind": "cumulative", "share_rule": "sum",
        },
    )  # fmt: skip
    target = Target.objects.get(code="2018-100")
    assert response["Location"] == reverse("breakdown_edit", args=[target.pk])
    assert target.history.first().history_user == erin
    rows = [
        {"unit": unit_a.pk, "role": "lead", "share": "12", "responsible_person": "张科长", "duty": "牵头建设"},
        {"unit": unit_b.pk, "role": "co", "share": "8", "responsible_person": "李科长", "duty": "配合建设"},
    ]
    client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post(rows))
    assert target.assignments.count() == 2
    with at(D(2018, 1, 5)):
        client.post(reverse("target_issue", args=[target.pk]))
    target.refresh_from_db()
    assert target.status == TargetStatus.ISSUED
    assert set(target.assignments.values_list("status", flat=True)) == {AssignmentStatus.ISSUED}


def test_a_duplicate_code_is_refused_with_a_message(client, erin):
    TargetFactory(year=2018, code="2018-100")
    client.force_login(erin)
    response = client.post(reverse("target_create"), {"year": "2018", "code": "2018-100", "title": "x"})
    assert response.status_code == 200
    assert Target.objects.count() == 1


@pytest.fixture
def shared_target(erin, unit_a, unit_b, leader):
    """20 schools shared by sum: unit A leads with 12, unit B cooperates with 8."""
    return issued_target_of(
        unit_a,
        office=erin,
        leader=leader,
        co_units=[unit_b],
        share_rule="sum",
        target_value=20,
        measure_unit="所",
        shares={unit_a: Decimal(12), unit_b: Decimal(8)},
    )


def test_shares_move_between_units_of_an_issued_target_in_one_save(client, erin, unit_a, unit_b, shared_target):
    target = shared_target
    lead, co = target.assignments.get(unit=unit_a), target.assignments.get(unit=unit_b)
    client.force_login(erin)
    rows = [
        {"assignment_id": lead.pk, "unit": unit_a.pk, "role": "lead", "share": "10", "deadline": "2018-12-31"},
        {"assignment_id": co.pk, "unit": unit_b.pk, "role": "co", "share": "10", "deadline": "2018-12-31"},
    ]
    response = client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post(rows))
    assert response.status_code == 302
    assert sorted(target.assignments.values_list("share", flat=True)) == [Decimal(10), Decimal(10)]


def test_shares_that_do_not_add_up_are_refused_and_nothing_changes(client, erin, unit_a, unit_b, shared_target):
    target = shared_target
    lead, co = target.assignments.get(unit=unit_a), target.assignments.get(unit=unit_b)
    client.force_login(erin)
    rows = [
        {"assignment_id": lead.pk, "unit": unit_a.pk, "role": "lead", "share": "15", "deadline": "2018-12-31"},
        {"assignment_id": co.pk, "unit": unit_b.pk, "role": "co", "share": "8", "deadline": "2018-12-31"},
    ]
    response = client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post(rows))
    assert response.status_code == 200
    assert "23" in _text(response) and "20" in _text(response)
    assert sorted(target.assignments.values_list("share", flat=True)) == [Decimal(8), Decimal(12)]


def test_a_unit_cannot_appear_twice_in_the_breakdown(client, erin, unit_a, leader):
    target = TargetFactory(leader=leader)
    client.force_login(erin)
    rows = [{"unit": unit_a.pk, "role": "lead"}, {"unit": unit_a.pk, "role": "co"}]
    response = client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post(rows))
    assert "重复出现" in _text(response)
    assert not target.assignments.exists()


def test_issuing_without_a_lead_unit_is_refused(client, erin, unit_b, leader):
    target = TargetFactory(leader=leader)
    client.force_login(erin)
    client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post([{"unit": unit_b.pk, "role": "co"}]))
    response = client.post(reverse("target_issue", args=[target.pk]), follow=True)
    target.refresh_from_db()
    assert target.status == TargetStatus.DRAFT
    assert "牵头单位" in _text(response)


def test_the_plan_editor_proposes_backwards_then_saves_the_adjusted_plan(client, erin, lead_assignment):
    client.force_login(erin)
    url = reverse("plan_edit", args=[lead_assignment.pk])
    with at(D(2018, 9, 1)):
        page = _text(client.post(url, {"action": "preview", "granularity": "quarter", "start": "2018-09-01"}))
    assert "2018-09-30" in page and "2018-12-31" in page
    before = list(lead_assignment.milestones.values_list("due_date", "planned_percent"))
    assert len(before) == 12  # the preview saved nothing
    rows = {"plan-TOTAL_FORMS": "2", "plan-INITIAL_FORMS": "0", "plan-MIN_NUM_FORMS": "0", "plan-MAX_NUM_FORMS": "1000"}
    rows.update({"plan-0-due_date": "2018-09-30", "plan-0-planned_percent": "70", "plan-0-description": "主体完工"})
    rows.update({"plan-1-due_date": "2018-12-31", "plan-1-planned_percent": "100"})
    with at(D(2018, 9, 1)):
        response = client.post(url, {**rows, "action": "save"})
    assert response.status_code == 302
    assert list(lead_assignment.milestones.values_list("due_date", "planned_percent", "description")) == [
        (D(2018, 9, 30), Decimal(70), "主体完工"),
        (D(2018, 12, 31), Decimal(100), ""),
    ]


def test_a_plan_going_down_is_refused_and_the_old_plan_stays(client, erin, lead_assignment):
    client.force_login(erin)
    rows = {"plan-TOTAL_FORMS": "2", "plan-INITIAL_FORMS": "0", "plan-MIN_NUM_FORMS": "0", "plan-MAX_NUM_FORMS": "1000"}
    rows.update({"plan-0-due_date": "2018-09-30", "plan-0-planned_percent": "80"})
    rows.update({"plan-1-due_date": "2018-12-31", "plan-1-planned_percent": "60"})
    response = client.post(reverse("plan_edit", args=[lead_assignment.pk]), {**rows, "action": "save"})
    assert "计划进度不能倒退" in _text(response)
    assert Milestone.objects.filter(assignment=lead_assignment).count() == 12


def test_generate_and_save_builds_the_plan_backwards(client, erin, lead_assignment):
    client.force_login(erin)
    with at(D(2018, 10, 10)):
        client.post(
            reverse("plan_edit", args=[lead_assignment.pk]),
            {"action": "generate", "granularity": "week", "start": "2018-10-10"},
        )
    later = lead_assignment.milestones.filter(due_date__gt=D(2018, 10, 10))
    assert later.count() > 10 and later.last().due_date == D(2018, 12, 31)


def test_the_office_records_a_check_shown_on_the_assignment(client, erin, alice, lead_assignment):
    client.force_login(erin)
    with at(D(2018, 6, 27)):
        client.post(
            reverse("check_create", args=[lead_assignment.pk]),
            {"kind": "cause", "checked_on": "2018-06-27", "finding": "征地未启动，原因是资金未到位"},
        )
    check = Check.objects.get()
    assert check.checked_by == erin and check.kind == "cause"
    client.force_login(alice)
    assert "征地未启动" in _text(client.get(reverse("assignment_detail", args=[lead_assignment.pk])))


def test_a_check_without_a_finding_is_refused(client, erin, lead_assignment):
    client.force_login(erin)
    response = client.post(
        reverse("check_create", args=[lead_assignment.pk]), {"kind": "cause", "checked_on": "2018-06-27"}
    )
    assert "请填写督查发现的情况" in _text(response)
    assert not Check.objects.exists()


def test_a_problem_stays_open_until_the_office_follows_it_up(client, erin, dave, alice, lead_assignment):
    report = filed_report(lead_assignment, alice)
    client.force_login(erin)
    assert report.problems in _text(client.get(reverse("follow_up_list")))
    client.post(reverse("report_follow_up", args=[report.pk]), {"kind": "office", "topic": "problem", "text": "已协调"})
    client.post(
        reverse("report_follow_up", args=[report.pk]), {"kind": "office", "topic": "suggestion", "text": "已转办"}
    )
    assert report.problems not in _text(client.get(reverse("follow_up_list")))
    assert report.problems in _text(client.get(reverse("follow_up_list") + "?state=answered"))


def test_a_leaders_note_on_a_target_is_shown_on_the_target_to_the_unit_and_the_office(
    client, dave, alice, erin, lead_assignment
):
    """A note addressed to nobody stays on its target's page; the unit's home and workspace list only
    the 批示 addressed to the unit (accountability.Instruction), so one unit never reads another's."""
    client.force_login(dave)
    client.post(reverse("target_follow_up", args=[lead_assignment.target_id]), {"text": "务必年底前完成"})
    instruction = FollowUp.objects.get()
    assert instruction.kind == FollowUpKind.LEADER and instruction.author == dave
    client.force_login(alice)
    assert "务必年底前完成" in _text(client.get(reverse("target_detail", args=[lead_assignment.target_id])))
    assert "务必年底前完成" not in _text(client.get(reverse("unit_workspace")))
    client.force_login(erin)
    assert "务必年底前完成" in _text(client.get(reverse("target_detail", args=[lead_assignment.target_id])))


def test_an_empty_instruction_is_refused(client, dave, lead_assignment):
    client.force_login(dave)
    response = client.post(reverse("target_follow_up", args=[lead_assignment.target_id]), {"text": " "}, follow=True)
    assert "请填写跟进意见或批示内容" in _text(response)
    assert not FollowUp.objects.exists()


def test_a_leader_cannot_write_as_the_office(client, dave, alice, lead_assignment):
    report = filed_report(lead_assignment, alice)
    client.force_login(dave)
    client.post(reverse("report_follow_up", args=[report.pk]), {"kind": "office", "topic": "problem", "text": "x"})
    assert not FollowUp.objects.exists()


def test_the_review_queue_accepts_a_report(client, erin, alice, lead_assignment):
    report = filed_report(lead_assignment, alice)
    client.force_login(erin)
    assert reverse("report_detail", args=[report.pk]) in _text(client.get(reverse("review_queue")))
    with at(D(2018, 6, 28)):
        client.post(reverse("report_accept", args=[report.pk]))
    lead_assignment.refresh_from_db()
    assert lead_assignment.progress_percent == 40
    assert reverse("report_detail", args=[report.pk]) not in _text(client.get(reverse("review_queue")))


def test_the_role_of_a_unit_can_move_to_another_unit(client, erin, unit_a, unit_b, leader):
    target = TargetFactory(leader=leader)
    client.force_login(erin)
    client.post(
        reverse("breakdown_edit", args=[target.pk]),
        _breakdown_post([{"unit": unit_a.pk, "role": "lead"}, {"unit": unit_b.pk, "role": "co"}]),
    )
    a, b = target.assignments.get(unit=unit_a), target.assignments.get(unit=unit_b)
    rows = [
        {"assignment_id": a.pk, "unit": unit_a.pk, "role": "co", "deadline": "2018-12-31"},
        {"assignment_id": b.pk, "unit": unit_b.pk, "role": "lead", "deadline": "2018-12-31"},
    ]
    assert client.post(reverse("breakdown_edit", args=[target.pk]), _breakdown_post(rows)).status_code == 302
    assert target.assignments.get(role=AssignmentRole.LEAD).unit == unit_b


def test_units_do_not_see_a_target_before_it_is_issued(client, alice, erin, unit_a, leader):
    from tasks import services

    draft = TargetFactory(leader=leader, title="尚未下达的任务")
    services.add_assignment(draft, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    client.force_login(alice)
    assert "尚未下达的任务" not in _text(client.get(reverse("target_ledger")))
    assert client.get(reverse("target_detail", args=[draft.pk])).status_code == 404
    client.force_login(erin)
    assert "尚未下达的任务" in _text(client.get(reverse("target_ledger")))
