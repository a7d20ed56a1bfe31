"""The end of an assignment's life: 申请销号 with final figures, statement and evidence; the office's
verification (close-out notice and points at once), refusal, and 退回重办 (points reversed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accountability import services as acc
from accountability.choices import NoticeKind, RuleCode
from accountability.models import Notice, ScoreEntry
from core.errors import RuleViolation
from tasks import services
from tasks.choices import AssignmentStatus, ClaimStatus, ShareRule, TargetStatus, TargetType
from tests.scenarios import D, at, file_report, issued, link
from tests.workspace_data import jpeg


@pytest.fixture
def task(erin, unit_a, unit_b):
    return issued(erin, unit_a, [unit_b])


CLAIMED_ON = D(2018, 9, 10)


def _claim(assignment, user, day=CLAIMED_ON, **kwargs):
    kwargs.setdefault("final_percent", 100)
    kwargs.setdefault("statement", "已全部完成")
    with at(day):
        return services.claim_completion(assignment, acting_user=user, **kwargs)


def test_a_claim_carries_its_final_figures_statement_and_evidence(task, unit_a, alice):
    lead = link(task, unit_a)
    claim = _claim(lead, alice, evidence=[jpeg("验收报告.jpg")])
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.CLAIMED
    assert (claim.final_percent, claim.statement, claim.status) == (100, "已全部完成", ClaimStatus.PENDING)
    assert [e.original_name for e in claim.evidence.all()] == ["验收报告.jpg"]
    assert lead.history.first().history_change_reason == "已全部完成"
    assert lead.progress_percent == 0  # the figures count once the office has verified them


def test_a_claim_below_the_goal_is_refused_and_changes_nothing(task, unit_a, alice):
    lead = link(task, unit_a)
    with pytest.raises(RuleViolation, match="100 percent"):
        _claim(lead, alice, final_percent=95)
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ISSUED and not lead.claims.exists()


def test_a_value_assignment_claims_with_its_final_value(erin, unit_a, alice):
    target = issued(erin, unit_a, target_type=TargetType.LIVELIHOOD, target_value=30, measure_unit="公里")
    lead = link(target, unit_a)
    with pytest.raises(RuleViolation, match="100 percent"):
        _claim(lead, alice, final_percent=None, final_value=Decimal("29"))
    claim = _claim(lead, alice, final_percent=None, final_value=Decimal("31.5"))
    assert (claim.final_percent, claim.final_value) == (100, Decimal("31.5"))


def test_a_second_claim_waits_for_the_first(task, unit_a, alice):
    lead = link(task, unit_a)
    _claim(lead, alice)
    with pytest.raises(RuleViolation, match="already waiting"):
        _claim(lead, alice)


def test_verification_closes_out_issues_the_notice_and_writes_the_points_at_once(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    _claim(lead, alice, evidence=[jpeg()])
    with at(D(2018, 9, 12)):
        notice = acc.verify_and_close_out(lead, acting_user=erin, note="经核验已完成")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.CLOSED and lead.progress_percent == 100
    assert notice.kind == NoticeKind.CLOSE_OUT and notice.number == "驻督销〔2018〕1号"
    assert lead.claims.get().status == ClaimStatus.VERIFIED
    entries = {e.rule.code: e.amount for e in ScoreEntry.objects.filter(assignment=lead)}
    assert entries == {RuleCode.COMPLETED_LEAD: Decimal("2.00"), RuleCode.EARLY_OR_OVER: Decimal("1.00")}
    # The nightly run finds nothing more to write.
    with at(D(2018, 9, 13), 2):
        acc.run_scoring_now(up_to=D(2018, 9, 12), acting_user=erin)
    completion_rules = [RuleCode.COMPLETED_LEAD, RuleCode.EARLY_OR_OVER]
    assert ScoreEntry.objects.filter(assignment=lead, rule__code__in=completion_rules).count() == 2


def test_a_refused_claim_sends_the_unit_back_to_work_with_the_reason(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    _claim(lead, alice)
    with pytest.raises(RuleViolation, match="Say why"):
        services.refuse_completion(lead, acting_user=erin, reason=" ")
    with at(D(2018, 9, 11)):
        services.refuse_completion(lead, acting_user=erin, reason="佐证材料不足")
    lead.refresh_from_db()
    claim = lead.claims.get()
    assert lead.status == AssignmentStatus.IN_PROGRESS
    assert (claim.status, claim.decision_note, claim.decided_by) == (ClaimStatus.REFUSED, "佐证材料不足", erin)
    _claim(lead, alice, D(2018, 9, 20))  # the unit may claim again
    assert lead.claims.filter(status=ClaimStatus.PENDING).count() == 1


def test_redo_of_a_claim_reopens_the_work_without_touching_points(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    _claim(lead, alice)
    with at(D(2018, 9, 11)):
        services.return_for_redo(lead, acting_user=erin, reason="台账不全")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert lead.claims.get().status == ClaimStatus.RETURNED
    assert not ScoreEntry.objects.exists()


def test_redo_of_a_close_out_reverses_its_points_reopens_the_target_and_restores_the_figures(
    task, unit_a, unit_b, alice, bob, erin
):
    lead, co = link(task, unit_a), link(task, unit_b)
    report = file_report(lead, alice, D(2018, 8, 26), period="2018-08", percent=70)
    with at(D(2018, 8, 29)):
        services.accept_report(report, acting_user=erin)
    for assignment, user in ((lead, alice), (co, bob)):
        _claim(assignment, user)
        with at(D(2018, 9, 12)):
            acc.verify_and_close_out(assignment, acting_user=erin)
    task.refresh_from_db()
    assert task.status == TargetStatus.CLOSED
    with at(D(2018, 9, 20)):
        services.return_for_redo(lead, acting_user=erin, reason="抽查发现未完成")
    lead.refresh_from_db()
    task.refresh_from_db()
    assert (lead.status, lead.closed_at, lead.progress_percent) == (AssignmentStatus.RETURNED, None, 70)
    assert task.status == TargetStatus.ISSUED
    reversals = ScoreEntry.objects.filter(rule__code=RuleCode.REVERSAL, unit=unit_a)
    assert sorted(r.amount for r in reversals) == [Decimal("-2.00"), Decimal("-1.00")]
    assert {r.occurred_on for r in reversals} == {D(2018, 9, 20)}
    assert all("抽查发现未完成" in r.reason for r in reversals)
    assert not ScoreEntry.objects.filter(rule__code=RuleCode.REVERSAL, unit=unit_b).exists()  # co-unit untouched


def test_closed_out_again_after_redo_it_gets_a_new_notice_and_earns_its_points_again(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    _claim(lead, alice)
    with at(D(2018, 9, 12)):
        first = acc.verify_and_close_out(lead, acting_user=erin)
    with at(D(2018, 9, 14)):
        services.return_for_redo(lead, acting_user=erin, reason="退回重办")
    _claim(lead, alice, D(2018, 10, 8))
    with at(D(2018, 10, 10)):
        second = acc.verify_and_close_out(lead, acting_user=erin)
    assert (first.period, second.period) == ("", "redo1")
    assert second.number == "驻督销〔2018〕2号"
    completions = ScoreEntry.objects.filter(assignment=lead, rule__code=RuleCode.COMPLETED_LEAD)
    assert sorted(completions.values_list("cause_key", flat=True)) == [
        f"assignment:{lead.pk}",
        f"assignment:{lead.pk}:redo1",
    ]
    total = sum(ScoreEntry.objects.filter(unit=unit_a).values_list("amount", flat=True))
    assert total == Decimal("3.00")  # 2 + 1 earned, taken back, earned again
    # The scan's backfill and the job see both close-outs have their notices.
    assert acc.issue_close_out_notices([lead.pk], acting_user=erin) == []
    assert Notice.objects.filter(assignment=lead, kind=NoticeKind.CLOSE_OUT).count() == 2


def test_a_close_out_made_in_the_ledger_after_a_redo_gets_its_notice_from_the_job(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    _claim(lead, alice)
    with at(D(2018, 9, 12)):
        acc.verify_and_close_out(lead, acting_user=erin)
        services.return_for_redo(lead, acting_user=erin, reason="退回")
    _claim(lead, alice, D(2018, 9, 13))
    with at(D(2018, 9, 14)):
        services.verify_completion(lead, acting_user=erin)
        services.close_out(lead, acting_user=erin)
        [notice] = acc.issue_close_out_notices([lead.pk], acting_user=erin)
    assert notice.period == "redo1"


def test_sum_share_rule_keeps_its_links_goals_after_a_claim(erin, unit_a, unit_b, alice):
    target = issued(
        erin, unit_a, [unit_b], target_type=TargetType.LIVELIHOOD, target_value=30, measure_unit="公里",
        share_rule=ShareRule.NONE,
    )  # fmt: skip
    claim = _claim(link(target, unit_a), alice, final_percent=None, final_value=Decimal("30"))
    assert claim.final_value == Decimal("30")
