"""Fair lateness through the scan, the digest, the points and the home page counts.

The conftest target plans monthly from 2018-01-01; monthly reports are due on the 28th. Unit A
(alice staff, carol head) leads. From March its reports need carol's approval (2 working days).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.choices import MessageKind, NoticeCause, RuleCode
from accountability.models import InboxMessage, Notice, ScoreEntry, ScoreRule
from core import clock
from core.errors import RuleViolation
from tasks import services
from tasks.choices import ReportStatus, ReturnedBy
from tasks.judgment import lateness
from tasks.models import ProgressReport
from tests.notice_helpers import D, at, file_report, open_warning, scan
from tests.scenarios import score


@pytest.fixture
def on_plan_to_february(erin, alice, lead_assignment):
    """January and February filed and accepted on time."""
    file_report(lead_assignment, alice, D(2018, 1, 25), 9, accept_by=erin)
    file_report(lead_assignment, alice, D(2018, 2, 25), 16, accept_by=erin)
    return lead_assignment


@pytest.fixture
def filed_to_february(unit_a, on_plan_to_february):
    """… and from March the head approves."""
    unit_a.requires_head_approval = True
    unit_a.save()
    return on_plan_to_february


def _entries(unit, *codes):
    return list(ScoreEntry.objects.filter(unit=unit, rule__code__in=codes))


def _digest(user, day) -> str:
    message = InboxMessage.objects.filter(recipient=user, kind=MessageKind.DIGEST, day=day).first()
    return message.body if message else ""


def _home_counts(client, user, day) -> dict:
    client.force_login(user)
    with at(day, 10):
        return client.get(reverse("home")).context["unit_counts"]


def test_a_head_sitting_on_an_on_time_report_is_named_not_the_clerk(
    client, erin, alice, carol, unit_a, filed_to_february
):
    assignment = filed_to_february
    report = file_report(assignment, alice, D(2018, 3, 26), 25)  # Monday; due 03-28; head until 03-28
    assert report.status == ReportStatus.PENDING_APPROVAL
    scan(D(2018, 3, 28))
    assert open_warning(assignment) is None  # within the head's limit
    scan(D(2018, 3, 29))
    warning = open_warning(assignment)
    assert warning.cause == NoticeCause.HEAD_LATE and warning.period == "2018-03"
    assert "负责人未审批" in warning.body and "未报送" not in warning.body
    for person in (alice, carol):
        digest = _digest(person, D(2018, 3, 29))
        assert "负责人未审批" in digest and assignment.target.title in digest
        assert "逾期未报" not in digest
    counts = _home_counts(client, alice, D(2018, 3, 29))
    assert (counts["missing"], counts["approval"]) == (0, 1)
    assert ReportStatus.PENDING_APPROVAL in dict(ProgressReport.objects.values_list("period", "status")).values()

    with at(D(2018, 3, 30), 9):
        services.approve_report(report, acting_user=carol)
    scan(D(2018, 3, 31))
    assert open_warning(assignment) is None
    report.refresh_from_db()
    assert not report.is_late

    score(D(2018, 4, 30), erin)
    clerk_codes = (RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING, RuleCode.WARNING_YELLOW)
    assert _entries(unit_a, *clerk_codes) == []
    assert _entries(unit_a, RuleCode.HEAD_APPROVAL_LATE) == []  # 0 points by default: nothing written


def test_the_office_may_give_the_heads_delay_points_of_its_own(erin, alice, carol, unit_a, filed_to_february):
    with at(D(2018, 3, 1), 9):
        acc.ensure_default_rules()
        rule = ScoreRule.objects.get(code=RuleCode.HEAD_APPROVAL_LATE)
        acc.update_rule(rule, amount="-0.2", description=rule.description, is_active=True, acting_user=erin)
    report = file_report(filed_to_february, alice, D(2018, 3, 26), 25)
    with at(D(2018, 4, 2), 9):
        services.approve_report(report, acting_user=carol)
    score(D(2018, 4, 30), erin)
    score(D(2018, 4, 30), erin)  # twice: once only
    [entry] = _entries(unit_a, RuleCode.HEAD_APPROVAL_LATE)
    assert (str(entry.amount), entry.occurred_on, entry.report) == ("-0.20", D(2018, 3, 29), report)
    assert _entries(unit_a, RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING) == []


def test_a_report_returned_and_refiled_in_time_keeps_its_first_filing(client, erin, alice, unit_a, on_plan_to_february):
    lead_assignment = on_plan_to_february
    report = file_report(lead_assignment, alice, D(2018, 3, 26), 25)
    with at(D(2018, 3, 29), 9):
        services.return_report(report, acting_user=erin, reason="数据有误", refile_by=D(2018, 4, 2))
    report.refresh_from_db()
    assert (report.returned_by_role, report.refile_by) == (ReturnedBy.OFFICE, D(2018, 4, 2))
    scan(D(2018, 3, 30))
    assert open_warning(lead_assignment) is None  # returned, within its refile-by date: not missing
    counts = _home_counts(client, alice, D(2018, 3, 30))
    assert (counts["missing"], counts["returned"]) == (0, 1)
    refiled = file_report(lead_assignment, alice, D(2018, 4, 2), 25, period="2018-03")
    assert refiled.filed_at.date() == D(2018, 3, 26) and refiled.submitted_at.date() == D(2018, 4, 2)
    assert not refiled.is_late
    score(D(2018, 4, 30), erin)
    assert _entries(unit_a, RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING, RuleCode.WARNING_YELLOW) == []


def test_a_report_refiled_after_its_date_is_late_and_missing_meanwhile(
    client, erin, alice, unit_a, on_plan_to_february
):
    lead_assignment = on_plan_to_february
    report = file_report(lead_assignment, alice, D(2018, 3, 26), 25)
    with at(D(2018, 3, 29), 9):
        services.return_report(report, acting_user=erin, reason="数据有误", refile_by=D(2018, 3, 30))
    scan(D(2018, 3, 31))
    warning = open_warning(lead_assignment)
    assert warning.cause == NoticeCause.MISSING_REPORT
    counts = _home_counts(client, alice, D(2018, 3, 31))
    assert (counts["missing"], counts["returned"]) == (1, 0)  # the home page counts it as the scan does
    digest = _digest(alice, D(2018, 3, 31))
    assert "逾期未报" in digest
    refiled = file_report(lead_assignment, alice, D(2018, 4, 2), 25, period="2018-03")
    assert refiled.is_late
    score(D(2018, 4, 30), erin)
    [late] = _entries(unit_a, RuleCode.REPORT_LATE)
    assert late.occurred_on == D(2018, 4, 2)


def test_a_report_waiting_for_the_office_is_neither_late_nor_missing(client, erin, alice, unit_a, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 1, 25), 9, accept_by=erin)
    file_report(lead_assignment, alice, D(2018, 2, 25), 16)  # the office has not reviewed it
    for day in (D(2018, 3, 1), D(2018, 3, 10)):
        scan(day)
        assert open_warning(lead_assignment) is None
    counts = _home_counts(client, alice, D(2018, 3, 10))
    assert counts["missing"] == 0
    assert "逾期未报" not in _digest(alice, D(2018, 3, 10))
    score(D(2018, 3, 31), erin)
    assert _entries(unit_a, RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING, RuleCode.WARNING_YELLOW) == []


def test_the_return_says_who_returned_it(client, alice, carol, unit_a, lead_assignment):
    unit_a.requires_head_approval = True
    unit_a.save()
    report = file_report(lead_assignment, alice, D(2018, 1, 25), 9)
    with at(D(2018, 1, 26), 9):
        services.return_report(report, acting_user=carol, reason="请补充佐证材料")
    report.refresh_from_db()
    assert report.returned_by_role == ReturnedBy.HEAD
    assert report.refile_by == D(2018, 1, 31)  # Friday + 3 working days
    client.force_login(alice)
    with at(D(2018, 1, 27), 10):
        page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
        edit = client.get(reverse("report_edit", args=[lead_assignment.pk]) + "?period=2018-01").content.decode()
    for html in (page, edit):
        assert "单位负责人已退回" in html and "督查室已退回" not in html
        assert "2018-01-31" in html


def test_a_refile_by_date_in_the_past_is_refused_and_nothing_changes(client, erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 3, 26), 25)
    client.force_login(erin)
    with at(D(2018, 3, 29), 10):
        response = client.post(
            reverse("report_return", args=[report.pk]), {"reason": "数据有误", "refile_by": "2018-03-01"}, follow=True
        )
    assert "重新报送期限不能早于今天" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.refile_by is None
    with at(D(2018, 3, 29), 10), pytest.raises(RuleViolation, match="重新报送期限不能早于今天"):
        services.return_report(report, acting_user=erin, reason="x", refile_by=D(2018, 3, 1))


def test_no_warning_names_the_clerk_for_a_held_report(erin, alice, filed_to_february):
    file_report(filed_to_february, alice, D(2018, 3, 26), 25)
    for day in (D(2018, 3, 29), D(2018, 4, 2), D(2018, 4, 5)):
        scan(day)
    causes = set(Notice.objects.filter(assignment=filed_to_february).values_list("cause", flat=True))
    assert NoticeCause.MISSING_REPORT not in causes and NoticeCause.HEAD_LATE in causes


def test_the_head_sees_which_reports_are_past_the_approval_limit(client, alice, carol, filed_to_february):
    file_report(filed_to_february, alice, D(2018, 3, 26), 25)
    client.force_login(carol)
    with at(D(2018, 3, 28), 10):
        assert "负责人未审批" not in client.get(reverse("approvals")).content.decode()
    with at(D(2018, 3, 29), 10):
        page = client.get(reverse("approvals")).content.decode()
    assert "负责人未审批" in page and "应于2018-03-28前审批" in page


def test_a_live_scan_reads_the_pending_reports_only_and_a_replay_still_sees_a_later_approval(
    alice, carol, filed_to_february
):
    report = file_report(filed_to_february, alice, D(2018, 3, 26), 25)  # head until 03-28
    with at(D(2018, 3, 29), 2):
        then = clock.now()
        live = [late.report_id for late in lateness.heads_late(then, live=True)]
        assert live == [late.report_id for late in lateness.heads_late(then)] == [report.pk]
    with at(D(2018, 3, 30), 9):
        services.approve_report(report, acting_user=carol)
    with at(D(2018, 3, 31), 2):
        assert lateness.heads_late(clock.now(), live=True) == lateness.heads_late(clock.now()) == []
    # Replayed as of 03-29, the head was still sitting on it (approved later).
    assert [late.report_id for late in lateness.heads_late(then)] == [report.pk]
