"""The shell every workspace lives in: login, the role-based home, security headers, the admin."""

import pytest
from django.urls import reverse

from tasks.models import Assignment, FollowUp, ProgressReport, Target, Unit


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_speaks_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_english_is_available_through_the_language_switch_not_the_browser(client, db):
    assert "登录" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_a_wrong_password_is_refused_with_a_chinese_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_repeated_failures_cool_off_instead_of_locking_forever(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert settings.AXES_COOLOFF_TIME > 0


def test_the_header_shows_the_persons_unit_and_role(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    assert "甲县 · 填报员" in content


def test_logout_is_a_post(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("model", [Target, Assignment, ProgressReport, Unit, FollowUp])
def test_the_admin_lists_every_model_for_the_office(client, erin, issued_target, model, django_assert_max_num_queries):
    erin.is_staff = erin.is_superuser = True
    erin.save()
    client.force_login(erin)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_the_admin_shows_an_objects_history(client, erin, issued_target):
    erin.is_staff = erin.is_superuser = True
    erin.save()
    client.force_login(erin)
    response = client.get(reverse("admin:tasks_target_history", args=[issued_target.pk]))
    assert response.status_code == 200
    assert "erin" in response.content.decode()


def test_the_browsers_favicon_request_finds_the_site_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
