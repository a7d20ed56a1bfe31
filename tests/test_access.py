"""for_user: the one access path, per model and role."""

import datetime as dt

import pytest
import time_machine

from accountability.models import Check
from accountability.services import record_check
from core.access import Action, RoleKind, forget_access
from tasks import services
from tasks.models import Assignment, FollowUp, ProgressReport, Target, Unit
from tests.factories import RoleFactory, UserFactory


@pytest.fixture
def reports(issued_target, alice, bob):
    """One filed report per unit of the issued target (A leads, B cooperates)."""
    with time_machine.travel(dt.datetime(2018, 6, 25, 2, tzinfo=dt.UTC), tick=False):
        for assignment, author in zip(issued_target.assignments.order_by("role"), (bob, alice), strict=True):
            report = services.save_report(assignment, acting_user=author, progress_percent=20, work_done="x")
            services.submit_report(report, acting_user=author)
    return {r.assignment.unit.name: r for r in ProgressReport.objects.select_related("assignment__unit")}


def _units(queryset):
    return sorted(queryset.values_list("assignment__unit__name", flat=True))


def test_staff_see_only_their_units_assignments(alice, bob, issued_target):
    assert list(Assignment.objects.for_user(alice).values_list("unit__name", flat=True)) == ["甲县"]
    assert list(Assignment.objects.for_user(bob).values_list("unit__name", flat=True)) == ["乙局"]


def test_office_and_leaders_see_everything_but_only_the_office_manages(erin, dave, issued_target):
    assert Assignment.objects.for_user(erin).count() == 2
    assert Assignment.objects.for_user(dave).count() == 2
    assert Assignment.objects.for_user(erin, Action.MANAGE).count() == 2
    assert Assignment.objects.for_user(dave, Action.MANAGE).count() == 0
    assert Target.objects.for_user(dave, Action.INSTRUCT).count() == 1


def test_a_person_without_a_role_sees_nothing(issued_target):
    nobody = UserFactory(username="nobody")
    assert not Assignment.objects.for_user(nobody).exists()
    assert not Target.objects.for_user(nobody).exists()
    assert not Unit.objects.for_user(nobody).exists()


def test_the_lead_unit_sees_its_co_units_reports_but_not_the_other_way_round(alice, bob, reports):
    assert _units(ProgressReport.objects.for_user(alice)) == ["乙局", "甲县"]
    assert _units(ProgressReport.objects.for_user(bob)) == ["乙局"]


def test_the_lead_unit_may_not_edit_its_co_units_reports(alice, reports):
    assert _units(ProgressReport.objects.for_user(alice, Action.REPORT)) == ["甲县"]


def test_only_the_unit_head_approves(alice, carol, reports):
    assert _units(ProgressReport.objects.for_user(carol, Action.APPROVE)) == ["甲县"]
    assert not ProgressReport.objects.for_user(alice, Action.APPROVE).exists()


def test_a_head_of_one_unit_and_staff_of_another_holds_both(carol, unit_b, reports):
    RoleFactory(user=carol, kind=RoleKind.STAFF, unit=unit_b)
    forget_access(carol)
    assert _units(ProgressReport.objects.for_user(carol, Action.REPORT)) == ["乙局"]
    assert _units(ProgressReport.objects.for_user(carol, Action.APPROVE)) == ["甲县"]


def test_follow_ups_are_seen_by_those_who_see_the_target(alice, bob, erin, issued_target):
    services.add_follow_up(target=issued_target, kind="office", text="请加快", acting_user=erin)
    assert FollowUp.objects.for_user(alice).count() == 1
    assert FollowUp.objects.for_user(UserFactory(username="outsider")).count() == 0


def test_checks_are_scoped_like_assignments(alice, bob, erin, issued_target):
    lead = issued_target.assignments.get(unit__name="甲县")
    record_check(lead, kind="progress", finding="进度正常", acting_user=erin)
    assert Check.objects.for_user(alice).count() == 1
    assert Check.objects.for_user(bob).count() == 0


def test_an_inactive_person_loses_every_right(alice, issued_target):
    alice.is_active = False
    alice.save()
    forget_access(alice)
    assert not Assignment.objects.for_user(alice).exists()


def test_a_reply_to_one_units_report_is_not_shown_to_another_unit(alice, bob, erin, issued_target, reports):
    """Bob's unit (乙局) cooperates on the target; the office answers 甲县's problem."""
    services.add_follow_up(
        target=issued_target, report=reports["甲县"], kind="office", topic="problem", text="已协调", acting_user=erin
    )
    services.add_follow_up(target=issued_target, kind="leader", text="抓紧推进", acting_user=erin)
    assert FollowUp.objects.for_user(alice).count() == 2
    assert list(FollowUp.objects.for_user(bob).values_list("text", flat=True)) == ["抓紧推进"]


def test_the_header_lists_ones_own_roles_once_read_with_the_access_check(
    client, dave, unit_a, unit_b, django_assert_num_queries
):
    """The roles the header names come with ``access_for``'s one query: a secretary's own roles only
    (not the leader's they act for), each once however many secretaries their holder named."""
    from core.access import access_for, roles_of
    from tasks.models import Delegation

    secretary = RoleFactory(user=UserFactory(username="sec"), kind=RoleKind.STAFF, unit=unit_b).user
    RoleFactory(user=secretary, kind=RoleKind.HEAD, unit=unit_a)
    other = UserFactory(username="sec2")
    Delegation.objects.create(leader_user=dave, secretary=secretary)
    Delegation.objects.create(leader_user=dave, secretary=other)
    Delegation.objects.create(leader_user=secretary, secretary=other)  # the secretary names one too
    Delegation.objects.create(leader_user=secretary, secretary=dave)
    with django_assert_num_queries(1):
        access = access_for(secretary)
        roles = roles_of(secretary)
        names = [(role.kind, str(role.unit or role.leader)) for role in roles]
    assert access.leader_ids == {dave.roles.get().leader_id}
    assert names == [(RoleKind.STAFF, unit_b.name), (RoleKind.HEAD, unit_a.name)]
    forget_access(dave)
    assert [(role.kind, role.leader.post) for role in roles_of(dave)] == [
        (RoleKind.LEADER, dave.roles.get().leader.post)
    ]
    client.force_login(secretary)
    page = client.get("/").content.decode()
    assert page.count('class="who__role"') == 2
