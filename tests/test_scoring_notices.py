"""Points for the five lists: yellow −0.5, orange −1, red −2, an approved exposure −5, each notice
once, on a year travelled through the daily scan (see test_supervision_scan for its dates)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.choices import AppealStatus, NoticeCause, NoticeKind, RuleCode
from accountability.models import Notice, ScoreEntry, ScoreRule
from accountability.services.scoring_events import exposures, warnings_issued
from tasks.choices import WarningLevel
from tests.notice_helpers import D, at, co_assignment, file_report, issue_single, open_warning, scan
from tests.scenarios import approving_leader, points, score

__all__ = ["co_assignment"]  # a fixture

WARNING_CODES = [RuleCode.WARNING_YELLOW, RuleCode.WARNING_ORANGE, RuleCode.WARNING_RED]


def _entries(*codes):
    return list(ScoreEntry.objects.filter(rule__code__in=codes).order_by("occurred_on", "pk"))


@pytest.fixture
def escalated(erin, alice, bob, lead_assignment, co_assignment):
    """Unit A's lead assignment goes yellow on 03-01, orange on 04-01 and red on 04-17."""
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin)
    scan(D(2018, 3, 1))
    file_report(lead_assignment, alice, D(2018, 3, 25), 14, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 3, 25), 25, accept_by=erin)
    scan(D(2018, 4, 1))
    scan(D(2018, 4, 17))
    assert open_warning(lead_assignment).level == WarningLevel.RED
    return lead_assignment


def test_each_warning_costs_its_colour_s_points_dated_on_the_day_it_was_issued(escalated, erin, unit_a):
    score(D(2018, 3, 31), erin)
    [yellow] = _entries(*WARNING_CODES)
    assert (yellow.rule.code, yellow.unit, yellow.amount, yellow.occurred_on) == (
        RuleCode.WARNING_YELLOW,
        unit_a,
        points(-0.5),
        D(2018, 3, 1),
    )
    assert yellow.notice.number in yellow.reason and yellow.assignment == escalated

    score(D(2018, 4, 30), erin)
    assert [(e.rule.code, e.amount, e.occurred_on) for e in _entries(*WARNING_CODES)] == [
        (RuleCode.WARNING_YELLOW, points(-0.5), D(2018, 3, 1)),
        (RuleCode.WARNING_ORANGE, points(-1), D(2018, 4, 1)),
        (RuleCode.WARNING_RED, points(-2), D(2018, 4, 17)),
    ]
    notices = Notice.objects.filter(kind=NoticeKind.WARNING).order_by("issued_at")
    assert [e.notice for e in _entries(*WARNING_CODES)] == list(notices)


def test_re_running_the_scoring_adds_no_warning_twice(escalated, erin):
    score(D(2018, 4, 30), erin)
    score(D(2018, 4, 30), erin)
    second = score(D(2018, 5, 31), erin)
    assert len(_entries(*WARNING_CODES)) == 3
    assert not set(second.added) & set(WARNING_CODES)  # May's run adds only what May brought
    assert warnings_issued(D(2018, 1, 1), D(2018, 5, 31)) == []  # the finder itself skips them


def test_the_warning_finder_takes_one_query_however_many_notices(escalated, erin, django_assert_num_queries):
    with django_assert_num_queries(1):
        drafts = warnings_issued(D(2018, 1, 1), D(2018, 4, 30))
    assert len(drafts) == 3


def test_a_yellow_that_steps_down_from_a_red_costs_nothing(erin, bob, co_assignment, unit_b):
    file_report(co_assignment, bob, D(2018, 4, 25), 2, accept_by=erin)
    scan(D(2018, 5, 1))  # red, far behind
    file_report(co_assignment, bob, D(2018, 5, 10), 20, period="2018-05", accept_by=erin)
    scan(D(2018, 5, 11))  # stepped down to yellow
    assert open_warning(co_assignment).cause == NoticeCause.STEPPED_DOWN
    score(D(2018, 5, 31), erin)
    assert [e.rule.code for e in _entries(*WARNING_CODES) if e.unit == unit_b] == [RuleCode.WARNING_RED]


def test_an_exposure_costs_five_points_once_it_is_approved_and_not_while_it_is_a_candidate(erin, alice, leader, unit_a):
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(short, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))  # red
    scan(D(2018, 4, 1))  # overdue after a red: an exposure candidate
    candidate = Notice.objects.get(kind=NoticeKind.EXPOSURE)
    score(D(2018, 4, 5), erin)
    assert not _entries(RuleCode.EXPOSURE)

    with at(D(2018, 4, 6)):
        approved = acc.approve_exposure(candidate, acting_user=approving_leader())
    score(D(2018, 4, 30), erin)
    score(D(2018, 4, 30), erin)
    [entry] = _entries(RuleCode.EXPOSURE)
    assert (entry.unit, entry.amount, entry.occurred_on, entry.notice) == (unit_a, points(-5), D(2018, 4, 6), approved)
    assert approved.number in entry.reason
    assert exposures(D(2018, 1, 1), D(2018, 4, 30)) == []


def test_a_dismissed_exposure_costs_nothing(erin, alice, leader, unit_a):
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(short, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))
    scan(D(2018, 4, 1))
    with at(D(2018, 4, 6)):
        acc.dismiss_exposure(Notice.objects.get(kind=NoticeKind.EXPOSURE), acting_user=erin, reason="情况属实已整改")
    score(D(2018, 4, 30), erin)
    assert not _entries(RuleCode.EXPOSURE)


def test_a_warning_s_points_are_reversed_on_appeal(escalated, erin, alice):
    score(D(2018, 3, 31), erin)
    [yellow] = _entries(RuleCode.WARNING_YELLOW)
    with at(D(2018, 4, 2)):
        appeal = acc.file_appeal(yellow, reason="进度数据延迟录入", acting_user=alice)
    with at(D(2018, 4, 3)):
        acc.decide_appeal(appeal, reverse=True, note="经核实属实", acting_user=erin)
    reversal = ScoreEntry.objects.get(rule__code=RuleCode.REVERSAL)
    assert (reversal.amount, reversal.reverses, reversal.notice) == (points(0.5), yellow, yellow.notice)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    score(D(2018, 4, 30), erin)  # the reversed warning is not scored again
    assert len(_entries(RuleCode.WARNING_YELLOW)) == 1


def test_the_unit_s_ledger_links_each_warning_to_its_notice(escalated, erin, alice, unit_a, client):
    score(D(2018, 4, 30), erin)
    client.force_login(alice)
    with at(D(2018, 5, 2)):
        page = client.get(reverse("scores:ledger", args=[unit_a.pk])).content.decode()
    for notice in Notice.objects.filter(kind=NoticeKind.WARNING):
        assert reverse("notices:detail", args=[notice.pk]) in page
        assert notice.number in page


def test_a_rule_switched_off_by_the_office_scores_no_warnings(escalated, erin):
    score(D(2018, 2, 27), erin)  # creates the rules with their defaults
    rule = ScoreRule.objects.get(code=RuleCode.WARNING_YELLOW)
    with at(D(2018, 2, 28)):
        acc.update_rule(rule, amount=rule.amount, description=rule.description, is_active=False, acting_user=erin)
    score(D(2018, 4, 30), erin)
    assert [e.rule.code for e in _entries(*WARNING_CODES)] == [RuleCode.WARNING_ORANGE, RuleCode.WARNING_RED]
