"""Rankings add up units' month sums (``UnitMonthPoints``) that the scoring services keep: they must
stay what the entries say after every run and every reversal."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from accountability import services as acc
from accountability.choices import RuleCode
from accountability.models import ScoreEntry, UnitMonthPoints
from accountability.selectors.scores import ranking
from accountability.services.points import rebuild_unit_month_points
from tasks.models import YearProgressDay
from tests.scenarios import D, at, file_report, issued, link, points, score


def _kept() -> dict:
    return {
        (row.unit_id, row.month): (row.total, row.deductions)
        for row in UnitMonthPoints.objects.all()
        if row.total or row.deductions
    }


def _assert_kept_as_the_entries_say():
    kept = _kept()
    assert kept  # something was scored
    rebuild_unit_month_points()
    assert _kept() == kept


def test_a_scoring_run_and_a_second_one_keep_the_month_sums(erin, alice, unit_a):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    assert _kept() == {(unit_a.pk, D(2018, 7, 1)): (points("-0.1"), points("-0.1"))}
    score(D(2018, 8, 31), erin)  # finds the June report again: nothing is counted twice
    _assert_kept_as_the_entries_say()


def test_a_reversal_on_appeal_gives_the_points_back_in_its_own_month(erin, alice, unit_a):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    late = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE)
    with at(D(2018, 8, 2)):
        appeal = acc.file_appeal(late, reason="系统故障，已电话报备", acting_user=alice)
        acc.decide_appeal(appeal, reverse=True, note="经核实属实", acting_user=erin)
    # The reversal is dated August and takes back a deduction: the deductions net to nothing.
    assert _kept()[(unit_a.pk, D(2018, 8, 1))] == (points("0.1"), points("0.1"))
    _assert_kept_as_the_entries_say()
    with at(D(2018, 9, 1)):
        row = ranking(as_of=D(2018, 8, 31)).for_unit(unit_a.pk)
    assert (row.score, row.deductions) == (points(100), points(0))


def test_a_ranking_as_of_a_day_inside_a_past_month_counts_that_month_up_to_the_day(erin, alice, unit_a):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")  # late: dated 07-01
    file_report(link(target, unit_a), alice, D(2018, 7, 31), period="2018-07")  # late: dated 07-31
    score(D(2018, 8, 31), erin)
    with at(D(2018, 9, 1)):
        mid_july = ranking(as_of=D(2018, 7, 15)).for_unit(unit_a.pk)
        end_of_july = ranking(as_of=D(2018, 7, 31)).for_unit(unit_a.pk)
    assert mid_july.deductions == points("-0.1")
    assert end_of_july.deductions == points("-0.2")


def test_the_rebuild_command_recomputes_both_kept_tables(erin, alice, unit_a):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    kept = _kept()
    days = set(YearProgressDay.objects.values_list("year", "day", "planned_increase", "actual_increase"))
    UnitMonthPoints.objects.all().delete()
    YearProgressDay.objects.all().delete()  # as after a bulk load that bypassed the services
    out = StringIO()
    call_command("rebuild_kept_figures", stdout=out)
    assert _kept() == kept
    assert set(YearProgressDay.objects.values_list("year", "day", "planned_increase", "actual_increase")) == days
    assert "单位月度积分" in out.getvalue()
