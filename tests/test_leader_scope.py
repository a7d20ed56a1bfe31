"""Leaders over their fields (分管): one scope, pages that open on it, the mayor's city, secretaries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accountability.selectors.meetings import meeting_pack
from core.access import RoleKind, forget_access
from tasks.choices import OPEN_ASSIGNMENT_STATUSES, FollowUpKind, TargetStatus, WarningLevel
from tasks.judgment.state import judge, with_level
from tasks.models import Assignment, Delegation, Field, FollowUp, Leader, Target, User
from tasks.selectors.scope import leader_scope
from tasks.services.delegation import delegate
from tests.factories import LeaderFactory, RoleFactory, UnitFactory, UserFactory
from tests.judgment.helpers import warn
from tests.workspace_data import at, issued_target_of

D = dt.date


@pytest.fixture
def scoped(erin, unit_a, unit_b, leader):
    """Four targets: one the leader leads, one of the leader's field, one carried by the leader's unit,
    one of nobody's concern to the leader."""
    other_leader = LeaderFactory(post="副市长（其他）")
    industry = Field.objects.create(name="工业")
    mine_unit = UnitFactory(name="市工信委")
    leader.fields.add(industry)
    leader.units.add(mine_unit)
    led = issued_target_of(unit_a, office=erin, leader=leader, title="本人牵头的任务")
    of_field = issued_target_of(unit_a, office=erin, leader=other_leader, title="本领域的任务")
    of_field.fields.add(industry)
    of_unit = issued_target_of(
        unit_b, office=erin, leader=other_leader, title="分管单位参与的任务", co_units=[mine_unit]
    )
    outside = issued_target_of(unit_b, office=erin, leader=other_leader, title="与本人无关的任务")
    return {"led": led, "of_field": of_field, "of_unit": of_unit, "outside": outside, "unit": mine_unit}


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_scope_is_the_targets_led_the_fields_and_the_units_assignments(scoped, leader):
    scope = leader_scope(leader)
    targets = set(scope.targets(Target.objects.all()))
    assert targets == {scoped["led"], scoped["of_field"], scoped["of_unit"]}
    assignments = set(scope.assignments(Assignment.objects.all()))
    expected = set(Assignment.objects.filter(target__in=[scoped["led"], scoped["of_field"]])) | set(
        Assignment.objects.filter(target=scoped["of_unit"], unit=scoped["unit"])
    )
    assert assignments == expected  # the lead unit of of_unit is not the leader's
    # Matched as a semi-join (``few``: the plan for a small index on the other side), the same rows.
    assert set(scope.assignments(Assignment.objects.all(), few=True)) == expected


def test_a_leader_over_the_whole_city_has_the_city(scoped):
    mayor = LeaderFactory(post="市长", whole_city=True)
    scope = leader_scope(mayor)
    assert scope.targets(Target.objects.all()).count() == Target.objects.count() == 4
    assert leader_scope([mayor.pk]).whole_city


@pytest.mark.parametrize("name", ["dashboard", "battle_map", "target_ledger", "assignment_list"])
def test_each_page_opens_on_the_leader_s_scope_and_the_city_is_one_click_away(client, dave, scoped, name):
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        # A list opens bare (from the menu); the dashboard and battle map keep their year.
        bare = name in ("target_ledger", "assignment_list")
        mine = _text(client.get(reverse(name) + ("" if bare else "?year=2018")))
        city = _text(client.get(reverse(name), {"scope": "city", "year": 2018}))
    if name != "dashboard":  # the dashboard lists the leader's targets only, the city as figures
        assert scoped["outside"].title not in mine and scoped["outside"].title in city
    assert scoped["led"].title in mine
    assert "scope=city" in mine and 'aria-current="page">我分管的' in mine
    assert 'aria-current="page">全市' in city


def test_a_list_opened_from_a_figure_counts_what_the_figure_counts(client, dave, scoped):
    """A figure's link names its filters; without a scope the list shows the city the figure counted."""
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = _text(client.get(reverse("assignment_list"), {"year": 2018, "status": "open"}))
    assert scoped["outside"].title in page


def test_a_leader_may_still_open_a_target_outside_the_scope(client, dave, scoped):
    client.force_login(dave)
    assert client.get(reverse("target_detail", args=[scoped["outside"].pk])).status_code == 200


def test_the_meeting_pack_covers_the_scope_and_the_city_on_request(client, dave, scoped, leader):
    assignments = Assignment.objects.filter(target__in=[scoped["of_field"], scoped["outside"]])
    warn(assignments, WarningLevel.RED, on=D(2018, 6, 1), by=dave)
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        pack = meeting_pack(leader, D(2018, 6, 27))
        city = meeting_pack(leader, D(2018, 6, 27), city=True)
        page = _text(client.get(reverse("meeting-pack")))
    assert {row.target for row in pack.lagging} == {scoped["of_field"]}
    assert {row.target for row in city.lagging} == {scoped["of_field"], scoped["outside"]}
    assert scoped["of_field"].title in page and scoped["outside"].title not in page
    assert "scope=city" in page


