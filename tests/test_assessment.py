"""Year-end assessment (年度考核) and rewards and penalties (奖惩): the office prepares, a city leader
approves, nobody approves what they prepared; an approved version is frozen, a correction is a new
version; no approval while a unit's appeal of the year is open; a unit sees its own line, and its own
reward or penalty only once approved."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accountability import services as acc
from accountability.choices import AssessmentStatus, CheckKind, Grade, RewardStatus, RuleCode
from accountability.models import Assessment, AssessmentRow, Reward, ScoreEntry, ScoreRule, YearResult
from accountability.services.assessment import (
    approve_assessment,
    approve_rewards,
    ensure_reward_measures,
    prepare_assessment,
    propose_rewards,
)
from accountability.services.cases import decide_case, ensure_starting_measures, propose_case
from accountability.services.points import recount_unit_months
from core.access import RoleKind
from core.errors import RuleViolation
from core.permissions import can
from tasks.choices import UnitKind
from tasks.models import Assignment
from tests.factories import LeaderFactory, RoleFactory, UnitFactory, UserFactory
from tests.scenarios import D, at, issued

DAY = D(2018, 9, 3)
JUNE = D(2018, 6, 1)
WEIGHTS = {
    "weight_completion": "40",
    "weight_points": "40",
    "weight_checks": "10",
    "weight_cases": "10",
    "case_deduction": "20",
}


@pytest.fixture
def prepared(erin, issued_target):
    with at(DAY):
        return prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)


@pytest.fixture
def approved(prepared, dave):
    with at(DAY):
        return approve_assessment(prepared, acting_user=dave)


def _row(assessment, unit) -> AssessmentRow:
    return assessment.rows.get(unit=unit)


def _entry(unit, amount, *, key="test:1", day=JUNE) -> ScoreEntry:
    acc.ensure_default_rules()
    entry = ScoreEntry.objects.create(
        unit=unit,
        assignment=Assignment.objects.filter(unit=unit).first(),
        rule=ScoreRule.objects.get(code=RuleCode.REPORT_LATE),
        amount=Decimal(amount),
        occurred_on=day,
        reason="测试扣分",
        cause_key=key,
        created_at=timezone.now(),
    )
    recount_unit_months([(unit.pk, day)])
    return entry


def test_the_six_measures_are_there_and_come_back_after_a_flush(db):
    measures = ensure_reward_measures()
    assert list(measures) == ["通报表扬", "评为先进", "奖励", "通报批评", "扣减绩效", "约谈"]
    assert {m.kind for m in measures.values()} == {"reward", "penalty"}


def test_each_unit_gets_a_score_from_its_completion_points_checks_and_cases(erin, dave, issued_target, unit_a, unit_b):
    lead = issued_target.assignments.get(unit=unit_a)
    _entry(unit_a, "-5")
    with at(DAY):
        acc.record_check(lead, kind=CheckKind.PROGRESS, finding="进度偏慢", rating="poor", acting_user=erin)
        check = acc.record_check(lead, kind=CheckKind.RESPONSIBILITY, finding="无人负责", acting_user=erin)
        case = propose_case(check=check, measure=ensure_starting_measures()["约谈"], facts="推进不力", acting_user=erin)
        decide_case(case, approve=True, acting_user=dave)
        assessment = prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)
    a, b = _row(assessment, unit_a), _row(assessment, unit_b)
    assert (a.points, a.checks, a.checks_mark, a.cases, a.cases_mark) == (Decimal("95"), 1, 50, 1, 80)
    assert (b.points, b.checks, b.checks_mark, b.cases, b.cases_mark) == (Decimal("100"), 0, 100, 0, 100)
    expected = (Decimal("0.4") * a.completion_rate + Decimal("0.4") * 95 + 5 + 8).quantize(Decimal("0.01"))
    assert a.score == expected
    assert a.grade == (Grade.EXCELLENT if a.score >= 90 else Grade.GOOD if a.score >= 80 else a.grade)
    assert assessment.version == 1 and assessment.status == AssessmentStatus.DRAFT
    assert assessment.prepared_by == erin and assessment.as_of == DAY


def test_weights_that_do_not_add_up_are_refused_and_nothing_is_stored(erin, issued_target):
    with at(DAY), pytest.raises(RuleViolation, match="add up to 100; they add up to 110"):
        prepare_assessment(2018, weights={**WEIGHTS, "weight_points": "50"}, acting_user=erin)
    with at(DAY), pytest.raises(RuleViolation, match="from 0 to 100"):
        prepare_assessment(2018, weights={**WEIGHTS, "weight_points": "abc"}, acting_user=erin)
    assert not Assessment.objects.exists()


def test_a_year_without_units_or_out_of_range_has_nothing_to_assess(erin):
    for year in (2016, 0, 9999):
        with pytest.raises(RuleViolation, match="nothing to assess"):
            prepare_assessment(year, weights=WEIGHTS, acting_user=erin)
    assert not Assessment.objects.exists()


def test_only_the_office_prepares(dave, alice, issued_target):
    for person in (dave, alice):
        with at(DAY), pytest.raises(RuleViolation, match="Only the supervision office"):
            prepare_assessment(2018, weights=WEIGHTS, acting_user=person)


def test_the_office_cannot_approve_and_a_leader_never_approves_what_they_prepared(prepared, erin, leader):
    with pytest.raises(RuleViolation, match="Only a city leader approves"):
        approve_assessment(prepared, acting_user=erin)
    # A leader who also works in the office prepares a version: another leader approves it.
    both = UserFactory(username="both")
    RoleFactory(user=both, kind=RoleKind.OFFICE, unit=None)
    RoleFactory(user=both, kind=RoleKind.LEADER, unit=None, leader=LeaderFactory(post="秘书长"))
    with at(DAY):
        own = prepare_assessment(2018, weights=WEIGHTS, acting_user=both)
    assert not can(both, "assessment.approve", own)
    with pytest.raises(RuleViolation, match="proposed yourself"):
        approve_assessment(own, acting_user=both)
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


def test_an_approved_assessment_is_frozen_and_a_correction_is_a_new_version(approved, erin, dave, unit_a):
    assert approved.status == AssessmentStatus.APPROVED and approved.approved_by == dave
    before = _row(approved, unit_a).points
    _entry(unit_a, "-3")
    approved.refresh_from_db()
    assert _row(approved, unit_a).points == before  # later points change nothing approved
    with at(DAY):
        second = prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)
    assert second.version == 2 and second.pk != approved.pk
    assert _row(second, unit_a).points == before - 3
    with pytest.raises(RuleViolation, match="already been approved"):
        approve_assessment(approved, acting_user=dave)
    with at(DAY):
        approve_assessment(second, acting_user=dave)
    approved.refresh_from_db()
    assert approved.status == AssessmentStatus.SUPERSEDED and _row(approved, unit_a).points == before
    assert list(Assessment.objects.values_list("version", "status")) == [
        (2, AssessmentStatus.APPROVED),
        (1, AssessmentStatus.SUPERSEDED),
    ]


def test_preparing_again_recomputes_the_draft_instead_of_adding_one(prepared, erin, unit_a):
    _entry(unit_a, "-2")
    with at(DAY):
        again = prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)
    assert again.pk == prepared.pk and Assessment.objects.count() == 1
    assert _row(again, unit_a).points == Decimal("98")


def test_an_open_appeal_blocks_approval_and_the_message_names_the_unit(prepared, erin, dave, bob, unit_b):
    entry = _entry(unit_b, "-1", key="test:appeal")
    with at(DAY):
        appeal = acc.file_appeal(entry, reason="系统故障", acting_user=bob)
    with pytest.raises(RuleViolation, match="乙局 has an open appeal for 2018"):
        approve_assessment(prepared, acting_user=dave)
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT
    with at(DAY):
        acc.decide_appeal(appeal, reverse=False, note="维持", acting_user=erin)
        approve_assessment(prepared, acting_user=dave)
    assert Assessment.objects.get().status == AssessmentStatus.APPROVED


def test_a_closed_year_is_assessed_on_its_frozen_figures(erin, unit_a, issued_target):
    with at(DAY):
        prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)
    Assessment.objects.all().delete()
    YearResult.objects.create(
        year=2017, unit=unit_a, ranking_group="counties", as_of=D(2017, 12, 31), assignments=4, closed=3,
        completion_rate=Decimal("87.5"), base=100, bonuses=2, deductions=-1, score=Decimal("101"), rank=1,
        frozen_at=timezone.now(),
    )  # fmt: skip
    with at(DAY):
        assessment = prepare_assessment(2017, weights=WEIGHTS, acting_user=erin)
    row = assessment.rows.get()
    assert assessment.from_year_results and assessment.as_of == D(2017, 12, 31)
    assert (row.unit, row.completion_rate, row.points, row.assignments) == (unit_a, Decimal("87.5"), 101, 4)
    assert row.score == Decimal("95.40") and row.grade == Grade.EXCELLENT and row.rank == 1


def test_rewards_are_proposed_by_the_office_and_approved_by_a_leader(approved, erin, dave, unit_a, unit_b):
    measures = ensure_reward_measures()
    with at(DAY):
        proposed = propose_rewards(
            approved,
            proposals=[(unit_a.pk, measures["通报表扬"], "成绩突出"), (unit_b.pk, measures["约谈"], "")],
            acting_user=erin,
        )
    assert len(proposed) == 2 and {r.status for r in proposed} == {RewardStatus.PROPOSED}
    with pytest.raises(RuleViolation, match="Only a city leader approves"):
        approve_rewards(approved, acting_user=erin)
    with at(DAY):
        assert approve_rewards(approved, acting_user=dave) == 2
    assert set(Reward.objects.values_list("status", flat=True)) == {RewardStatus.APPROVED}
    with pytest.raises(RuleViolation, match="No reward or penalty waits"):
        approve_rewards(approved, acting_user=dave)


def test_rewards_come_only_from_an_approved_assessment_and_need_a_measure(prepared, erin, dave):
    measures = ensure_reward_measures()
    with pytest.raises(RuleViolation, match="approved assessment"):
        propose_rewards(prepared, proposals=[(1, measures["奖励"], "")], acting_user=erin)
    with at(DAY):
        approved = approve_assessment(prepared, acting_user=dave)
    with pytest.raises(RuleViolation, match="at least one unit"):
        propose_rewards(approved, proposals=[], acting_user=erin)
    assert not Reward.objects.exists()


def test_who_sees_what(client, approved, erin, dave, alice, bob, unit_a, unit_b):
    measures = ensure_reward_measures()
    with at(DAY):
        propose_rewards(
            approved,
            proposals=[(unit_a.pk, measures["通报批评"], "进度滞后"), (unit_b.pk, measures["评为先进"], "")],
            acting_user=erin,
        )
    url = reverse("assessment:year", args=[2018])
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "<td>甲县</td>" in page and "<td>乙局</td>" not in page and "通报批评" not in page  # not approved yet
    with at(DAY):
        approve_rewards(approved, acting_user=dave)
    page = client.get(url).content.decode()
    assert "通报批评" in page and "评为先进" not in page
    client.force_login(erin)
    page = client.get(url).content.decode()
    assert "<td>甲县</td>" in page and "<td>乙局</td>" in page and "评为先进" in page


def test_a_unit_does_not_see_a_draft(client, prepared, alice, dave):
    client.force_login(alice)
    page = client.get(reverse("assessment:year", args=[2018])).content.decode()
    assert "<td>甲县</td>" not in page
    assert client.get(reverse("assessment:print", args=[2018])).status_code == 404
    client.force_login(dave)
    page = client.get(reverse("assessment:year", args=[2018])).content.decode()
    assert "<td>甲县</td>" in page and reverse("assessment:approve", args=[2018]) in page


def test_the_pages_prepare_and_approve_and_say_why_not(client, erin, dave, issued_target):
    client.force_login(erin)
    bad = client.post(reverse("assessment:prepare", args=[2018]), {**WEIGHTS, "weight_cases": "30"})
    assert bad.status_code == 400 and "100" in bad.content.decode() and not Assessment.objects.exists()
    with at(DAY):
        done = client.post(reverse("assessment:prepare", args=[2018]), WEIGHTS)
    assert done.status_code == 302 and Assessment.objects.get().is_draft
    client.force_login(dave)
    assert client.post(reverse("assessment:approve", args=[2018])).status_code == 302
    assert Assessment.objects.get().is_approved


def test_excel_has_every_line_for_the_office_and_one_for_a_unit(client, approved, erin, alice):
    client.force_login(erin)
    response = client.get(reverse("assessment:xlsx", args=[2018]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    lines = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]]
    assert sorted(line[2] for line in lines) == ["乙局", "甲县"]
    client.force_login(alice)
    response = client.get(reverse("assessment:xlsx", args=[2018]))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[2]] == ["甲县"]


def _year_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessment:year", args=[2018])).status_code == 200
    return len(queries)


def test_the_year_page_reads_the_same_number_of_queries_for_more_units(client, approved, erin, dave):
    measures = ensure_reward_measures()
    client.force_login(dave)
    with at(DAY):
        propose_rewards(approved, proposals=[(approved.rows.first().unit_id, measures["奖励"], "")], acting_user=erin)
        few = _year_page_queries(client)
        issued(erin, UnitFactory(), [UnitFactory(), UnitFactory(kind=UnitKind.DEPARTMENT)])
        second = prepare_assessment(2018, weights=WEIGHTS, acting_user=erin)
        second = approve_assessment(second, acting_user=dave)
        propose_rewards(
            second, proposals=[(row.unit_id, measures["奖励"], "") for row in second.rows.all()], acting_user=erin
        )
        assert second.rows.count() == 5
        assert _year_page_queries(client) == few
