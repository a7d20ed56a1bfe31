"""Idle sessions end after ZMD_SESSION_IDLE_MINUTES of real time; a person holds at most
ZMD_MAX_SESSIONS_PER_USER sessions (the oldest ends)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginEvent, LoginEventKind, UserSession

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def idle_30(settings):
    settings.ZMD_SESSION_IDLE_MINUTES = 30


def _login(client, username="alice", password="secret-pass-123"):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return response


def test_an_idle_session_ends_after_the_timeout(client, alice, idle_30):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        assert client.get(reverse("unit_workspace")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("unit_workspace"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.get(reverse("unit_workspace")).status_code == 302  # logged out for good
    assert LoginEvent.objects.filter(user=alice, kind=LoginEventKind.IDLE).count() == 1


def test_activity_keeps_a_session_alive(client, alice, idle_30):
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        for _ in range(4):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("unit_workspace")).status_code == 200


def test_the_timeout_is_a_setting(client, alice, settings):
    settings.ZMD_SESSION_IDLE_MINUTES = 90
    with time_machine.travel(START, tick=False) as traveller:
        _login(client)
        traveller.shift(dt.timedelta(minutes=60))
        assert client.get(reverse("unit_workspace")).status_code == 200
        traveller.shift(dt.timedelta(minutes=91))
        assert client.get(reverse("unit_workspace")).status_code == 302


def test_the_demo_date_does_not_count_as_idle_time(client, alice, idle_30, settings):
    """ZMD_TODAY pins the demo's day; the idle clock is the real one."""
    _login(client)
    settings.ZMD_TODAY = dt.date(2018, 9, 30)
    assert client.get(reverse("unit_workspace")).status_code == 200
    settings.ZMD_TODAY = dt.date(2019, 1, 1)
    assert client.get(reverse("unit_workspace")).status_code == 200


def test_a_clock_set_back_only_restarts_the_count(client, alice, idle_30):
    with time_machine.travel(START, tick=False):
        _login(client)
    with time_machine.travel(START - dt.timedelta(days=300), tick=False):
        assert client.get(reverse("unit_workspace")).status_code == 200


def test_the_oldest_session_ends_beyond_the_limit(db, alice, settings):
    settings.ZMD_MAX_SESSIONS_PER_USER = 3
    clients = []
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            traveller.shift(dt.timedelta(minutes=1))
            browser = Client()
            _login(browser)
            clients.append(browser)
        assert clients[0].get(reverse("unit_workspace")).status_code == 302
        assert all(browser.get(reverse("unit_workspace")).status_code == 200 for browser in clients[1:])
    assert UserSession.objects.filter(user=alice).count() == 3
    assert LoginEvent.objects.filter(user=alice, kind=LoginEventKind.EVICTED).count() == 1


def test_the_session_limit_is_per_person(db, alice, bob, settings):
    settings.ZMD_MAX_SESSIONS_PER_USER = 1
    first, second = Client(), Client()
    _login(first, "alice")
    _login(second, "bob")
    assert first.get(reverse("unit_workspace")).status_code == 200
    assert second.get(reverse("unit_workspace")).status_code == 200


def test_logging_out_frees_a_place(db, alice, settings):
    settings.ZMD_MAX_SESSIONS_PER_USER = 2
    first, second, third = Client(), Client(), Client()
    _login(first)
    _login(second)
    second.post(reverse("logout"))
    _login(third)
    assert first.get(reverse("unit_workspace")).status_code == 200
    assert timezone.now()  # the real clock runs; nothing travelled here
