"""The demo on 2018-09-30: a head late to approve, returns by the head and by the office with
refile-by dates, resolved and open problems; home page and digest agree on what is missing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accountability.choices import MessageKind, NoticeCause, NoticeKind, ProblemOutcome, RuleCode
from accountability.models import InboxMessage, Notice, ProblemDecision, ScoreEntry
from accountability.selectors.notices import open_problems
from tasks.choices import ReportStatus, ReturnedBy
from tasks.models import ProgressReport, User

DEMO_DATE = dt.date(2018, 9, 30)
FGW = "市发改委"


@pytest.fixture
def on_demo_date(settings):
    settings.ZMD_TODAY = DEMO_DATE


@pytest.mark.django_db
def test_the_head_who_sits_on_reports_is_named_never_the_clerk(demo):
    warnings = Notice.objects.filter(kind=NoticeKind.WARNING, unit__name=FGW, issued_at__date__gte=dt.date(2018, 9, 1))
    causes = set(warnings.values_list("cause", flat=True))
    assert NoticeCause.HEAD_LATE in causes and NoticeCause.MISSING_REPORT not in causes
    for notice in warnings.filter(cause=NoticeCause.HEAD_LATE):
        assert "负责人未审批" in notice.body and "未报送" not in notice.body
    held = ProgressReport.objects.filter(assignment__unit__name=FGW, status=ReportStatus.PENDING_APPROVAL)
    assert held.count() >= 1 and not any(report.is_late for report in held)
    clerk_points = ScoreEntry.objects.filter(
        unit__name=FGW,
        occurred_on__gte=dt.date(2018, 9, 1),
        rule__code__in=[RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING],
    )
    assert not clerk_points.exists()
    assert not ScoreEntry.objects.filter(notice__cause=NoticeCause.HEAD_LATE).exists()
    digest = InboxMessage.objects.get(recipient__username="head_fgw", kind=MessageKind.DIGEST, day=DEMO_DATE)
    assert "负责人未审批" in digest.body and "逾期未报" not in digest.body


@pytest.mark.django_db
def test_returns_by_the_head_and_by_the_office_carry_refile_by_dates(demo):
    by_head = ProgressReport.objects.get(assignment__unit__name=FGW, status=ReportStatus.RETURNED)
    assert by_head.returned_by_role == ReturnedBy.HEAD and by_head.refile_by > DEMO_DATE
    refiled = ProgressReport.objects.filter(returned_by_role=ReturnedBy.OFFICE, status=ReportStatus.ACCEPTED)
    assert refiled.exists()
    for report in refiled:
        assert report.refile_by is not None and report.submitted_at.date() <= report.refile_by
        assert not report.is_late


@pytest.mark.django_db
def test_problems_are_resolved_merged_and_open(demo):
    outcomes = set(ProblemDecision.objects.values_list("outcome", flat=True))
    assert outcomes == {ProblemOutcome.RESOLVED, ProblemOutcome.MERGED}
    office = User.objects.get(username="office")
    rows = list(open_problems(office))
    assert rows
    assert len({(row.assignment_id, row.problems) for row in rows}) == len(rows)  # each problem once


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["staff_fgw", "head_fgw", "staff_yicheng", "staff_zhengyang"])
def test_the_home_page_and_the_digest_count_the_same_missing_reports(client, demo, on_demo_date, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    counts = client.get(reverse("home")).context["unit_counts"]
    digest = InboxMessage.objects.filter(recipient=user, kind=MessageKind.DIGEST, day=DEMO_DATE).first()
    body = digest.body if digest else ""
    assert counts["missing"] == len(re.findall("逾期未报", body)), body
    held = len(re.findall("负责人未审批", body))
    assert held <= counts["approval"]
    if username.endswith("fgw"):
        assert (counts["missing"], counts["approval"], held) == (0, 2, 2)
