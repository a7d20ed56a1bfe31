"""The login log: success, failure, lock-out and logout, with address and time; read by the office."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import LoginEvent, LoginEventKind


def _post_login(client, username, password, address="198.51.100.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_login_and_a_logout_are_logged_with_the_address(client, alice):
    _post_login(client, "alice", "secret-pass-123")
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")
    rows = list(LoginEvent.objects.filter(user=alice).order_by("pk").values_list("kind", "address"))
    assert rows == [(LoginEventKind.SUCCESS, "198.51.100.7"), (LoginEventKind.LOGOUT, "198.51.100.7")]
    assert LoginEvent.objects.filter(user=alice).first().at is not None


def test_a_failure_is_logged_with_the_name_tried(client, alice):
    _post_login(client, "alice", "wrong", address="203.0.113.9")
    event = LoginEvent.objects.get(kind=LoginEventKind.FAILURE)
    assert (event.username, event.address) == ("alice", "203.0.113.9")


def test_a_failure_on_an_unknown_name_is_logged_too(client, db):
    _post_login(client, "nobody", "wrong")
    assert LoginEvent.objects.filter(kind=LoginEventKind.FAILURE, username="nobody", user=None).exists()


def test_a_lock_out_is_logged(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _post_login(client, "alice", "wrong", address="203.0.113.9")
    assert LoginEvent.objects.filter(kind=LoginEventKind.LOCKOUT, username="alice", address="203.0.113.9").exists()


def test_the_office_reads_and_filters_the_log(client, erin, alice, bob):
    _post_login(client, "alice", "wrong")
    _post_login(client, "bob", "secret-pass-123")
    client.force_login(erin)
    page = client.get(reverse("accounts:login_log"), {"username": "alice"})
    events = list(page.context["page"].object_list)
    assert events and all(event.username == "alice" for event in events)
    failures = client.get(reverse("accounts:login_log"), {"kind": LoginEventKind.FAILURE}).context["page"]
    assert {event.username for event in failures.object_list} == {"alice"}


def test_the_log_cannot_be_changed_in_the_admin(client, db):
    from django.contrib import admin

    from accounts.models import LoginEvent as Model

    model_admin = admin.site._registry[Model]
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)
    assert not model_admin.has_add_permission(None)


def test_the_log_is_kept_at_least_180_days(settings):
    assert settings.ZMD_AUDIT_KEEP_DAYS >= 180


def test_a_user_name_with_control_characters_is_logged_without_them(client, db):
    response = _post_login(client, "ev\x1bil\x07", "wrong")
    assert response.status_code in (200, 429)
    assert LoginEvent.objects.filter(kind=LoginEventKind.FAILURE, username="evil").exists()


def test_a_login_sets_last_login_without_a_history_row_of_no_change(client, alice):
    rows_before = alice.history.count()
    _post_login(client, "alice", "secret-pass-123")
    alice.refresh_from_db()
    assert alice.last_login is not None
    assert alice.history.count() == rows_before
