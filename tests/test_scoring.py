"""The scoring job: each rule's entries on a time-travelled year, exactly once however often it runs."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accountability import services as acc
from accountability.choices import RuleCode, RunKind
from accountability.models import ScoreEntry, ScoreRule, ScoringRun
from tasks import services
from tasks.choices import HandlingMode, ProposalKind, ResultCode, Satisfaction, TargetType
from tests.scenarios import D, accept, at, close, file_report, issued, link, points, score


@pytest.fixture
def target(erin, unit_a, unit_b):
    """Issued on 2018-06-01: unit A (甲县) leads, unit B (乙局) cooperates; reports due on the 28th."""
    return issued(erin, unit_a, [unit_b])


def _entries(code, **filters):
    return list(ScoreEntry.objects.filter(rule__code=code, **filters).order_by("occurred_on", "pk"))


def test_a_report_filed_three_days_late_costs_a_tenth_of_a_point_dated_on_the_day_it_came(
    target, alice, bob, unit_a, erin
):
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    file_report(link(target, unit_a), alice, D(2018, 7, 27), period="2018-07")  # on time
    score(D(2018, 7, 31), erin)
    [late] = _entries(RuleCode.REPORT_LATE)
    assert (late.unit, late.amount, late.occurred_on) == (unit_a, points(-0.1), D(2018, 7, 1))
    assert late.report.period == "2018-06" and late.target == target
    assert "2018-06" in late.reason and "3" in late.reason


def test_a_report_not_filed_within_the_grace_days_is_missing_not_late(target, alice, bob, unit_a, unit_b, erin):
    score(D(2018, 7, 3), erin)  # due 06-28, five days' grace: not missing yet
    assert not _entries(RuleCode.REPORT_MISSING, unit=unit_a)
    score(D(2018, 7, 4), erin)
    missing = _entries(RuleCode.REPORT_MISSING)
    assert {(e.unit, e.period, e.occurred_on, e.amount) for e in missing} == {
        (unit_a, "2018-06", D(2018, 7, 4), points(-0.5)),
        (unit_b, "2018-06", D(2018, 7, 4), points(-0.5)),
    }
    # Filing afterwards does not turn the missing report into a late one.
    file_report(link(target, unit_a), alice, D(2018, 7, 10), period="2018-06")
    score(D(2018, 7, 31), erin)
    assert not _entries(RuleCode.REPORT_LATE, period="2018-06")
    assert len(_entries(RuleCode.REPORT_MISSING, period="2018-06")) == 2


def test_a_report_held_by_the_unit_head_is_not_the_clerks_lateness(target, alice, carol, unit_a, erin):
    # Changed with issue 12 (fair lateness): the staff filed on 06-27, before the due date; the
    # head's late approval (06-30) is 负责人审批超时, scored by its own rule (0 points by default).
    unit_a.requires_head_approval = True
    unit_a.save()
    report = file_report(link(target, unit_a), alice, D(2018, 6, 27), period="2018-06")
    with at(D(2018, 6, 30)):
        services.approve_report(report, acting_user=carol)
    score(D(2018, 7, 31), erin)
    assert not _entries(RuleCode.REPORT_LATE)
    assert not _entries(RuleCode.REPORT_MISSING, unit=unit_a)


def test_closing_out_gives_the_lead_two_points_and_the_co_unit_one(target, alice, bob, unit_a, unit_b, erin):
    close(link(target, unit_b), bob, erin, D(2018, 12, 20), period="2018-12")
    close(link(target, unit_a), alice, erin, D(2018, 12, 22), period="2018-12")
    score(D(2018, 12, 31), erin)
    assert [(e.unit, e.amount, e.occurred_on) for e in _entries(RuleCode.COMPLETED_LEAD)] == [
        (unit_a, points(2), D(2018, 12, 22))
    ]
    assert [(e.unit, e.amount) for e in _entries(RuleCode.COMPLETED_CO)] == [(unit_b, points(1))]
    assert not _entries(RuleCode.EARLY_OR_OVER)  # closed a week before the deadline: not early


def test_finishing_a_month_early_earns_the_bonus_once(target, alice, unit_a, erin):
    close(link(target, unit_a), alice, erin, D(2018, 11, 30), period="2018-11")
    score(D(2018, 12, 31), erin)
    score(D(2018, 12, 31), erin)
    [bonus] = _entries(RuleCode.EARLY_OR_OVER)
    assert (bonus.unit, bonus.amount, bonus.occurred_on) == (unit_a, points(1), D(2018, 11, 30))


def test_ten_percent_over_target_earns_the_bonus(erin, alice, unit_a):
    target = issued(
        erin,
        unit_a,
        start=D(2018, 6, 1),
        deadline=D(2018, 12, 31),
        target_type=TargetType.INDICATOR,
        measure_unit="亿元",
        target_value=Decimal(100),
    )
    close(link(target, unit_a), alice, erin, D(2018, 12, 20), period="2018-12", value=Decimal(111))
    score(D(2018, 12, 31), erin)
    [bonus] = _entries(RuleCode.EARLY_OR_OVER)
    assert "111" in bonus.reason and bonus.amount == points(1)


def test_an_unsatisfied_proposal_reply_costs_three_points(erin, alice, unit_a):
    target = issued(erin, unit_a, target_type=TargetType.PROPOSAL)
    with at(D(2018, 6, 1), 12):
        proposal = services.register_proposal(
            target, kind=ProposalKind.NPC, number="7", session="2018年会议", proposers="王某某",
            handling_mode=HandlingMode.SEPARATE, acting_user=erin,
        )  # fmt: skip
    with at(D(2018, 7, 10)):
        reply = services.submit_reply(
            proposal, assignment=link(target, unit_a), text="已办理", result_code=ResultCode.B, acting_user=alice
        )
    with at(D(2018, 7, 20)):
        services.record_satisfaction(reply, satisfaction=Satisfaction.UNSATISFIED, acting_user=erin)
    score(D(2018, 7, 31), erin)
    [entry] = _entries(RuleCode.PROPOSAL_UNSATISFIED)
    assert (entry.unit, entry.amount, entry.occurred_on, entry.proposal_reply) == (
        unit_a,
        points(-3),
        D(2018, 7, 20),
        reply,
    )


def test_running_again_adds_nothing_and_says_so(target, alice, unit_a, erin):
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    first = score(D(2018, 7, 31), erin)
    rows = list(ScoreEntry.objects.values_list("rule__code", "cause_key", "amount", "occurred_on").order_by("pk"))
    second = score(D(2018, 7, 31), erin)
    assert first.added == {"report_late": 1, "report_missing": 1}  # A was late, B never filed June
    assert second.added == {} and second.state == "done"
    assert (
        list(ScoreEntry.objects.values_list("rule__code", "cause_key", "amount", "occurred_on").order_by("pk")) == rows
    )


def test_the_ledger_refuses_a_second_entry_for_the_same_rule_and_cause(target, alice, unit_a, erin):
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    late = _entries(RuleCode.REPORT_LATE)[0]
    copy = ScoreEntry(
        unit=late.unit, rule=late.rule, amount=late.amount, occurred_on=late.occurred_on, reason="again",
        cause_key=late.cause_key, report=late.report, created_at=late.created_at,
    )  # fmt: skip
    # PostgreSQL names the constraint, SQLite its columns.
    refused = r"score_entry_once_per_rule_and_cause|UNIQUE constraint failed: accountability_scoreentry\.rule_id"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        copy.save()


def test_an_entry_is_never_edited(target, alice, unit_a, erin):
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    late = _entries(RuleCode.REPORT_LATE)[0]
    late.amount = Decimal(5)
    with pytest.raises(ValueError, match="never edited"):
        late.save()


def test_a_run_delivered_twice_is_worked_once(target, alice, unit_a, erin):
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    with at(D(2018, 7, 31), 20):
        run = acc.request_scoring(month=D(2018, 7, 1), acting_user=erin)
        assert acc.execute_run(run.pk) is True
        assert acc.execute_run(run.pk) is False
    run.refresh_from_db()
    assert run.up_to == D(2018, 7, 31) and run.added == {"report_late": 1, "report_missing": 1}


def test_two_nightly_schedulers_on_the_same_night_make_one_run(erin):
    with at(D(2018, 7, 31), 3):
        first = acc.schedule_nightly_run()
        second = acc.schedule_nightly_run()
    assert first is not None and second is None
    assert ScoringRun.objects.filter(kind=RunKind.SCHEDULED).get().up_to == D(2018, 7, 30)


def test_a_month_not_begun_cannot_be_scored(erin):
    with at(D(2018, 7, 31)), pytest.raises(services.RuleViolation, match="not begun"):
        acc.request_scoring(month=D(2018, 8, 1), acting_user=erin)
    assert not ScoringRun.objects.exists()


def test_an_event_takes_the_points_of_the_rule_in_force_on_its_day(target, alice, bob, unit_a, unit_b, erin):
    acc.ensure_default_rules()
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    with at(D(2018, 7, 15)):
        rule = ScoreRule.objects.get(code=RuleCode.REPORT_LATE)
        acc.update_rule(rule, amount=Decimal("-0.3"), description=rule.description, is_active=True, acting_user=erin)
    file_report(link(target, unit_b), bob, D(2018, 7, 30), period="2018-07")
    score(D(2018, 7, 31), erin)  # scored after the change, but each at its day's amount
    assert {(e.unit, e.amount) for e in _entries(RuleCode.REPORT_LATE)} == {
        (unit_a, points(-0.1)),
        (unit_b, points(-0.3)),
    }


def test_a_rule_switched_off_makes_no_entries(target, alice, unit_a, erin):
    acc.ensure_default_rules()
    with at(D(2018, 6, 1), 12):
        rule = ScoreRule.objects.get(code=RuleCode.REPORT_MISSING)
        acc.update_rule(rule, amount=rule.amount, description=rule.description, is_active=False, acting_user=erin)
    score(D(2018, 7, 31), erin)
    assert not _entries(RuleCode.REPORT_MISSING, unit=unit_a)


def test_a_unit_that_reported_its_part_complete_owes_no_more_reports(target, alice, bob, unit_a, erin):
    report = file_report(link(target, unit_a), alice, D(2018, 6, 26), period="2018-06", percent=100)
    accept(report, erin, D(2018, 6, 27))
    score(D(2018, 8, 31), erin)
    assert [e.period for e in _entries(RuleCode.REPORT_MISSING, unit=unit_a)] == []
    assert [e.period for e in _entries(RuleCode.REPORT_MISSING, unit__name="乙局")] == ["2018-06", "2018-07"]


def test_the_nightly_job_scores_up_to_yesterday_and_works_queued_runs(target, alice, unit_a, erin):
    from accountability.tasks import run_daily_scoring

    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    with at(D(2018, 7, 20)):
        queued = acc.request_scoring(month=D(2018, 7, 1), acting_user=erin)  # the broker never delivered it
    with at(D(2018, 8, 1), 3):
        assert run_daily_scoring() == 2
        assert run_daily_scoring() == 0
    queued.refresh_from_db()
    assert queued.state == "done"
    assert ScoringRun.objects.get(kind=RunKind.SCHEDULED).up_to == D(2018, 7, 31)
    assert len(_entries(RuleCode.REPORT_LATE)) == 1


def test_the_command_scores_up_to_a_day_and_refuses_a_bad_one(target, alice, unit_a, erin):
    from io import StringIO

    from django.core.management import CommandError, call_command

    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    out = StringIO()
    with at(D(2018, 8, 1)):
        call_command("run_scoring", "--up-to", "2018-07-31", stdout=out)
        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("run_scoring", "--up-to", "31/07/2018")
        with pytest.raises(CommandError, match="尚未到来"):
            call_command("run_scoring", "--up-to", "2018-08-02")
    assert "逾期报送进度 1" in out.getvalue() and "report_late" not in out.getvalue()
    assert len(_entries(RuleCode.REPORT_LATE)) == 1
