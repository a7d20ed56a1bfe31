"""Issue 14, item 1: the admin is read-only for governed records; drafts are deleted by their unit,
submitted reports only withdrawn; the office reopens a wrong acceptance with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accountability.models import LetterChangeRequest, Notice, ResponsibilityLetter, ScoreEntry
from core.access import access_for
from core.errors import RuleViolation
from tasks import services
from tasks.choices import ReportStatus
from tasks.demo import governance
from tasks.demo.build import _people
from tasks.models import Assignment, Evidence, FollowUp, Milestone, ProgressReport, Target, User
from tests.factories import UserFactory
from tests.workspace_data import D, at, unit_a_world

GOVERNED = [
    Target, Assignment, Milestone, ProgressReport, Evidence, Notice, FollowUp, ResponsibilityLetter,
    LetterChangeRequest, ScoreEntry,
]  # fmt: skip


@pytest.fixture
def world(unit_a, alice, erin, leader):
    return unit_a_world(unit_a=unit_a, alice=alice, erin=erin, leader=leader)


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", GOVERNED, ids=lambda m: m.__name__)
def test_the_admin_offers_no_add_change_or_delete_on_governed_records(model, sysadmin):
    request = RequestFactory().get("/admin/")
    request.user = sysadmin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_delete_permission(request)


def test_deleting_an_accepted_report_in_the_admin_is_refused_and_changes_nothing(client, sysadmin, world, erin):
    with at(D(2018, 6, 27)):
        services.accept_report(world.submitted, acting_user=erin)
    client.force_login(sysadmin)
    url = reverse("admin:tasks_progressreport_delete", args=[world.submitted.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ProgressReport.objects.filter(pk=world.submitted.pk).exists()
    change = reverse("admin:tasks_assignment_change", args=[world.assignment.pk])
    client.post(change, {"deadline": "2030-01-01"})
    world.assignment.refresh_from_db()
    assert world.assignment.deadline == D(2018, 12, 31)


def test_a_superuser_is_not_the_office_in_the_product(sysadmin, client, world):
    assert not access_for(sysadmin).office
    client.force_login(sysadmin)
    assert client.get(reverse("review_queue")).status_code == 403
    assert client.get(reverse("report_detail", args=[world.submitted.pk])).status_code == 404


def test_the_demo_office_is_no_superuser_and_sysadmin_is_the_admin(db):
    from tasks.demo.build import _leaders, _units

    _people(_units(), _leaders())
    office, sysadmin = User.objects.get(username="office"), User.objects.get(username="sysadmin")
    assert not office.is_superuser and not office.is_staff
    assert access_for(office).office
    assert sysadmin.is_superuser and sysadmin.is_staff and not sysadmin.roles.exists()
    # A demo loaded before issue 14 gave the office the flags; the loader takes them away.
    User.objects.filter(pk=office.pk).update(is_superuser=True, is_staff=True)
    governance.apply_governance_demo()
    office.refresh_from_db()
    assert not office.is_superuser and not office.is_staff


def test_the_author_deletes_a_draft_with_its_files(client, alice, world):
    stored = world.draft_evidence.file.name
    storage = world.draft_evidence.file.storage
    assert storage.exists(stored)
    client.force_login(alice)
    page = client.get(reverse("report_detail", args=[world.draft.pk])).content.decode()
    assert "删除草稿" in page
    with django_capture_on_commit():
        response = client.post(reverse("report_delete", args=[world.draft.pk]))
    assert response.status_code == 302
    assert not ProgressReport.objects.filter(pk=world.draft.pk).exists()
    assert not Evidence.objects.filter(pk=world.draft_evidence.pk).exists()
    assert not storage.exists(stored)
    assert ProgressReport.history.filter(id=world.draft.pk, history_type="-").exists()


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.mark.parametrize("who", ["bob", "carol", "dave", "erin"])
def test_nobody_else_deletes_a_units_draft(request, client, world, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("report_delete", args=[world.draft.pk]))
    assert response.status_code in (403, 404)
    assert ProgressReport.objects.filter(pk=world.draft.pk).exists()


def test_a_submitted_report_is_never_deleted_only_withdrawn_with_a_reason(client, alice, world):
    client.force_login(alice)
    assert client.post(reverse("report_delete", args=[world.submitted.pk])).status_code == 403
    with pytest.raises(RuleViolation, match="只有草稿可以删除；已提交的报告只能撤回"):
        services.delete_report(world.submitted, acting_user=alice)
    page = client.get(reverse("report_detail", args=[world.submitted.pk])).content.decode()
    assert "删除草稿" not in page and "撤回" in page
    url = reverse("report_withdraw", args=[world.submitted.pk])
    client.post(url, {"reason": " "})
    world.submitted.refresh_from_db()
    assert world.submitted.status == ReportStatus.SUBMITTED  # no reason: nothing changes
    client.post(url, {"reason": "数字填错了"})
    world.submitted.refresh_from_db()
    assert world.submitted.status == ReportStatus.RETURNED
    assert "数字填错了" in world.submitted.return_reason
    reasons = list(world.submitted.history.values_list("history_change_reason", flat=True))
    assert any("数字填错了" in (r or "") for r in reasons)


def test_the_office_reopens_a_wrongly_accepted_report_and_the_progress_follows(client, alice, erin, world):
    with at(D(2018, 6, 27)):
        services.accept_report(world.submitted, acting_user=erin)
    world.assignment.refresh_from_db()
    assert world.assignment.progress_percent == Decimal(40)
    client.force_login(erin)
    page = client.get(reverse("report_detail", args=[world.submitted.pk])).content.decode()
    assert "重新打开" in page
    url = reverse("report_reopen", args=[world.submitted.pk])
    client.post(url, {"reason": ""})
    world.submitted.refresh_from_db()
    assert world.submitted.status == ReportStatus.ACCEPTED
    with at(D(2018, 6, 28)):
        assert client.post(url, {"reason": "误点了通过"}).status_code == 302
    world.submitted.refresh_from_db()
    world.assignment.refresh_from_db()
    assert world.submitted.status == ReportStatus.SUBMITTED
    assert world.assignment.progress_percent == Decimal(0)
    assert world.submitted.history.filter(history_change_reason__contains="误点了通过").exists()
    client.force_login(alice)
    assert client.post(url, {"reason": "x"}).status_code == 403


def test_only_the_office_reopens(client, carol, dave, world, erin):
    with at(D(2018, 6, 27)):
        services.accept_report(world.submitted, acting_user=erin)
    for user in (carol, dave):
        client.force_login(user)
        assert client.post(reverse("report_reopen", args=[world.submitted.pk]), {"reason": "x"}).status_code == 403
    world.submitted.refresh_from_db()
    assert world.submitted.status == ReportStatus.ACCEPTED


def test_the_days_dates_are_real(world):
    assert world.draft.status == ReportStatus.DRAFT and isinstance(world.draft.period_end, dt.date)
