"""The demo as the acceptance checks meet it: the office's account pages open for `office` only,
the demo's login log and handover are there, and the demo logins still log in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import LoginEvent, RoleHandover
from tasks.demo import DEMO_PASSWORD
from tasks.demo.data import LOGINS

User = get_user_model()
PAGES = ["/users/", "/users/new/", "/users/logins/", "/audit/", "/audit/?unit=1&kind=~"]
OTHERS = [username for username, _display, _roles in LOGINS if username != "office"] + ["staff_zhengyang"]


def _client(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_the_office_opens_the_account_pages_of_the_demo(demo):
    client = _client("office")
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    person = User.objects.get(username="head_xiping")
    assert client.get(reverse("accounts:user_detail", args=[person.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("username", OTHERS)
def test_every_other_demo_role_is_refused(demo, username):
    client = _client(username)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


@pytest.mark.django_db
def test_the_demo_has_a_login_log_and_a_handed_over_role(demo):
    assert LoginEvent.objects.filter(kind="lockout").exists()
    handover = RoleHandover.objects.get()
    assert handover.old_login_deactivated
    assert not handover.from_user.is_active and handover.to_user.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["office", "mayor", "staff_fgw", "head_xiping"])
def test_demo_logins_log_in_with_the_demo_password_and_are_not_forced_to_change(demo, username):
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