def test_the_leader_s_home_shows_new_reds_in_scope_as_the_list_behind_counts_them(client, dave, erin, scoped):
    warn(Assignment.objects.filter(target=scoped["of_field"]), WarningLevel.RED, on=D(2018, 6, 26), by=erin)
    warn(Assignment.objects.filter(target=scoped["led"]), WarningLevel.RED, on=D(2018, 6, 1), by=erin)  # old red
    warn(Assignment.objects.filter(target=scoped["outside"]), WarningLevel.RED, on=D(2018, 6, 26), by=erin)
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = _text(client.get(reverse("home")))
        week = _text(client.get(reverse("assignment_list"), {"year": 2018, "red_since": 7, "scope": "mine"}))
    block = page[page.index('id="leader-today"') :]
    figure = int(re.search(r'<strong class="count[^"]*">(\d+)</strong>\s*项近7日新增红色预警', block).group(1))
    assert figure == Assignment.objects.filter(target=scoped["of_field"]).count() == 1
    assert len(set(re.findall(r'href="/assignments/(\d+)/"', week))) == figure
    assert scoped["of_field"].title in week and scoped["led"].title not in week


# --- The demo: the mayor's city, a vice-mayor's fields, a secretary -----------------------------


def test_the_checks_register_and_the_instructions_open_on_the_scope(client, dave, erin, scoped, unit_a, unit_b):
    """/checks/ and /instructions/ are lists like the others: 我分管的 first, the city a click away."""
    from accountability.services import record_check
    from accountability.services.instructions import issue_instruction

    other = Target.objects.get(pk=scoped["outside"].pk).leader
    other_user = UserFactory(username="other_leader")
    RoleFactory(user=other_user, kind=RoleKind.LEADER, unit=None, leader=other)
    with at(D(2018, 6, 20)):
        for name, finding in (("led", "本人牵头任务的督查发现"), ("outside", "无关任务的督查发现")):
            assignment = Assignment.objects.filter(target=scoped[name]).first()
            record_check(assignment, kind="progress", finding=finding, acting_user=erin)
        issue_instruction(
            target=scoped["outside"], text="无关任务的批示", due_date=D(2018, 7, 1), units=[unit_b],
            acting_user=other_user,
        )  # fmt: skip
        issue_instruction(
            target=scoped["led"], text="本人的批示", due_date=D(2018, 7, 1), units=[unit_a],
            acting_user=dave,
        )  # fmt: skip
    forget_access(dave)
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        checks = _text(client.get(reverse("checks:register")))
        checks_city = _text(client.get(reverse("checks:register"), {"scope": "city"}))
        instructions = _text(client.get(reverse("instructions:list")))
        instructions_city = _text(client.get(reverse("instructions:list"), {"scope": "city"}))
    assert "本人牵头任务的督查发现" in checks and "无关任务的督查发现" not in checks
    assert "无关任务的督查发现" in checks_city
    assert "本人的批示" in instructions and "无关任务的批示" not in instructions
    assert "无关任务的批示" in instructions_city
    assert 'aria-current="page">我分管的' in checks and 'aria-current="page">我分管的' in instructions


def _city_behind(day: dt.date) -> int:
    issued = Assignment.objects.filter(target__year=day.year).exclude(target__status=TargetStatus.DRAFT)
    return sum(1 for judgment in judge(issued, day).values() if judgment.behind)


@pytest.mark.django_db
def test_the_mayor_s_meeting_pack_counts_the_city_s_lagging_and_reds(demo):
    day = D(2018, 9, 30)
    mayor = Leader.objects.get(post="市长")
    with at(day):
        pack = meeting_pack(mayor, day)
        reds = (
            with_level(Assignment.objects.filter(target__year=2018, status__in=OPEN_ASSIGNMENT_STATUSES), day)
            .filter(level_now=WarningLevel.RED)
            .count()
        )
    assert reds > 0
    assert len(pack.lagging) == _city_behind(day) > 0
    assert sum(1 for row in pack.lagging if row.judged.level == WarningLevel.RED) == reds


@pytest.mark.django_db
def test_the_mayor_s_home_counts_the_city(demo, client):
    client.force_login(User.objects.get(username="mayor"))
    with at(D(2018, 9, 30)):
        page = _text(client.get(reverse("home")))
    figure = int(re.search(r'<strong class="count[^"]*">(\d+)</strong>\s*项分管目标任务', page).group(1))
    assert figure == Target.objects.filter(year=2018, status=TargetStatus.ISSUED).count() > 0
    assert "今天待我处理：全市" in page


@pytest.mark.django_db
def test_every_demo_vice_mayor_has_fields_and_units_and_targets_carry_fields(demo):
    for leader in Leader.objects.exclude(post="市长"):
        assert leader.fields.exists() and leader.units.exists(), leader.post
        assert not leader.whole_city
    assert Leader.objects.get(post="市长").whole_city
    assert not Target.objects.filter(year=2018, fields__isnull=True).exists()


