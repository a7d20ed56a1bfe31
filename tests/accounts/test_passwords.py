"""The password rule and the forced change after the office's one-time password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.validators import one_time_password
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("password", "code", "reason"),
    [
        ("Ab1-xyz", "password_too_short", "must have at least 8 characters"),  # 7 characters
        ("abcdefghijk", "password_too_simple", "must mix at least three of"),  # one class
        ("abcdefgh1234", "password_too_simple", "must mix at least three of"),  # two classes
        ("Zhangwei-2018", "password_has_username", "must not contain the user name"),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(db, password, code, reason):
    user = UserFactory(username="zhangwei")
    with pytest.raises(ValidationError, match=reason) as caught:
        validate_password(password, user)
    assert code in {error.code for error in caught.value.error_list}


@pytest.mark.parametrize("password", ["Kx7-river", "river7STONE", "s7one#Bird"])
def test_a_password_of_three_classes_and_enough_length_passes(db, password):
    validate_password(password, UserFactory(username="zhangwei"))


def test_the_minimum_length_is_a_setting(db, settings):
    settings.ZMD_PASSWORD_MIN_LENGTH = 12
    with pytest.raises(ValidationError, match="The password must have at least 12 characters"):
        validate_password("Kx7-river", UserFactory(username="li"))
    validate_password("Kx7-river-long", UserFactory(username="wang"))


def test_the_one_time_password_passes_the_rule(db):
    for _ in range(20):
        validate_password(one_time_password(), UserFactory(username="someone"))


def test_after_a_reset_every_page_leads_to_the_password_change_until_it_is_changed(client, erin, alice):
    password = services.reset_password(alice, acting_user=erin)
    assert client.post(reverse("login"), {"username": "alice", "password": password}).status_code == 302
    response = client.get(reverse("unit_workspace"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    # A weak choice is refused and the lock stays.
    weak = client.post(
        reverse("password_change"), {"old_password": password, "new_password1": "abc", "new_password2": "abc"}
    )
    assert weak.status_code == 200 and weak.context["form"].errors
    assert client.get(reverse("unit_workspace")).status_code == 302
    changed = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Wind-river-88", "new_password2": "Wind-river-88"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("unit_workspace")).status_code == 200
    assert not services.must_change_password(alice)


def test_the_forced_change_also_holds_in_a_new_login(client, erin, alice):
    password = services.reset_password(alice, acting_user=erin)
    client.post(reverse("login"), {"username": "alice", "password": password})
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "alice", "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_a_person_without_a_reset_is_not_sent_to_change(client, alice):
    assert client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"}).status_code == 302
    assert client.get(reverse("unit_workspace")).status_code == 200


def test_a_reset_lifts_a_lock_out(client, erin, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "guess"})
    assert client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"}).status_code == 429
    password = services.reset_password(alice, acting_user=erin)
    assert client.post(reverse("login"), {"username": "alice", "password": password}).status_code == 302
