"""The office's account and audit pages: 200 for the office, 403 for every other role, login for
anonymous visitors; reset by email is gone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tasks.models import Role

PAGES = [
    ("accounts:user_list", None),
    ("accounts:user_create", None),
    ("accounts:login_log", None),
    ("accounts:audit", None),
    ("accounts:user_detail", "user"),
    ("accounts:role_handover", "role"),
]
POSTS = ["accounts:user_set_active", "accounts:user_reset_password"]


def _args(kind, alice):
    if kind == "user":
        return [alice.pk]
    if kind == "role":
        return [Role.objects.filter(user=alice).first().pk]
    return []


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_the_office_opens_every_account_page(client, erin, alice, name, kind):
    client.force_login(erin)
    assert client.get(reverse(name, args=_args(kind, alice))).status_code == 200


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_staff_heads_and_leaders_are_refused(client, request, alice, who, name, kind):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name, args=_args(kind, alice))).status_code == 403


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_other_roles_cannot_deactivate_or_reset(client, request, bob, who, name):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse(name, args=[bob.pk]), {"active": "0"}).status_code == 403
    bob.refresh_from_db()
    assert bob.is_active


@pytest.mark.parametrize(("name", "kind"), PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, alice, name, kind):
    response = client.get(reverse(name, args=_args(kind, alice)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_shows_the_office_its_account_links_and_no_one_else(client, erin, alice):
    client.force_login(erin)
    page = client.get(reverse("home")).content.decode()
    assert reverse("accounts:user_list") in page and reverse("accounts:audit") in page
    client.force_login(alice)
    page = client.get(reverse("home")).content.decode()
    assert reverse("accounts:user_list") not in page and reverse("accounts:audit") not in page


@pytest.mark.parametrize(
    "path", ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]
)
def test_password_reset_by_email_is_switched_off(client, db, path):
    assert client.get(path).status_code == 404


def test_login_logout_and_password_change_stay(client, alice):
    assert client.get("/accounts/login/").status_code == 200
    client.force_login(alice)
    assert client.get("/accounts/password_change/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_the_lock_out_page_sends_people_to_the_office(client, db):
    from django.template.loader import render_to_string

    text = render_to_string("registration/locked_out.html")
    assert "office" in text or "督查室" in text
