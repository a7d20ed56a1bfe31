"""The daily scan over a demo-like year: warnings rise, escalate, step down and close; exposure
candidates appear; reminders come on the right days; re-runs and dry runs change nothing.

The issued target of conftest plans monthly from 2018-01-01 to 12-31: 8.2 % due on 01-31, 15.9 %
on 02-28, 24.5 % on 03-31, 32.7 % on 04-30, 41.2 % on 05-31. Unit A (alice) leads, unit B (bob)
cooperates. Default rules: yellow from 10 points behind, red above 30; 30 days to act on a yellow,
15 on an orange; two reds in a year make an exposure candidate.
"""

from __future__ import annotations

import pytest

from accountability.choices import ClosedReason, MessageKind, NoticeCause, NoticeKind, NoticeStatus
from accountability.models import InboxMessage, Notice, NoticeCounter, SupervisionRules, SupervisionRun
from accountability.scan import run_scan
from accountability.scan.warnings import decide
from accountability.services import approve_exposure, sign_for_notice, verify_and_close_out
from core.errors import RuleViolation
from tasks import services
from tasks.choices import WarningLevel
from tasks.models import Assignment
from tests.notice_helpers import D, at, co_assignment, file_report, issue_single, open_warning, scan
from tests.scenarios import approving_leader

__all__ = ["co_assignment"]  # a fixture


def _level(assignment) -> int:
    return Assignment.objects.get(pk=assignment.pk).warning_level


def test_a_lagging_unit_goes_yellow_then_orange_then_red(erin, alice, bob, lead_assignment, co_assignment):
    file_report(lead_assignment, alice, D(2018, 1, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 1, 25), 10, accept_by=erin)
    scan(D(2018, 2, 1))
    assert not Notice.objects.filter(kind=NoticeKind.WARNING).exists()

    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin)
    scan(D(2018, 3, 1))
    yellow = open_warning(lead_assignment)
    assert (yellow.level, yellow.cause, yellow.period) == (WarningLevel.YELLOW, NoticeCause.BEHIND_PLAN, "2018-02-28")
    assert yellow.number == "驻督预〔2018〕1号" and yellow.due_date == D(2018, 3, 31)
    assert "15.9%" in yellow.body and "10.9" in yellow.body  # quoted in the document
    assert open_warning(co_assignment) is None
    assert _level(lead_assignment) == WarningLevel.YELLOW

    file_report(lead_assignment, alice, D(2018, 3, 25), 14, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 3, 25), 25, accept_by=erin)
    scan(D(2018, 3, 31))  # still within the catch-up date: no change
    assert open_warning(lead_assignment) == yellow
    scan(D(2018, 4, 1))  # 24.5 planned, 14 done, and the yellow's date has passed
    orange = open_warning(lead_assignment)
    assert (orange.level, orange.cause, orange.escalated_from) == (WarningLevel.ORANGE, NoticeCause.NOT_ACTED, yellow)
    yellow.refresh_from_db()
    assert (yellow.status, yellow.closed_reason) == (NoticeStatus.CLOSED, ClosedReason.ESCALATED)
    closing = yellow.history.latest("history_id")
    assert (closing.history_user.username, closing.history_change_reason) == ("system", "Raised to a higher warning")
    # History rows are copied from the stored rows: the issue as issued, the close as closed.
    closed_as = ("~", NoticeStatus.CLOSED, ClosedReason.ESCALATED)
    assert (closing.history_type, closing.status, closing.closed_reason) == closed_as
    issued_row = yellow.history.earliest("history_id")
    assert (issued_row.history_type, issued_row.status, issued_row.number) == ("+", NoticeStatus.ISSUED, yellow.number)
    assert orange.due_date == D(2018, 4, 16) and _level(lead_assignment) == WarningLevel.ORANGE

    scan(D(2018, 4, 17))
    red = open_warning(lead_assignment)
    assert (red.level, red.escalated_from, red.number) == (WarningLevel.RED, orange, "驻督预〔2018〕3号")
    assert _level(lead_assignment) == WarningLevel.RED


