"""A co-unit's accepted figures roll up into the target: the sum under shares that add up, the lead's
figure otherwise; the lead sees its co-units' figures when it reports; every page gives one number."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.selectors.snapshot import build_snapshot
from core.access import RoleKind
from tasks import services
from tasks.choices import AssignmentRole, MeasureKind, ShareRule, TargetType
from tasks.measures import rolled_up
from tests.factories import RoleFactory, UnitFactory, UserFactory
from tests.scenarios import D, accept, at, file_report, link
from tests.workspace_data import issued_target_of


def _link(role, share, value, percent=None):
    return SimpleNamespace(role=role, share=share, actual_value=value, progress_percent=percent)


def _target(rule, value=Decimal(300)):
    # As Target.progress_baseline gives it: the baseline of a cumulative measure (None here).
    return SimpleNamespace(
        share_rule=rule,
        target_value=value,
        baseline=None,
        measure_kind=MeasureKind.CUMULATIVE,
        direction="higher",
        progress_baseline=None,
    )


def test_under_shares_that_add_up_the_target_is_the_sum_of_the_units_carrying_a_share():
    links = [
        _link(AssignmentRole.LEAD, None, Decimal(162), Decimal(54)),
        _link(AssignmentRole.CO, Decimal(150), Decimal(90)),
        _link(AssignmentRole.CO, Decimal(150), Decimal("82.4")),
    ]
    assert rolled_up(_target(ShareRule.SUM), links) == (Decimal("172.4"), Decimal("57.5"))


def test_a_unit_without_an_accepted_figure_adds_nothing_and_none_at_all_is_no_figure():
    links = [_link(AssignmentRole.LEAD, None, None), _link(AssignmentRole.CO, Decimal(150), None)]
    assert rolled_up(_target(ShareRule.SUM), links) == (None, Decimal(0))
    links.append(_link(AssignmentRole.CO, Decimal(150), Decimal(30)))
    assert rolled_up(_target(ShareRule.SUM), links)[0] == Decimal(30)


@pytest.mark.parametrize("rule", [ShareRule.EACH, ShareRule.NONE])
def test_otherwise_the_lead_answers_for_the_target(rule):
    links = [_link(AssignmentRole.LEAD, None, Decimal(8), Decimal(94)), _link(AssignmentRole.CO, Decimal(9), 10)]
    assert rolled_up(_target(rule, Decimal("8.5")), links) == (Decimal(8), Decimal(94))


@pytest.fixture
def roads(erin, leader, unit_a, unit_b, bob):
    """Unit A leads and coordinates (no share); unit B and a third county carry 150 km each."""
    unit_c = UnitFactory(name="丙县")
    staff_c = RoleFactory(user=UserFactory(username="chen"), kind=RoleKind.STAFF, unit=unit_c).user
    target = issued_target_of(
        unit_a,
        office=erin,
        leader=leader,
        co_units=[unit_b, unit_c],
        shares={unit_b: Decimal(150), unit_c: Decimal(150)},
        target_type=TargetType.LIVELIHOOD,
        target_value=Decimal(300),
        measure_unit="公里",
        share_rule=ShareRule.SUM,
    )
    for unit, user, km in ((unit_b, bob, 90), (unit_c, staff_c, "82.4")):
        report = file_report(link(target, unit), user, D(2018, 8, 26), period="2018-08", value=km)
        accept(report, erin, D(2018, 8, 29))
    return target


def test_the_target_page_the_public_snapshot_and_the_lead_show_the_same_total(roads, client, alice, erin, bob):
    client.force_login(erin)
    page = client.get(reverse("target_detail", args=[roads.pk])).content.decode()
    assert "data-rolled-up-value>172.4<" in page
    snapshot = build_snapshot(as_of=D(2018, 8, 31))
    [project] = snapshot["livelihood"]
    assert (project["actual_value"], project["progress_percent"]) == ("172.4", "57.5")
    assert sum(Decimal(u["actual_value"]) for u in project["units"] if u["share"]) == Decimal("172.4")
    # The lead unit sees its co-units' figures when it reports, and the total is offered as its figure.
    client.force_login(alice)
    with at(D(2018, 9, 25)):
        form = client.get(reverse("report_edit", args=[roads.assignments.get(role="lead").pk]))
    content = form.content.decode()
    assert "各责任单位数据汇总" in content and "乙局" in content and "丙县" in content
    assert form.context["form"].initial["actual_value"] == Decimal("172.4")
    # A co-unit does not see the others' figures on its form.
    client.force_login(bob)
    with at(D(2018, 9, 25)):
        other = client.get(reverse("report_edit", args=[roads.assignments.get(unit__name="乙局").pk]))
    assert "各责任单位数据汇总" not in other.content.decode()


def test_the_lead_assignment_page_lists_the_units_and_the_total(roads, client, alice):
    client.force_login(alice)
    lead = roads.assignments.get(role="lead")
    content = client.get(reverse("assignment_detail", args=[lead.pk])).content.decode()
    assert "各单位分解任务之和即目标值" in content and "data-rolled-up-value>172.4<" in content


def test_a_verified_claim_counts_as_accepted_figures_in_the_snapshot(roads, erin, bob):
    co = roads.assignments.get(unit__name="乙局")
    with at(D(2018, 9, 10)):
        services.claim_completion(co, acting_user=bob, final_value=Decimal(150), statement="完成")
    with at(D(2018, 9, 12)):
        acc.verify_and_close_out(co, acting_user=erin)
    assert build_snapshot(as_of=D(2018, 9, 11))["livelihood"][0]["actual_value"] == "172.4"
    after = build_snapshot(as_of=D(2018, 9, 12))["livelihood"][0]
    assert after["actual_value"] == "232.4"
    assert next(u for u in after["units"] if u["unit"] == "乙局")["closed"] is True
