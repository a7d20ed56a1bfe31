"""Logins behind the TLS proxy: the lockout stays on (client address, username), and an address
that fails on many usernames is throttled, counting failures only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PROXY = "10.0.0.2"  # every request reaches the application from the proxy
PASSWORD = "secret-pass-123"


@pytest.fixture
def behind_proxy(settings, db):
    settings.ZMD_PROXY_COUNT = 1


def _login(client, username, password, client_address):
    """A login through the proxy, which appends the client's address to X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.fixture
def mayor(db):
    return UserFactory(username="mayor")


def test_a_stranger_failing_on_the_mayor_does_not_lock_the_mayor_out(client, mayor, settings, behind_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        assert _login(client, "mayor", "guess", "203.0.113.9").status_code in (200, 429)
    assert _login(client, "mayor", PASSWORD, "203.0.113.9").status_code == 429  # the stranger is stopped
    response = _login(client, "mayor", PASSWORD, "198.51.100.7")  # the mayor, from the city hall's address
    assert response.status_code == 302


def test_a_forged_forwarded_header_does_not_choose_the_address(client, mayor, settings, behind_proxy):
    for forged in range(settings.AXES_FAILURE_LIMIT):  # a new forged address each time, one real address
        _login(client, "mayor", "guess", f"192.0.2.{forged}, 203.0.113.9")
    assert _login(client, "mayor", PASSWORD, "192.0.2.77, 203.0.113.9").status_code == 429
    assert _login(client, "mayor", PASSWORD, "198.51.100.7").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, mayor, settings):
    assert settings.ZMD_PROXY_COUNT == 0
    for forged in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"), {"username": "mayor", "password": "guess"},
            REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}",
        )  # fmt: skip
    response = client.post(reverse("login"), {"username": "mayor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_an_address_failing_on_many_usernames_is_throttled(client, settings, behind_proxy):
    settings.ZMD_LOGIN_ADDRESS_USERNAMES = 4
    for n in range(4):  # one common password on one account after another
        UserFactory(username=f"clerk{n}")
        assert _login(client, f"clerk{n}", "123456", "203.0.113.9").status_code == (429 if n == 3 else 200)
    victim = UserFactory(username="victim")
    assert victim.check_password(PASSWORD)
    assert _login(client, "victim", PASSWORD, "203.0.113.9").status_code == 429
    assert _login(client, "victim", PASSWORD, "198.51.100.7").status_code == 302  # elsewhere, fine


def test_a_county_office_behind_one_address_is_not_locked_out_by_its_own_staff(client, settings, behind_proxy):
    settings.ZMD_LOGIN_ADDRESS_USERNAMES = 4
    office_nat = "198.51.100.20"
    for n in range(12):  # a dozen staff, several mistyping once, all logging in
        user = UserFactory(username=f"staff{n}")
        if n % 2:
            assert _login(client, user.username, "typo", office_nat).status_code == 200
        assert _login(client, user.username, PASSWORD, office_nat).status_code == 302
        client.logout()