def test_two_reds_in_a_year_make_an_exposure_candidate_the_office_approves(
    erin, alice, leader, unit_a, lead_assignment, django_capture_on_commit_callbacks
):
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 4, 30))
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    file_report(short, alice, D(2018, 2, 25), 60, accept_by=erin)
    scan(D(2018, 3, 1))  # lead assignment: 13.9 behind → yellow
    scan(D(2018, 4, 1))  # → orange
    scan(D(2018, 4, 17))  # → red (first)
    assert not Notice.objects.filter(kind=NoticeKind.EXPOSURE).exists()
    scan(D(2018, 5, 1))  # the short assignment is past its deadline → red (second) → candidate
    reds = Notice.objects.filter(kind=NoticeKind.WARNING, level=WarningLevel.RED, unit=unit_a)
    assert reds.count() == 2
    candidate = Notice.objects.get(kind=NoticeKind.EXPOSURE)
    assert (candidate.status, candidate.cause, candidate.number) == (NoticeStatus.PROPOSED, NoticeCause.TWO_REDS, "")
    assert candidate.assignment == short and candidate.escalated_from == reds.get(cause=NoticeCause.OVERDUE)
    assert all(red.number in candidate.body for red in reds)  # the wording names every red of the year
    assert InboxMessage.objects.filter(recipient=erin, kind=MessageKind.APPROVAL, notice=candidate).exists()
    assert not Notice.objects.for_user(alice).filter(pk=candidate.pk).exists()  # not the unit's until approved

    scan(D(2018, 5, 2))  # a third scan finds the same candidate: nothing new
    assert Notice.objects.filter(kind=NoticeKind.EXPOSURE).count() == 1
    with at(D(2018, 5, 3)):
        approved = approve_exposure(candidate, acting_user=approving_leader())
    assert approved.number == "驻督曝〔2018〕1号" and approved.is_published and approved.status == NoticeStatus.ISSUED
    assert Notice.objects.for_user(alice).filter(pk=candidate.pk).exists()
    assert InboxMessage.objects.filter(recipient=alice, notice=candidate, kind=MessageKind.NOTICE).exists()


def test_a_red_far_behind_steps_down_to_yellow_then_closes_when_the_unit_catches_up(erin, bob, co_assignment):
    file_report(co_assignment, bob, D(2018, 4, 25), 2, accept_by=erin)
    scan(D(2018, 5, 1))  # 32.7 planned, 2 done: more than 30 behind
    red = open_warning(co_assignment)
    assert (red.level, red.cause, red.period) == (WarningLevel.RED, NoticeCause.FAR_BEHIND, "2018-04-30")

    file_report(co_assignment, bob, D(2018, 5, 10), 20, period="2018-05", accept_by=erin)
    scan(D(2018, 5, 11))  # 12.7 behind: yellow
    yellow = open_warning(co_assignment)
    assert (yellow.level, yellow.cause, yellow.escalated_from) == (WarningLevel.YELLOW, NoticeCause.STEPPED_DOWN, red)
    red.refresh_from_db()
    assert red.closed_reason == ClosedReason.STEPPED_DOWN
    assert _level(co_assignment) == WarningLevel.YELLOW

    file_report(co_assignment, bob, D(2018, 6, 1), 45, period="2018-06", accept_by=erin)
    scan(D(2018, 6, 2))
    yellow.refresh_from_db()
    assert (yellow.status, yellow.closed_reason) == (NoticeStatus.CLOSED, ClosedReason.CAUGHT_UP)
    assert open_warning(co_assignment) is None and _level(co_assignment) == WarningLevel.GREEN


def test_a_missing_report_warns_and_filing_it_closes_the_warning(erin, alice, lead_assignment):
    scan(D(2018, 1, 28))  # due today: not missing yet
    assert open_warning(lead_assignment) is None
    scan(D(2018, 1, 29))
    warning = open_warning(lead_assignment)
    assert (warning.cause, warning.period, warning.level) == (
        NoticeCause.MISSING_REPORT,
        "2018-01",
        WarningLevel.YELLOW,
    )
    file_report(lead_assignment, alice, D(2018, 1, 30), 9)  # submitted, not yet reviewed: it counts
    scan(D(2018, 1, 31))
    warning.refresh_from_db()
    assert warning.closed_reason == ClosedReason.CAUGHT_UP


def test_a_report_returned_by_the_office_counts_as_missing_again(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 1, 25), 9)
    with at(D(2018, 1, 26)):
        services.return_report(report, acting_user=erin, reason="数据有误", refile_by=D(2018, 1, 29))
    scan(D(2018, 1, 29))  # within the refile-by date it still counts as filed
    assert open_warning(lead_assignment) is None
    scan(D(2018, 1, 30))
    assert open_warning(lead_assignment).cause == NoticeCause.MISSING_REPORT


