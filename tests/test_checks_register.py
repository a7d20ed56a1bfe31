"""The four checks (四查) as a register: the kind an assignment's state calls for, the record with its
method, rating and follow-up (a 问题督查单 issued through the notice service), /checks/ with its
filters and Excel download, and a unit seeing only the checks of its own work.

The issued target of conftest plans monthly from 2018-01-01 to 12-31 (41.2 % due by 05-31); unit A
(alice) leads, unit B (bob) cooperates; nobody has reported yet.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accountability import services
from accountability.choices import CheckFollowUp, CheckKind, NoticeCause, NoticeKind, NoticeStatus
from accountability.models import Check, Notice
from accountability.selectors.checks import suggested_check_kind
from core.errors import RuleViolation
from tasks.choices import AssignmentStatus, WarningLevel
from tasks.models import Assignment
from tests.notice_helpers import issue_single
from tests.workspace_data import D, at, filed_report

DAY = D(2018, 6, 27)


def _kind(assignment, day=DAY):
    with at(day):
        return suggested_check_kind(assignment)


def _check(assignment, office, *, kind=CheckKind.PROGRESS, day=DAY, **fields):
    with at(day):
        return services.record_check(
            assignment, kind=kind, finding=fields.pop("finding", "按计划推进"), acting_user=office, **fields
        )


def _red(assignment, office, serial: int) -> Notice:
    """A red warning issued and since closed (so that it is not the level in force)."""
    moment = timezone.make_aware(timezone.datetime(2018, 3, serial, 10))
    return Notice.objects.create(
        kind=NoticeKind.WARNING, year=2018, serial=serial, number=f"驻督预〔2018〕{serial}号", title="进度预警单",
        assignment=assignment, target=assignment.target, unit=assignment.unit, cause=NoticeCause.FAR_BEHIND,
        period=f"2018-03-{serial:02d}", level=WarningLevel.RED, body="严重滞后", status=NoticeStatus.CLOSED,
        issued_by=office, issued_at=moment, signed_at=moment, closed_at=moment, created_at=moment,
    )  # fmt: skip


# --- the kind each state calls for ---------------------------------------------------------------


def test_in_progress_on_plan_calls_for_a_progress_check(erin, alice, lead_assignment):
    filed_report(lead_assignment, alice, percent=40)
    assert _kind(lead_assignment) == CheckKind.PROGRESS


def test_not_started_calls_for_the_cause(lead_assignment):
    assert _kind(lead_assignment, D(2018, 1, 3)) == CheckKind.PROGRESS  # nothing planned yet: just started
    assert _kind(lead_assignment) == CheckKind.CAUSE  # 41.2 % planned, nothing done


def test_past_the_deadline_is_lagging_and_calls_for_the_cause(erin, alice, leader, unit_a):
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    filed_report(short, alice, day=D(2018, 3, 25), percent=90, period="2018-03")
    assert _kind(short, D(2018, 3, 30)) == CheckKind.PROGRESS
    assert _kind(short, D(2018, 4, 2)) == CheckKind.CAUSE


def test_done_calls_for_the_effect(lead_assignment):
    closed = timezone.make_aware(timezone.datetime(2018, 6, 20, 10))
    Assignment.objects.filter(pk=lead_assignment.pk).update(status=AssignmentStatus.CLOSED, closed_at=closed)
    assert _kind(lead_assignment) == CheckKind.EFFECT


def test_two_reds_this_year_call_for_responsibility(erin, alice, lead_assignment):
    filed_report(lead_assignment, alice, percent=40)
    _red(lead_assignment, erin, 1)
    assert _kind(lead_assignment) == CheckKind.PROGRESS  # one red is not yet repeated
    _red(lead_assignment, erin, 2)
    assert _kind(lead_assignment) == CheckKind.RESPONSIBILITY


def test_a_notice_left_unsigned_past_its_limit_calls_for_responsibility(erin, alice, lead_assignment):
    filed_report(lead_assignment, alice, percent=40)
    with at(D(2018, 6, 26)):
        services.issue_task_notices([lead_assignment.pk], acting_user=erin)
    assert _kind(lead_assignment, D(2018, 6, 29)) == CheckKind.PROGRESS  # three days to sign
    assert _kind(lead_assignment, D(2018, 6, 30)) == CheckKind.RESPONSIBILITY


def test_a_supervision_notice_unanswered_past_its_due_date_calls_for_responsibility(erin, alice, lead_assignment):
    filed_report(lead_assignment, alice, percent=40)
    with at(D(2018, 6, 26)):
        notice = services.issue_supervision(
            lead_assignment, acting_user=erin, problem="台账不全", required_action="补齐台账", due_date=D(2018, 7, 5)
        )
        services.sign_for_notice(notice, acting_user=alice)
    assert _kind(lead_assignment, D(2018, 7, 5)) != CheckKind.RESPONSIBILITY
    assert _kind(lead_assignment, D(2018, 7, 6)) == CheckKind.RESPONSIBILITY


# --- the form, the follow-up ----------------------------------------------------------------------


def test_the_form_suggests_the_kind_the_state_calls_for(client, erin, lead_assignment):
    client.force_login(erin)
    with at(DAY):
        response = client.get(reverse("check_create", args=[lead_assignment.pk]))
    assert response.context["form"].initial["kind"] == CheckKind.CAUSE  # nothing done of 41.2 % planned
    page = response.content.decode()
    assert "<strong>未落实的查原因</strong>" in page


def test_a_notice_follow_up_issues_the_supervision_notice(client, erin, alice, lead_assignment):
    client.force_login(erin)
    data = {"kind": "cause", "method": "on_site", "checked_on": "2018-06-27", "finding": "征地未启动",
            "rating": "poor", "follow_up": "notice", "required_action": "7月底前完成征地",
            "due_date": "2018-07-31"}  # fmt: skip
    with at(DAY):
        response = client.post(reverse("check_create", args=[lead_assignment.pk]), data)
    check = Check.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("checks:detail", args=[check.pk])
    notice = check.notice
    assert (notice.kind, notice.unit, notice.status) == (
        NoticeKind.SUPERVISION,
        lead_assignment.unit,
        NoticeStatus.ISSUED,
    )
    assert "征地未启动" in notice.body and notice.required_action == "7月底前完成征地"
    assert notice.due_date == D(2018, 7, 31)
    assert (check.method, check.rating, check.follow_up) == ("on_site", "poor", CheckFollowUp.NOTICE)


def test_a_notice_follow_up_without_a_required_action_loses_nothing(client, erin, lead_assignment):
    client.force_login(erin)
    data = {"kind": "cause", "method": "papers", "checked_on": "2018-06-27", "finding": "征地未启动",
            "rating": "poor", "follow_up": "notice"}  # fmt: skip
    with at(DAY):
        page = client.post(reverse("check_create", args=[lead_assignment.pk]), data).content.decode()
    assert "请填写整改要求" in page
    assert "征地未启动" in page  # the finding stays in the form
    assert not Check.objects.exists() and not Notice.objects.filter(kind=NoticeKind.SUPERVISION).exists()


def test_a_notice_refused_by_the_service_records_no_check(erin, lead_assignment):
    Assignment.objects.filter(pk=lead_assignment.pk).update(status=AssignmentStatus.CLOSED)
    lead_assignment.refresh_from_db()
    with pytest.raises(RuleViolation):
        _check(lead_assignment, erin, kind=CheckKind.EFFECT, follow_up=CheckFollowUp.NOTICE,
               required_action="整改", due_date=D(2018, 7, 31))  # fmt: skip
    assert not Check.objects.exists()


def test_an_accountability_follow_up_is_recorded_and_shown(client, erin, lead_assignment):
    check = _check(lead_assignment, erin, kind=CheckKind.RESPONSIBILITY, follow_up=CheckFollowUp.ACCOUNTABILITY,
                   finding="多次预警仍不作为")  # fmt: skip
    assert check.notice is None and check.follow_up == CheckFollowUp.ACCOUNTABILITY
    client.force_login(erin)
    page = client.get(reverse("checks:detail", args=[check.pk])).content.decode()
    assert "多次预警仍不作为" in page and "建议问责" in page


# --- the register ---------------------------------------------------------------------------------


@pytest.fixture
def checks(erin, issued_target, unit_a, unit_b):
    lead, co = issued_target.assignments.get(unit=unit_a), issued_target.assignments.get(unit=unit_b)
    progress, later = CheckKind.PROGRESS, CheckFollowUp.ACCOUNTABILITY
    return {
        "a_cause": _check(lead, erin, kind=CheckKind.CAUSE, rating="poor", finding="甲县原因", day=D(2018, 5, 10)),
        "a_progress": _check(lead, erin, kind=progress, rating="good", finding="甲县进度", day=D(2018, 6, 20)),
        "b_progress": _check(co, erin, kind=progress, rating="average", finding="乙局进度", day=D(2018, 6, 25),
                             follow_up=later),
    }  # fmt: skip


def _listed(client, query="") -> str:
    return client.get(reverse("checks:register") + query).content.decode()


def test_the_register_filters_by_kind_unit_rating_follow_up_and_dates(client, erin, unit_a, checks):
    client.force_login(erin)
    assert all(text in _listed(client) for text in ("甲县原因", "甲县进度", "乙局进度"))
    page = _listed(client, "?kind=progress")
    assert "甲县进度" in page and "乙局进度" in page and "甲县原因" not in page
    page = _listed(client, f"?unit={unit_a.pk}")
    assert "甲县原因" in page and "乙局进度" not in page
    page = _listed(client, "?rating=good")
    assert "甲县进度" in page and "乙局进度" not in page and "甲县原因" not in page
    page = _listed(client, "?follow_up=accountability")
    assert "乙局进度" in page and "甲县进度" not in page
    page = _listed(client, "?date_from=2018-06-01&date_to=2018-06-22")
    assert "甲县进度" in page and "甲县原因" not in page and "乙局进度" not in page


def test_a_backwards_date_range_is_explained_and_filters_nothing(client, erin, checks):
    client.force_login(erin)
    page = _listed(client, "?date_from=2018-07-01&date_to=2018-06-01")
    assert "甲县原因" in page and "乙局进度" in page and 'role="alert"' in page


def _workbook_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_the_excel_download_holds_the_filtered_checks(client, erin, checks):
    client.force_login(erin)
    response = client.get(reverse("checks:register_xlsx") + "?kind=progress")
    assert response.status_code == 200
    findings = {row[6] for row in _workbook_rows(response)}
    assert {"甲县进度", "乙局进度"} <= findings and "甲县原因" not in findings


def test_a_unit_sees_only_the_checks_of_its_own_work(client, alice, bob, checks):
    client.force_login(alice)
    page = _listed(client)
    assert "甲县原因" in page and "甲县进度" in page and "乙局进度" not in page
    assert reverse("checks:proposed") not in page  # the worklist is the office's
    assert client.get(reverse("checks:detail", args=[checks["b_progress"].pk])).status_code == 404
    findings = {row[6] for row in _workbook_rows(client.get(reverse("checks:register_xlsx")))}
    assert "乙局进度" not in findings and "甲县原因" in findings
    assert client.get(reverse("checks:proposed")).status_code == 403
    client.force_login(bob)
    assert "甲县原因" not in _listed(client) and "乙局进度" in _listed(client)


def test_the_unit_reads_its_checks_on_its_assignment_page(client, alice, lead_assignment, checks):
    client.force_login(alice)
    page = client.get(reverse("assignment_detail", args=[lead_assignment.pk])).content.decode()
    assert "甲县原因" in page and reverse("check_create", args=[lead_assignment.pk]) not in page


def test_proposed_checks_list_each_assignment_with_its_kind_and_a_prefilled_button(
    client, erin, alice, issued_target, unit_a, unit_b
):
    lead, co = issued_target.assignments.get(unit=unit_a), issued_target.assignments.get(unit=unit_b)
    filed_report(lead, alice, percent=40)
    client.force_login(erin)
    with at(DAY):
        page = client.get(reverse("checks:proposed")).content.decode()
        cause_only = client.get(reverse("checks:proposed") + "?kind=cause").content.decode()
    assert reverse("check_create", args=[lead.pk]) + "?kind=progress" in page
    assert reverse("check_create", args=[co.pk]) + "?kind=cause" in page
    assert (
        reverse("check_create", args=[lead.pk]) not in cause_only
        and reverse("check_create", args=[co.pk]) in cause_only
    )
    with at(DAY):
        form = client.get(reverse("check_create", args=[co.pk]) + "?kind=responsibility").content.decode()
    assert (
        'value="responsibility" required id="id_kind_3" checked' in form
        or 'value="responsibility"' in form.split(" checked")[0][-120:]
    )


# --- the demo -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_checks_of_all_four_kinds_with_findings(demo):
    assert set(Check.objects.values_list("kind", flat=True)) == set(CheckKind.values)
    assert all(finding.strip() for finding in Check.objects.values_list("finding", flat=True))
    linked = Check.objects.filter(follow_up=CheckFollowUp.NOTICE)
    assert linked.exists() and all(check.notice.kind == NoticeKind.SUPERVISION for check in linked)
    assert Check.objects.filter(follow_up=CheckFollowUp.ACCOUNTABILITY).exists()


def test_the_industry_vice_mayor_s_register_opens_on_a_check_of_his_field(demo, client):
    """The demo's register is not empty under 我分管的 for the vice-mayor over 工业."""
    from tasks.models import User

    client.force_login(User.objects.get(username="vmayor_industry"))
    page = client.get(reverse("checks:register")).content.decode()
    assert 'aria-current="page">我分管的' in page
    assert "2018-002" in page
