"""Named responsibility (事有专管之人、人有明确之责、责有限定之期): the person records of a unit, what
issuing demands of each link, the database's own check, the migration of the free-text names, the
persons' pages and the Excel import's matching."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from core.errors import RuleViolation
from tasks import services
from tasks.choices import AssignmentRole, AssignmentStatus
from tasks.excel.plan import plan_import
from tasks.models import Assignment, ResponsiblePerson
from tests.factories import AssignmentFactory, ResponsiblePersonFactory, TargetFactory, named
from tests.sheets import HEADERS, make_sheet, row

pytestmark = pytest.mark.django_db

ISSUE_DAY = time_machine.travel(dt.datetime(2018, 3, 1, 9, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def draft(unit_a, leader):
    return TargetFactory(leader=leader, title="新建幼儿园20所")


# --- issuing refuses a link without a person, a duty or a deadline to come ----------------------


@ISSUE_DAY
def test_issuing_a_link_without_a_person_says_so_in_chinese(draft, unit_a, erin):
    services.add_assignment(draft, unit=unit_a, role=AssignmentRole.LEAD, acting_user=erin, duty="牵头建设")
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        services.issue_target(draft, acting_user=erin)
    assert refused.value.messages == ["甲县：没有责任人"]
    assert draft.assignments.get().status == AssignmentStatus.DRAFT


@ISSUE_DAY
def test_issuing_a_link_without_a_duty_says_so_in_chinese(draft, unit_a, erin):
    person = ResponsiblePersonFactory(unit=unit_a)
    services.add_assignment(draft, unit=unit_a, role=AssignmentRole.LEAD, acting_user=erin, person=person)
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        services.issue_target(draft, acting_user=erin)
    assert refused.value.messages == ["甲县：没有工作职责"]


def test_issuing_after_the_deadline_says_the_deadline_is_before_the_issue_date(draft, unit_a, erin):
    services.add_assignment(draft, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    after_the_deadline = time_machine.travel(dt.datetime(2019, 1, 5, 9, tzinfo=dt.UTC), tick=False)
    with after_the_deadline, translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        services.issue_target(draft, acting_user=erin)
    assert refused.value.messages == ["甲县：时限2018-12-31早于下达日期2019-01-05"]


@ISSUE_DAY
def test_a_named_link_with_a_duty_is_issued_and_carries_the_persons_name_and_phone(draft, unit_a, erin):
    person = ResponsiblePersonFactory(unit=unit_a, name="王建国", mobile="13839600001")
    services.add_assignment(
        draft, unit=unit_a, role=AssignmentRole.LEAD, acting_user=erin, person=person, duty="牵头建设"
    )
    [issued] = services.issue_target(draft, acting_user=erin)
    issued.refresh_from_db()
    assert (issued.status, issued.person, issued.responsible_person) == (AssignmentStatus.ISSUED, person, "王建国")
    assert issued.responsible_phone == "13839600001"


def test_a_person_of_another_unit_is_refused(draft, unit_a, unit_b, erin):
    with pytest.raises(RuleViolation, match="must belong to the unit"):
        services.add_assignment(
            draft, unit=unit_a, role=AssignmentRole.LEAD, acting_user=erin, person=ResponsiblePersonFactory(unit=unit_b)
        )


def test_an_issued_link_cannot_lose_its_duty(lead_assignment, erin):
    with pytest.raises(RuleViolation, match="no duty"):
        services.update_assignment(lead_assignment, acting_user=erin, duty="  ")
    lead_assignment.refresh_from_db()
    assert lead_assignment.duty


# --- the database's own check ---------------------------------------------------------------------


@pytest.mark.parametrize("change", [{"person": None}, {"duty": ""}])
def test_the_database_refuses_an_issued_link_without_person_or_duty(change):
    assignment = AssignmentFactory(status=AssignmentStatus.ISSUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(**change)
    draft = AssignmentFactory(status=AssignmentStatus.DRAFT)
    Assignment.objects.filter(pk=draft.pk).update(**change)  # a draft may lack them
    draft.refresh_from_db()
    assert draft.person is None or draft.duty == ""


# --- the migration of the free-text names ----------------------------------------------------------


def test_the_migration_makes_one_flagged_person_per_unit_and_name_and_fills_the_duty(unit_a, unit_b):
    migration = importlib.import_module("tasks.migrations.0015_name_responsible_persons")
    first, second = TargetFactory(title="全市固定资产投资"), TargetFactory(title="多证合一")
    lead, co = AssignmentRole.LEAD, AssignmentRole.CO
    free_text = [
        (first, unit_a, lead, " 正阳县分管负责同志 ", "13900001111"),
        (second, unit_a, lead, "正阳县分管负责同志", ""),
        (first, unit_b, co, "李局长", "0396-2822222"),
    ]
    for target, unit, role, name, phone in free_text:
        AssignmentFactory(
            target=target, unit=unit, role=role, person=None, duty="", responsible_person=name, responsible_phone=phone
        )
    unnamed = AssignmentFactory(target=second, unit=unit_b, role=co, person=None, duty="", responsible_person="")
    migration.name_responsible_persons(apps, None)
    people = ResponsiblePerson.objects.all()
    assert sorted((p.unit.name, p.name, p.needs_completion) for p in people) == [
        ("乙局", "李局长", True),
        ("甲县", "正阳县分管负责同志", True),
    ]
    zhengyang = ResponsiblePerson.objects.get(name="正阳县分管负责同志")
    assert zhengyang.mobile == "13900001111"
    assert ResponsiblePerson.objects.get(name="李局长").office_phone == "0396-2822222"
    assert set(Assignment.objects.filter(unit=unit_a).values_list("person", flat=True)) == {zhengyang.pk}
    assert Assignment.objects.get(target=first, unit=unit_a).duty == "全市固定资产投资"
    unnamed.refresh_from_db()
    assert unnamed.person is None and unnamed.duty == "多证合一"  # a draft without a name stays without one


# --- taking a person off the list -------------------------------------------------------------------


def test_a_named_person_leaves_the_list_only_through_a_successor(lead_assignment, erin):
    person = lead_assignment.person
    with pytest.raises(RuleViolation, match="choose a successor"):
        services.remove_person(person, acting_user=erin)
    successor = services.add_person(
        lead_assignment.unit, acting_user=erin, name="接任者", post="副县长", mobile="13800000000"
    )
    assert services.remove_person(person, acting_user=erin, successor=successor) == 1
    lead_assignment.refresh_from_db()
    person.refresh_from_db()
    assert (lead_assignment.person, lead_assignment.responsible_person, person.is_active) == (
        successor,
        "接任者",
        False,
    )
    names = set(lead_assignment.history.values_list("person_id", flat=True))
    assert {person.pk, successor.pk} <= names  # history keeps both


def test_a_person_added_without_post_or_phone_is_flagged_to_be_completed(unit_a, erin):
    bare = services.add_person(unit_a, acting_user=erin, name="张三")
    full = services.add_person(unit_a, acting_user=erin, name="李四", post="副县长", office_phone="0396-1")
    assert (bare.needs_completion, full.needs_completion) == (True, False)


# --- the pages ----------------------------------------------------------------------------------------


def test_a_unit_sees_its_own_persons_but_only_the_office_edits(client, alice, bob, erin, unit_a):
    person = ResponsiblePersonFactory(unit=unit_a, name="王建国")
    url = reverse("unit_people", args=[unit_a.pk])
    client.force_login(alice)
    page = client.get(url)
    assert page.status_code == 200 and "王建国" in page.content.decode()
    assert reverse("person_edit", args=[person.pk]) not in page.content.decode()
    assert client.post(url, {"name": "冒名"}).status_code == 403
    assert client.get(reverse("person_edit", args=[person.pk])).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(erin)
    assert client.post(url, {"name": "赵六", "post": "副县长", "mobile": "13900000006"}).status_code == 302
    assert ResponsiblePerson.objects.get(name="赵六").needs_completion is False
    assert not ResponsiblePerson.objects.filter(name="冒名").exists()


def test_the_office_lists_the_persons_to_be_completed(client, erin, unit_a):
    ResponsiblePersonFactory(unit=unit_a, name="待补全", needs_completion=True)
    ResponsiblePersonFactory(unit=unit_a, name="已完整")
    client.force_login(erin)
    body = client.get(reverse("people_to_complete")).content.decode()
    assert "待补全" in body and "已完整" not in body


# --- the Excel import ----------------------------------------------------------------------------------


def _plan(tmp_path, user, **cells):
    cells = {"序号": "1", "目标任务": "新建幼儿园20所", "牵头单位": "甲县", "完成时限": "2018年12月底前", **cells}
    headers = [*HEADERS, "工作职责"] if "工作职责" in cells else HEADERS
    path = make_sheet(tmp_path / "sheet.xlsx", [row(**cells)], headers=headers)
    return plan_import(path, path.name, year=2018, acting_user=user)


def test_an_import_refuses_a_name_two_people_of_the_unit_share_with_their_posts_and_phones(
    tmp_path, erin, unit_a, leader
):
    ResponsiblePersonFactory(unit=unit_a, name="王伟", post="副县长", mobile="13900000001")
    ResponsiblePersonFactory(unit=unit_a, name="王伟", post="县长助理", mobile="13900000002")
    plan = _plan(tmp_path, erin, 责任人="王伟")
    assert not plan.is_valid
    [problem] = [str(p) for p in plan.problems]
    assert "副县长" in problem and "13900000002" in problem and "县长助理" in problem


def test_an_import_matches_a_known_person_and_creates_a_new_one_flagged(tmp_path, erin, unit_a, unit_b, leader):
    known = ResponsiblePersonFactory(unit=unit_a, name="王伟")
    plan = _plan(tmp_path, erin, 配合单位="乙局", 责任人="甲县：王伟\n乙局：新局长")
    assert plan.is_valid, [str(p) for p in plan.problems]
    notes = plan.rows[0].notes
    assert any("新局长" in note for note in notes)
    assert any("title is used" in note for note in notes)
    services.import_breakdown(plan, acting_user=erin)
    lead = Assignment.objects.get(unit=unit_a)
    co = Assignment.objects.get(unit=unit_b)
    assert lead.person == known
    assert (co.person.name, co.person.needs_completion, co.responsible_person) == ("新局长", True, "新局长")
    assert lead.duty == co.duty == "新建幼儿园20所"
    assert co.person.history.count() == 1


def test_an_import_takes_the_duty_column(tmp_path, erin, unit_a, leader):
    plan = _plan(tmp_path, erin, 责任人="王伟", 工作职责="完成选址和建设")
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert not any("title is used" in note for note in plan.rows[0].notes)
    services.import_breakdown(plan, acting_user=erin)
    assert Assignment.objects.get(unit=unit_a).duty == "完成选址和建设"


# --- the breakdown editor -----------------------------------------------------------------------------


def _breakdown_post(target, rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0"}
    data["form-MAX_NUM_FORMS"] = "1000"
    for index, cells in enumerate(rows):
        for key, value in cells.items():
            data[f"form-{index}-{key}"] = value
    return data


def test_the_breakdown_editor_chooses_the_units_person_and_keeps_the_duty(client, erin, draft, unit_a, unit_b):
    chosen = ResponsiblePersonFactory(unit=unit_a, name="王建国")
    client.force_login(erin)
    rows = [
        {"unit": unit_a.pk, "role": "lead", "person": chosen.pk, "duty": "牵头组织"},
        {"unit": unit_b.pk, "role": "co", "responsible_person": "李科长", "duty": "配合"},
    ]
    client.post(reverse("breakdown_edit", args=[draft.pk]), _breakdown_post(draft, rows))
    lead, co = draft.assignments.get(unit=unit_a), draft.assignments.get(unit=unit_b)
    assert (lead.person, lead.duty) == (chosen, "牵头组织")
    assert (co.person.name, co.person.unit, co.person.needs_completion, co.duty) == ("李科长", unit_b, True, "配合")


def test_the_breakdown_editor_refuses_a_person_of_another_unit_and_saves_nothing(client, erin, draft, unit_a, unit_b):
    stranger = ResponsiblePersonFactory(unit=unit_b)
    client.force_login(erin)
    rows = [{"unit": unit_a.pk, "role": "lead", "person": stranger.pk, "duty": "牵头组织"}]
    response = client.post(reverse("breakdown_edit", args=[draft.pk]), _breakdown_post(draft, rows))
    assert response.status_code == 200
    assert "责任人须是本单位人员" in response.content.decode()
    assert not draft.assignments.exists()