def test_overdue_after_a_red_makes_an_exposure_candidate(erin, alice, leader, unit_a):
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(short, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))  # 65 % planned for 02-28: red far behind
    assert open_warning(short).level == WarningLevel.RED
    scan(D(2018, 4, 1))  # past the deadline after that red
    candidate = Notice.objects.get(kind=NoticeKind.EXPOSURE)
    assert (candidate.cause, candidate.period) == (NoticeCause.OVERDUE_AFTER_RED, "2018-03-31")
    assert Notice.objects.filter(kind=NoticeKind.WARNING).count() == 1  # still the one red: no second for the deadline


def test_closing_out_ends_the_warning_and_clears_the_colour(erin, alice, leader, unit_a):
    assignment = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(assignment, alice, D(2018, 2, 25), 30, accept_by=erin)
    scan(D(2018, 3, 1))  # 65.2 % planned for 02-28
    assert _level(assignment) == WarningLevel.RED
    file_report(assignment, alice, D(2018, 3, 20), 100, accept_by=erin)
    with at(D(2018, 3, 21)):
        assignment.refresh_from_db()
        services.claim_completion(assignment, acting_user=alice)
    with at(D(2018, 3, 22)):
        notice = verify_and_close_out(assignment, acting_user=erin, note="经核验已完成")
    assert notice.kind == NoticeKind.CLOSE_OUT and notice.number == "驻督销〔2018〕1号"
    assert open_warning(assignment) is None and _level(assignment) == WarningLevel.GREEN
    scan(D(2018, 4, 2))  # closed: never overdue
    assert not Notice.objects.filter(kind=NoticeKind.WARNING, cause=NoticeCause.OVERDUE).exists()


def _digest_lines(user, day) -> list[str]:
    digest = InboxMessage.objects.filter(recipient=user, kind=MessageKind.DIGEST, day=day).first()
    return digest.body.splitlines() if digest else []


def test_deadline_reminders_come_7_1_and_0_days_before_then_daily(erin, alice, carol, leader, unit_a):
    assignment = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 15), issued_on=D(2018, 1, 2))
    title = assignment.target.title
    expected = {
        D(2018, 3, 7): False, D(2018, 3, 8): True, D(2018, 3, 9): False, D(2018, 3, 14): True,
        D(2018, 3, 15): True, D(2018, 3, 16): True, D(2018, 3, 17): True,
    }  # fmt: skip
    for day, reminded in expected.items():
        scan(day)
        lines = [line for line in _digest_lines(alice, day) if title in line and "完成" in line]
        assert bool(lines) is reminded, day
    assert "今天到期" in " ".join(_digest_lines(alice, D(2018, 3, 15)))
    assert "已超过完成时限2天" in " ".join(_digest_lines(alice, D(2018, 3, 17)))
    # The unit head gets the same digest: one per person per day.
    assert _digest_lines(carol, D(2018, 3, 8)) == _digest_lines(alice, D(2018, 3, 8))
    assert InboxMessage.objects.filter(recipient=alice, kind=MessageKind.DIGEST, day=D(2018, 3, 16)).count() == 1


def test_report_reminders_come_before_the_due_date_and_daily_once_late(erin, bob, co_assignment):
    file_report(co_assignment, bob, D(2018, 5, 25), 45, accept_by=erin)
    for day, expected in {
        D(2018, 6, 21): "还有7天", D(2018, 6, 22): None, D(2018, 6, 27): "还有1天", D(2018, 6, 28): "今天到期",
        D(2018, 6, 29): "已逾期", D(2018, 6, 30): "已逾期",
    }.items():  # fmt: skip
        scan(day)
        lines = [line for line in _digest_lines(bob, day) if "2018-06" in line]
        if expected is None:
            assert lines == [], day
        else:
            assert len(lines) == 1 and expected in lines[0], (day, lines)
    file_report(co_assignment, bob, D(2018, 6, 30), 50)
    scan(D(2018, 7, 1))
    assert not [line for line in _digest_lines(bob, D(2018, 7, 1)) if "2018-06" in line]


def test_an_unsigned_notice_is_chased_every_day_until_signed(erin, alice, lead_assignment):
    scan(D(2018, 1, 3))  # the task notices the broker never sent
    task_notice = lead_assignment.notices.get(kind=NoticeKind.TASK)
    assert task_notice.status == NoticeStatus.ISSUED
    scan(D(2018, 1, 5))
    assert not any(task_notice.number in line for line in _digest_lines(alice, D(2018, 1, 5)))
    scan(D(2018, 1, 6))  # three days to sign
    assert any(task_notice.number in line for line in _digest_lines(alice, D(2018, 1, 6)))
    with at(D(2018, 1, 6), 11):
        sign_for_notice(task_notice, acting_user=alice)
    scan(D(2018, 1, 7))
    assert not any(task_notice.number in line for line in _digest_lines(alice, D(2018, 1, 7)))


