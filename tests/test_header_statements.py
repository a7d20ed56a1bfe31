"""Every signed-in page's two header reads, written once per process: the roles (``access_for``) and
the unread badge. Each must answer exactly what the ORM query it replaced answered."""

import pytest
from django.db import models
from django.utils import timezone

from accountability import services
from accountability.choices import NoticeStatus
from accountability.context_processors import waiting_count
from accountability.models import InboxMessage, Notice
from core.access import NO_ACCESS, RoleKind, access_for, forget_access, roles_of
from tasks.models import Delegation, Leader, Role
from tests.factories import LeaderFactory, RoleFactory, UserFactory
from tests.notice_helpers import D, at

pytestmark = pytest.mark.django_db


def _orm_roles(user) -> list:
    """The query ``access_for`` ran before (select_related, an OR over the delegations' join)."""
    return list(
        Role.objects.filter(
            models.Q(user=user)
            | models.Q(
                kind=RoleKind.LEADER,
                user__delegations_given__secretary=user,
                user__delegations_given__is_active=True,
            )
        )
        .select_related("unit", "leader")
        .order_by("pk")
    )


def _shown(roles) -> list:
    return [
        (
            role.pk,
            role.user_id,
            role.kind,
            role.unit_id,
            role.leader_id,
            role.unit and (role.unit.name, role.unit.kind, role.unit.is_active, role.unit.sort_order),
            role.leader and (role.leader.post, role.leader.whole_city, role.leader.sort_order),
        )
        for role in roles
    ]


@pytest.fixture
def people(alice, bob, carol, dave, erin, unit_a, unit_b):
    """A secretary of two leaders (one delegation ended), a mayor, a head of two units, an evaluator."""
    mayor = RoleFactory(
        user=UserFactory(username="mayor"), kind=RoleKind.LEADER, unit=None, leader=LeaderFactory(whole_city=True)
    ).user
    secretary = RoleFactory(user=UserFactory(username="sec"), kind=RoleKind.STAFF, unit=unit_b).user
    Delegation.objects.create(leader_user=dave, secretary=secretary)
    Delegation.objects.create(leader_user=mayor, secretary=secretary, is_active=False)
    Delegation.objects.create(leader_user=dave, secretary=bob)
    RoleFactory(user=carol, kind=RoleKind.HEAD, unit=unit_b)
    deputy = RoleFactory(user=UserFactory(username="npc"), kind=RoleKind.NPC_DEPUTY, unit=None, leader=None).user
    nobody = UserFactory(username="nobody")
    return [alice, bob, carol, dave, erin, mayor, secretary, deputy, nobody]


def test_the_roles_statement_reads_what_the_orm_query_read(people):
    assert Leader.objects.filter(whole_city=True).exists()
    for person in people:
        forget_access(person)
        access = access_for(person)
        expected = _orm_roles(person)
        own = {role.pk: role for role in expected if role.user_id == person.pk}.values()  # once each
        assert _shown(roles_of(person)) == _shown(own), person.username
        assert access.leader_ids == {role.leader_id for role in expected if role.kind == RoleKind.LEADER}
        assert access.whole_city_leader_ids == {
            role.leader_id for role in expected if role.kind == RoleKind.LEADER and role.leader.whole_city
        }
        assert access.acting_for_user_ids == {role.user_id for role in expected if role.user_id != person.pk}
    secretary, mayor, nobody = people[6], people[5], people[8]
    assert access_for(secretary).is_secretary_only  # leader posts only through the delegation
    assert access_for(secretary).leader_ids == {people[3].roles.get().leader_id}  # not the ended delegation's
    assert access_for(mayor).whole_city_leader_ids == {mayor.roles.get().leader_id}
    assert access_for(nobody) == NO_ACCESS
    assert roles_of(nobody) == []


def test_a_role_read_by_the_statement_is_a_whole_model_with_its_unit(alice, unit_a):
    forget_access(alice)
    (role,) = roles_of(alice)
    assert role == Role.objects.get(user=alice)
    assert role.unit == unit_a and role.unit.name == unit_a.name and role.leader is None
    assert role.get_kind_display() == RoleKind.STAFF.label
    role.save()  # a model loaded from the row saves like one the ORM loaded
    assert Role.objects.filter(user=alice).count() == 1


@pytest.fixture
def notices(erin, issued_target):
    with at(D(2018, 1, 2), 11):
        return list(
            services.issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)
        )


def test_the_unread_badge_counts_what_waiting_counts(alice, bob, erin, notices):
    now = timezone.now()
    for n in range(3):  # messages without a notice: one read
        InboxMessage.objects.create(
            recipient=alice,
            kind="approval",
            day=now.date(),
            subject=f"提醒{n}",
            created_at=now,
            read_at=now if n else None,
        )
    people = (alice, bob, erin)
    counts = [waiting_count(person) for person in people]
    assert counts == [InboxMessage.objects.for_user(person).waiting().count() for person in people]
    assert counts[0] == 2  # its task notice and the unread reminder
    # A notice ended since it arrived no longer counts; the statement follows the query.
    for status in (NoticeStatus.CLOSED, NoticeStatus.WITHDRAWN):
        InboxMessage.objects.filter(recipient=alice, notice__isnull=False).update(read_at=None)
        Notice.objects.filter(messages__recipient=alice).update(status=status)
        assert waiting_count(alice) == InboxMessage.objects.for_user(alice).waiting().count() == 1
