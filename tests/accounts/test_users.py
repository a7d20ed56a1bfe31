"""The office creates, deactivates, resets and hands over logins at /users/."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import AccountState, RoleHandover
from core.access import RoleKind
from tasks.models import Role

User = get_user_model()


def test_the_list_filters_by_unit_role_and_status(client, erin, alice, bob, carol, unit_a):
    client.force_login(erin)
    names = lambda response: {p.username for p in response.context["page"].object_list}  # noqa: E731
    assert names(client.get(reverse("accounts:user_list"), {"unit": unit_a.pk})) == {"alice", "carol"}
    assert names(client.get(reverse("accounts:user_list"), {"unit": unit_a.pk, "role": "head"})) == {"carol"}
    bob.is_active = False
    bob.save()
    assert names(client.get(reverse("accounts:user_list"), {"active": "no"})) == {"bob"}
    assert "bob" not in names(client.get(reverse("accounts:user_list"), {"active": "yes"}))


def test_the_office_creates_a_liaison_with_a_one_time_password(client, erin, unit_a):
    client.force_login(erin)
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "liu_a", "display_name": "刘联络员", "unit": unit_a.pk, "kind": RoleKind.STAFF},
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="liu_a")
    assert user.check_password(password)
    assert Role.objects.filter(user=user, kind=RoleKind.STAFF, unit=unit_a).exists()
    assert AccountState.objects.get(user=user).must_change_password
    assert user.history.first().history_user == erin


def test_a_taken_user_name_is_refused_with_a_message_and_nothing_changes(client, erin, alice, unit_a):
    client.force_login(erin)
    before = User.objects.count()
    response = client.post(
        reverse("accounts:user_create"),
        {"username": "ALICE", "display_name": "又一个", "unit": unit_a.pk, "kind": RoleKind.HEAD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert User.objects.count() == before


def test_deactivating_ends_the_persons_sessions_and_reactivating_lets_them_back(client, erin, alice):
    from django.test import Client

    theirs = Client()
    theirs.force_login(alice)
    assert theirs.get(reverse("unit_workspace")).status_code == 200
    client.force_login(erin)
    client.post(reverse("accounts:user_set_active", args=[alice.pk]), {"active": "0"})
    alice.refresh_from_db()
    assert not alice.is_active
    assert theirs.get(reverse("unit_workspace")).status_code == 302
    client.post(reverse("accounts:user_set_active", args=[alice.pk]), {"active": "1"})
    alice.refresh_from_db()
    assert alice.is_active


def test_the_office_cannot_deactivate_its_own_login(client, erin):
    client.force_login(erin)
    client.post(reverse("accounts:user_set_active", args=[erin.pk]), {"active": "0"}, follow=True)
    erin.refresh_from_db()
    assert erin.is_active


def test_a_reset_gives_a_one_time_password_that_must_be_changed(client, erin, alice):
    client.force_login(erin)
    response = client.post(reverse("accounts:user_reset_password", args=[alice.pk]))
    password = response.context["password"]
    alice.refresh_from_db()
    assert alice.check_password(password)
    assert not alice.check_password("secret-pass-123")
    assert AccountState.objects.get(user=alice).must_change_password
    assert password in response.content.decode()


def test_a_role_handed_to_an_existing_login_keeps_both_in_the_history(client, erin, alice, bob, unit_a):
    client.force_login(erin)
    role = Role.objects.get(user=alice)
    response = client.post(
        reverse("accounts:role_handover", args=[role.pk]), {"successor": bob.pk, "deactivate_old": "on"}
    )
    assert response.status_code == 302
    assert Role.objects.filter(user=bob, kind=RoleKind.STAFF, unit=unit_a).exists()
    assert not Role.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert not alice.is_active  # no role left: the old login is closed
    handover = RoleHandover.objects.get()
    assert (handover.from_user, handover.to_user, handover.unit) == (alice, bob, unit_a)
    role_history = Role.history.filter(unit=unit_a, kind=RoleKind.STAFF)
    assert {row.user_id for row in role_history} == {alice.pk, bob.pk}
    assert role_history.filter(history_type="-", user_id=alice.pk).exists()


def test_a_role_handed_to_a_new_login_creates_it_with_a_one_time_password(client, erin, carol, unit_a):
    client.force_login(erin)
    role = Role.objects.get(user=carol)
    response = client.post(
        reverse("accounts:role_handover", args=[role.pk]), {"username": "new_head", "display_name": "新负责人"}
    )
    assert response.status_code == 200
    successor = User.objects.get(username="new_head")
    assert successor.check_password(response.context["password"])
    assert Role.objects.filter(user=successor, kind=RoleKind.HEAD, unit=unit_a).exists()
    carol.refresh_from_db()
    assert carol.is_active  # "deactivate the old login" was not ticked
    assert not Role.objects.filter(user=carol).exists()


def test_a_handover_without_a_successor_is_refused_and_changes_nothing(client, erin, alice):
    client.force_login(erin)
    role = Role.objects.get(user=alice)
    response = client.post(reverse("accounts:role_handover", args=[role.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Role.objects.filter(pk=role.pk, user=alice).exists()


@pytest.mark.parametrize("bad", ["x" * 151, "含 空格"])
def test_a_bad_user_name_gets_a_message(client, erin, unit_a, bad):
    client.force_login(erin)
    response = client.post(
        reverse("accounts:user_create"), {"username": bad, "display_name": "某", "unit": unit_a.pk, "kind": "staff"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(display_name="某").exists()


def test_the_one_time_password_page_is_not_cached(client, erin, alice):
    client.force_login(erin)
    response = client.post(reverse("accounts:user_reset_password", args=[alice.pk]))
    assert "no-store" in response["Cache-Control"]