def test_the_scan_issues_task_notices_that_never_went_out_and_syncs_signatures(erin, alice, issued_target):
    assert not Notice.objects.exists()  # on_commit never ran in this test: as if the broker was down
    with at(D(2018, 1, 3), 9):
        services.sign_for_assignment(issued_target.assignments.get(unit__name="甲县"), acting_user=alice)
    scan(D(2018, 1, 4))
    notices = Notice.objects.filter(kind=NoticeKind.TASK).order_by("serial")
    assert [n.number for n in notices] == ["驻督告〔2018〕1号", "驻督告〔2018〕2号"]
    signed = notices.get(unit__name="甲县")
    assert (signed.status, signed.signed_by) == (NoticeStatus.CLOSED, alice)
    assert notices.get(unit__name="乙局").status == NoticeStatus.ISSUED


def test_running_the_scan_twice_changes_nothing_the_second_time(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    first = scan(D(2018, 3, 1))
    counts = (Notice.objects.count(), Notice.history.count(), InboxMessage.objects.count())
    second = scan(D(2018, 3, 1))
    # Unit A behind plan, unit B without its February report.
    assert first.summary["warnings_issued"] == 2 and second.summary["warnings_issued"] == 0
    assert (Notice.objects.count(), Notice.history.count(), InboxMessage.objects.count()) == counts


def test_a_dry_run_reports_what_it_would_issue_and_stores_nothing(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    result = scan(D(2018, 3, 1), dry_run=True)
    assert any("驻督预〔2018〕" in line and "进度预警单" in line and "甲县" in line for line in result.describe())
    assert not Notice.objects.exists() and not SupervisionRun.objects.exists()
    assert not NoticeCounter.objects.filter(last_serial__gt=0).exists()
    real = scan(D(2018, 3, 1))
    assert [n.number for n in real.issued] == [n.number for n in result.issued]  # the same numbers, no gap


def test_the_scan_cannot_go_back_before_a_day_it_has_judged(lead_assignment):
    scan(D(2018, 3, 1))
    with pytest.raises(RuleViolation, match="cannot go back"):
        scan(D(2018, 2, 1))
    with pytest.raises(RuleViolation, match="The scan has already judged 2018-03-01; it cannot go back to 2018-02-27"):
        scan(D(2018, 2, 27), dry_run=True)  # a dry run neither


def test_a_scan_as_of_a_past_day_reads_the_state_of_that_day(erin, alice, leader, unit_a):
    """Replaying (the demo, --date) judges by history: a report filed later does not count yet."""
    assignment = issue_single(unit_a, erin, leader, deadline=D(2018, 12, 31))
    file_report(assignment, alice, D(2018, 1, 25), 8, accept_by=erin)
    file_report(assignment, alice, D(2018, 3, 2), 16, period="2018-02", accept_by=erin)  # four days late
    with at(D(2018, 6, 1), 9):
        run_scan(D(2018, 3, 1))
        missing = open_warning(assignment)
        assert (missing.cause, missing.period) == (NoticeCause.MISSING_REPORT, "2018-02")
        assert missing.issued_at.date() == D(2018, 2, 28)  # 02:00 in Shanghai is the evening before in UTC
        run_scan(D(2018, 3, 3))
    missing.refresh_from_db()
    assert missing.closed_reason == ClosedReason.CAUGHT_UP


def test_the_thresholds_come_from_the_rule_table(erin, alice, lead_assignment):
    rules = SupervisionRules.current()
    rules.yellow_lag_points, rules.missing_report_warns = 20, False
    rules.save()
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    scan(D(2018, 3, 1))  # 13.9 behind: below the raised threshold
    assert open_warning(lead_assignment) is None


def test_decide_keeps_a_red_given_for_ignoring_warnings_while_the_unit_is_still_behind():
    rules = SupervisionRules()
    red = Notice(pk=7, level=WarningLevel.RED, cause=NoticeCause.NOT_ACTED, due_date=D(2018, 4, 1))
    row = {"condition": WarningLevel.YELLOW}
    assert decide(row, red, D(2018, 5, 1), rules) is None
    row = {"condition": WarningLevel.GREEN}
    assert decide(row, red, D(2018, 5, 1), rules).close == ClosedReason.CAUGHT_UP


def test_a_warning_on_an_assignment_no_longer_open_is_closed_and_the_others_stay(
    erin, alice, bob, lead_assignment, co_assignment
):
    scan(D(2018, 3, 1))  # nothing reported: both units are warned
    lead_warning, co_warning = open_warning(lead_assignment), open_warning(co_assignment)
    assert lead_warning and co_warning
    # Closed elsewhere without its warnings being ended (as a bulk change or an old release could).
    Assignment.objects.filter(pk=lead_assignment.pk).update(status="closed")
    scan(D(2018, 3, 2))
    lead_warning.refresh_from_db()
    assert (lead_warning.status, lead_warning.closed_reason) == (NoticeStatus.CLOSED, ClosedReason.ASSIGNMENT_ENDED)
    assert open_warning(co_assignment).pk == co_warning.pk
    assert _level(lead_assignment) == WarningLevel.GREEN


def _colours_recomputed() -> dict[int, int]:
    warned = dict(Notice.objects.open_warnings().values_list("assignment_id", "level"))
    return {pk: warned.get(pk, WarningLevel.GREEN) for pk in Assignment.objects.values_list("pk", flat=True)}


def _colours_kept() -> dict[int, int]:
    return dict(Assignment.objects.values_list("pk", "warning_level"))


def test_a_night_syncs_the_colours_it_changed_and_they_equal_a_full_recompute(
    erin, alice, bob, lead_assignment, co_assignment
):
    # Colours loaded from elsewhere (the benchmark's generator) are put right by the first run.
    Assignment.objects.filter(pk=co_assignment.pk).update(warning_level=WarningLevel.RED)
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin)
    scan(D(2018, 3, 1))
    assert _colours_kept() == _colours_recomputed()
    assert _level(co_assignment) == WarningLevel.GREEN and _level(lead_assignment) == WarningLevel.YELLOW
    # Later nights touch only the assignments whose warning changed: raised, caught up, escalated.
    file_report(co_assignment, bob, D(2018, 3, 25), 2, accept_by=erin)
    scan(D(2018, 4, 1))
    assert _colours_kept() == _colours_recomputed()
    assert _level(lead_assignment) == WarningLevel.ORANGE and _level(co_assignment) == WarningLevel.YELLOW
    file_report(lead_assignment, alice, D(2018, 4, 25), 40, accept_by=erin)
    scan(D(2018, 5, 1))
    assert _colours_kept() == _colours_recomputed()
    assert _level(lead_assignment) == WarningLevel.GREEN


def _judged(day) -> dict[int, tuple]:
    from accountability.scan.conditions import CONDITION_FIELDS, as_of, assignment_conditions

    with at(day, 2):
        rows = assignment_conditions(as_of()).values(*CONDITION_FIELDS)
        return {row["pk"]: (row["planned"], row["actual"], row["missing_period"], row["node_due"]) for row in rows}


def test_the_judging_reads_the_planned_column_and_the_reports_index_as_the_probes_would(
    erin, alice, bob, lead_assignment, co_assignment
):
    """The scan reads the planned percent from the assignment where the night's refresh wrote it for
    the day, and a due report at the office from the filed reports' index: the same figures as the
    plan nodes and the reports themselves (the column cleared, and a report pending the head)."""
    file_report(lead_assignment, alice, D(2018, 2, 25), 12, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 30)  # at the office, not yet accepted
    day = D(2018, 3, 1)
    services.refresh_planned_progress(day=day)
    from_column = _judged(day)
    Assignment.objects.update(planned_as_of=None)
    from_nodes = _judged(day)
    assert from_column == from_nodes
    planned = {pk: float(figures[0]) for pk, figures in from_nodes.items()}
    assert planned[lead_assignment.pk] == planned[co_assignment.pk] == pytest.approx(15.9)
    assert {figures[3] for figures in from_nodes.values()} == {D(2018, 2, 28)}  # the node that percent is from
    assert {pk: figures[2] for pk, figures in from_nodes.items()} == {lead_assignment.pk: None, co_assignment.pk: None}
    # Returned by the office: missing again, found by the reports themselves (not on the index).
    report = co_assignment.reports.get(period="2018-02")
    with at(D(2018, 2, 27)):
        services.return_report(report, acting_user=erin, reason="数据不实", refile_by=D(2018, 2, 28))
    assert _judged(day)[co_assignment.pk][2] == "2018-02"


def _lagging(day) -> dict[int, tuple]:
    from accountability.scan.conditions import as_of, lagging_conditions

    with at(day, 2):
        rows = lagging_conditions(as_of(), SupervisionRules.current())
        return {row["pk"]: (row["planned"], row["actual"], row["missing_period"], row["node_due"]) for row in rows}


def test_a_behind_plan_warning_is_named_by_the_plan_node_kept_with_the_planned_percent(
    erin, alice, bob, lead_assignment, co_assignment
):
    """The night names a behind-plan warning by the plan node its planned percent was read from: the
    one the refresh kept beside the percent for the day (no query of the plan nodes), else the plan
    nodes' own; the day before the refresh's, from the nodes again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin)
    services.refresh_planned_progress(day=D(2018, 3, 1))
    kept = Assignment.objects.get(pk=lead_assignment.pk)
    assert (kept.planned_node_due, kept.planned_as_of) == (D(2018, 2, 28), D(2018, 3, 1))
    # A kept node no plan has: only the column can name the warning so.
    Assignment.objects.filter(pk=lead_assignment.pk).update(planned_node_due=D(2018, 2, 27))
    with CaptureQueriesContext(connection) as queries:
        scan(D(2018, 3, 1), reminders=False)
    assert open_warning(lead_assignment).period == "2018-02-27"
    # Only the judging statement names the plan nodes, in the CASE branch of a day not kept.
    naming_nodes = [q["sql"] for q in queries.captured_queries if 'FROM "tasks_milestone"' in q["sql"]]
    assert len(naming_nodes) == 1 and "planned_as_of" in naming_nodes[0]
    Notice.objects.filter(kind=NoticeKind.WARNING).delete()
    SupervisionRun.objects.all().delete()
    Assignment.objects.update(planned_as_of=D(2018, 2, 28))  # kept for another day: the nodes decide
    scan(D(2018, 3, 1), reminders=False)
    assert open_warning(lead_assignment).period == "2018-02-28"


def test_the_night_reads_the_reports_once_and_judges_as_the_probes_would(
    erin, alice, bob, lead_assignment, co_assignment
):
    """The nightly judging reads each assignment's latest report held once: where it is the due
    period's, the due report is at the office; the others (an older report only, one returned with
    its refile-by date still ahead, none) are read again, with the same figures and missing
    periods as ``assignment_conditions``' two probes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file_report(lead_assignment, alice, D(2018, 2, 25), 12, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 1, 25), 10, accept_by=erin)  # January's only: February's missing
    day = D(2018, 3, 1)
    judged = _judged(day)
    with CaptureQueriesContext(connection) as queries:
        lagging = _lagging(day)
    assert lagging == {co_assignment.pk: judged[co_assignment.pk]}
    assert judged[co_assignment.pk][2] == "2018-02" and judged[lead_assignment.pk][2] is None
    if connection.vendor == "postgresql":
        judging = [q["sql"] for q in queries.captured_queries if "planned_as_of" in q["sql"]]
        assert len(judging) == 1 and judging[0].count('FROM "tasks_progressreport"') == 1
    # Filed, then returned with a refile-by date still ahead: not missing, though not the latest held.
    report = file_report(co_assignment, bob, D(2018, 2, 26), 14)
    with at(D(2018, 2, 27)):
        services.return_report(report, acting_user=erin, reason="数据不实", refile_by=D(2018, 3, 5))
    judged = _judged(day)
    assert judged[co_assignment.pk][2] is None
    assert _lagging(day) == {pk: figures for pk, figures in judged.items() if figures[0] - figures[1] >= 10}


def test_the_notices_rarely_set_links_are_indexed_only_where_set(db):
    """A notice without a decision item, a report or an earlier notice writes no entry in their
    indexes (accountability 0030: 166,800 → 133,400 index pages touched inserting a province night's
    5,695 warnings); a lookup by one of them still has its index."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "accountability_notice")
    single = {tuple(c["columns"]): name for name, c in constraints.items() if c["index"] and len(c["columns"]) == 1}
    expected = {
        "decision_item_id": "notice_by_decision_item", "report_id": "notice_by_report",
        "escalated_from_id": "notice_by_escalated_from",
    }  # fmt: skip
    assert {column: single.get((column,)) for column in expected} == expected
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'notice_by_%%'")
            definitions = dict(cursor.fetchall())
        assert all(f"WHERE ({column} IS NOT NULL)" in definitions[name] for column, name in expected.items())