@pytest.mark.django_db
def test_a_secretary_writes_the_leader_s_instruction_and_the_record_names_both(demo, client):
    secretary = User.objects.get(username="secretary_industry")
    vice_mayor = User.objects.get(username="vmayor_industry")
    target = Target.objects.get(year=2018, code="2018-002")
    client.force_login(secretary)
    with at(D(2018, 9, 30)):
        response = client.post(
            reverse("target_follow_up", args=[target.pk]), {"kind": FollowUpKind.LEADER, "text": "请加快进度"}
        )
        page = _text(client.get(reverse("target_detail", args=[target.pk])))
    assert response.status_code == 302
    written = FollowUp.objects.get(target=target, text="请加快进度")
    assert (written.author, written.written_by) == (vice_mayor, secretary)
    reason = written.history.latest().history_change_reason
    assert f"秘书 {secretary} 代 {vice_mayor}" in reason
    assert f"秘书 {secretary} 代 {vice_mayor}" in page


@pytest.mark.django_db
def test_without_an_active_delegation_a_secretary_is_nobody(demo, client):
    secretary = User.objects.get(username="secretary_industry")
    Delegation.objects.filter(secretary=secretary).update(is_active=False)
    forget_access(secretary)
    client.force_login(secretary)
    assert client.get(reverse("dashboard")).status_code == 403
    target = Target.objects.get(year=2018, code="2018-002")
    client.post(reverse("target_follow_up", args=[target.pk]), {"kind": FollowUpKind.LEADER, "text": "越权批示"})
    assert not FollowUp.objects.filter(text="越权批示").exists()


def test_only_a_leader_may_have_a_secretary(db, erin, dave):
    from core.errors import RuleViolation

    clerk = UserFactory(username="clerk")
    with pytest.raises(RuleViolation):
        delegate(leader_user=erin, secretary=clerk, acting_user=erin)
    delegation = delegate(leader_user=dave, secretary=clerk, acting_user=erin)
    assert delegation.is_active
    assert RoleFactory._meta.model.objects.filter(user=clerk, kind=RoleKind.LEADER).count() == 0


def test_the_office_sets_a_leader_s_fields_and_units_and_adds_a_field(client, erin, dave, leader, unit_a):
    client.force_login(erin)
    response = client.post(reverse("office_leaders"), {"name": "测试领域", "sort_order": 3})
    assert response.status_code == 302
    traffic = Field.objects.get(name="测试领域")
    again = _text(client.post(reverse("office_leaders"), {"name": "测试领域", "sort_order": 4}))
    assert Field.objects.filter(name="测试领域").count() == 1 and "errorlist" in again  # a clear message, nothing lost
    response = client.post(
        reverse("office_leader_edit", args=[leader.pk]), {"fields": [traffic.pk], "units": [unit_a.pk]}
    )
    assert response.status_code == 302
    assert list(leader.fields.all()) == [traffic] and list(leader.units.all()) == [unit_a]
    assert not Leader.objects.get(pk=leader.pk).whole_city
    assert "测试领域" in _text(client.get(reverse("office_leaders")))
    client.force_login(dave)  # a leader does not set their own scope
    assert client.post(reverse("office_leader_edit", args=[leader.pk]), {"whole_city": "on"}).status_code == 403
    assert not Leader.objects.get(pk=leader.pk).whole_city


def test_the_office_labels_a_target_with_its_fields_in_the_target_form(client, erin, leader):
    """分管领域 are put on targets in the browser: creating and editing a target sets them, and the
    target then lies in the scope of the leaders over those fields."""
    industry, traffic = (Field.objects.get_or_create(name=name)[0] for name in ("工业", "交通"))
    over_traffic = LeaderFactory(post="副市长（分管交通）")
    over_traffic.fields.add(traffic)
    client.force_login(erin)
    form = {
        "year": "2018", "code": "2018-101", "title": "新建公路30公里", "source": "work_report",
        "target_type": "livelihood", "leader": leader.pk, "start_date": "2018-01-01", "deadline": "2018-12-31",
        "report_frequency": "monthly", "measure_unit": "公里", "target_value": "30", "direction": "higher",
        "measure_kind": "cumulative", "share_rule": "sum", "areas": [industry.pk],
    }  # fmt: skip
    client.post(reverse("target_create"), form)
    target = Target.objects.get(code="2018-101")
    assert list(target.fields.all()) == [industry]
    assert not leader_scope(over_traffic).targets(Target.objects.all()).filter(pk=target.pk).exists()
    edit = client.get(reverse("target_edit", args=[target.pk])).content.decode()
    assert re.search(rf'value="{industry.pk}"[^>]*checked', edit)
    client.post(reverse("target_edit", args=[target.pk]), {**form, "areas": [traffic.pk]})
    assert list(target.fields.all()) == [traffic]
    assert leader_scope(over_traffic).targets(Target.objects.all()).filter(pk=target.pk).exists()
    assert "交通" in client.get(reverse("target_detail", args=[target.pk])).content.decode()
