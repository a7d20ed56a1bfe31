"""Rankings: base + bonuses − deductions, two groups, grades, trends, and the same answer as of any past day."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services as acc
from accountability.choices import Grade, RankingPeriod, RuleCode
from accountability.models import GradeBand, ScoreEntry, ScoreRule
from accountability.selectors.scores import ranking
from accountability.selectors.snapshot import build_snapshot
from tasks import services
from tasks.choices import RankingGroup, UnitKind
from tests.factories import UnitFactory
from tests.scenarios import D, at, close, file_report, issued, link, points, score


def _table(result, group):
    return [(r.name, r.score, r.rank, r.grade, r.bonuses, r.deductions) for r in result.groups[group]]


@pytest.fixture
def year(erin, alice, bob, unit_a, unit_b):
    """Counties 甲县 (late in June and July) and 丙县 (on time); departments 乙局 (closes its part
    early) and 丁局 (never reports)."""
    unit_c = UnitFactory(name="丙县", kind=UnitKind.COUNTY)
    unit_d = UnitFactory(name="丁局", kind=UnitKind.DEPARTMENT)
    with at(D(2018, 1, 1)):  # the units as the office set them up at the start of the year
        for unit in (unit_a, unit_b, unit_c, unit_d):
            services.save_with_history(unit, acting_user=erin, reason="年初设置")
    target = issued(erin, unit_a, [unit_b, unit_c, unit_d])
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    file_report(link(target, unit_a), alice, D(2018, 7, 31), period="2018-07")
    for period, day in (("2018-06", D(2018, 6, 27)), ("2018-07", D(2018, 7, 27))):
        file_report(link(target, unit_c), erin, day, period=period)
    file_report(link(target, unit_b), bob, D(2018, 6, 27), period="2018-06")
    close(link(target, unit_b), bob, erin, D(2018, 7, 20), period="2018-07")
    score(D(2018, 8, 31), erin)
    return target


def test_the_score_is_base_plus_bonuses_minus_deductions_in_two_groups(year):
    result = ranking(as_of=D(2018, 8, 31))
    assert _table(result, RankingGroup.COUNTIES) == [
        ("丙县", points(100), 1, Grade.EXCELLENT, points(0), points(0)),
        ("甲县", points("99.8"), 2, Grade.EXCELLENT, points(0), points("-0.2")),
    ]
    # 乙局: +1 co-unit completion, +1 closed out more than a month early; 丁局: June and July missing.
    assert _table(result, RankingGroup.DEPARTMENTS) == [
        ("乙局", points(102), 1, Grade.EXCELLENT, points(2), points(0)),
        ("丁局", points(99), 2, Grade.EXCELLENT, points(0), points(-1)),
    ]


def test_equal_scores_and_equal_completion_share_a_rank(year, erin):
    result = ranking(as_of=D(2018, 6, 15))  # nothing scored before July, nothing reported yet
    assert {(r.name, r.rank, r.completion) for r in result.groups[RankingGroup.COUNTIES]} == {
        ("甲县", 1, Decimal(0)),
        ("丙县", 1, Decimal(0)),
    }


def test_units_tied_on_points_are_ranked_by_completion(year, erin):
    # 30 June: both counties still at the base (nothing scored before July); 丙县 reported in June
    # and 甲县 did not: 丙县 is ahead, on completion alone.
    result = ranking(as_of=D(2018, 6, 30))
    rows = result.groups[RankingGroup.COUNTIES]
    assert [(r.name, r.score, r.rank) for r in rows] == [("丙县", points(100), 1), ("甲县", points(100), 2)]
    assert rows[0].completion > rows[1].completion


def test_grades_follow_the_bands_the_office_sets(year, erin):
    with at(D(2018, 9, 1)):
        acc.update_grade_bands(
            {Grade.EXCELLENT: Decimal("101"), Grade.GOOD: Decimal("99.9"), Grade.FAIR: Decimal("99")}, acting_user=erin
        )
    result = ranking(as_of=D(2018, 9, 1))
    grades = {r.name: r.grade for rows in result.groups.values() for r in rows}
    assert grades == {"乙局": Grade.EXCELLENT, "丙县": Grade.GOOD, "甲县": Grade.FAIR, "丁局": Grade.FAIR}


def test_bands_must_go_down(erin):
    acc.ensure_default_rules()
    with pytest.raises(services.RuleViolation, match="higher score"):
        acc.update_grade_bands(
            {Grade.EXCELLENT: Decimal("80"), Grade.GOOD: Decimal("90"), Grade.FAIR: Decimal("60")}, acting_user=erin
        )
    assert GradeBand.objects.get(grade=Grade.EXCELLENT).min_score == Decimal(90)


def test_the_quarter_counts_only_its_own_entries(year, erin, alice, unit_a):
    spring = issued(erin, unit_a, start=D(2018, 4, 1), code="T-SPRING")
    close(link(spring, unit_a), alice, erin, D(2018, 5, 1), period="2018-04")  # late (−0.1), done (+2), early (+1)
    score(D(2018, 8, 31), erin)

    def a(period):
        result = ranking(as_of=D(2018, 8, 31), period=period)
        return next(r for r in result.groups[RankingGroup.COUNTIES] if r.name == "甲县"), result.start

    assert a(RankingPeriod.YEAR)[0].score == points("102.7")
    third, start = a(RankingPeriod.QUARTER)
    assert (third.score, start) == (points("99.8"), D(2018, 7, 1))


def test_the_trend_gives_each_month_end_and_the_rank_change(year, erin, unit_a, alice):
    result = ranking(as_of=D(2018, 8, 31))
    a = next(r for r in result.groups[RankingGroup.COUNTIES] if r.name == "甲县")
    assert [score for _day, score in a.trend][5:] == [points(100), points("99.8"), points("99.8")]
    assert a.previous_rank == 2 and a.rank_change == 0
    assert a.sparkline  # points of an SVG polyline


def test_a_unit_without_assignments_that_year_is_not_ranked(year):
    UnitFactory(name="戊县", kind=UnitKind.COUNTY)
    names = [r.name for r in ranking(as_of=D(2018, 8, 31)).groups[RankingGroup.COUNTIES]]
    assert "戊县" not in names


def test_a_ranking_as_of_a_past_day_gives_the_same_answer_later(year, erin, alice, unit_a):
    before = ranking(as_of=D(2018, 8, 31))
    snapshot = {g: _table(before, g) for g in RankingGroup.values}
    trends = {r.name: r.trend for rows in before.groups.values() for r in rows}
    # September: more late reports, an August entry reversed on appeal, the base, the bands and a
    # unit's name changed, and a new county joins.
    file_report(link(year, unit_a), alice, D(2018, 9, 1), period="2018-08")
    late_july = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE, report__period="2018-07")
    with at(D(2018, 9, 3)):
        appeal = acc.file_appeal(late_july, reason="系统故障", acting_user=alice)
    with at(D(2018, 9, 5)):
        acc.decide_appeal(appeal, reverse=True, note="属实", acting_user=erin)
        base = ScoreRule.objects.get(code=RuleCode.BASE)
        acc.update_rule(base, amount=Decimal(110), description=base.description, is_active=True, acting_user=erin)
        acc.update_grade_bands(
            {Grade.EXCELLENT: Decimal("105"), Grade.GOOD: Decimal("100"), Grade.FAIR: Decimal("60")}, acting_user=erin
        )
        unit_a.name = "甲县（已更名）"
        services.save_with_history(unit_a, acting_user=erin, reason="更名")
        newcomer = UnitFactory(name="新县", kind=UnitKind.COUNTY)
    issued(erin, newcomer, start=D(2018, 9, 6))
    score(D(2018, 9, 30), erin)

    after = ranking(as_of=D(2018, 8, 31))
    assert {g: _table(after, g) for g in RankingGroup.values} == snapshot
    assert {r.name: r.trend for rows in after.groups.values() for r in rows} == trends
    now = ranking(as_of=D(2018, 9, 30))
    assert next(r for r in now.groups[RankingGroup.COUNTIES] if r.name == "甲县（已更名）").score == points("109.8")
    assert "新县" in [r.name for r in now.groups[RankingGroup.COUNTIES]]


def _many_units(erin, count, prefix):
    """``count`` counties and departments on one target, each with a missing June report."""
    units = [UnitFactory(name=f"{prefix}{n}县", kind=UnitKind.COUNTY) for n in range(count)]
    units += [UnitFactory(name=f"{prefix}{n}局", kind=UnitKind.DEPARTMENT) for n in range(count)]
    issued(erin, units[0], units[1:], code=f"T-{prefix}")


def test_the_ranking_takes_the_same_number_of_queries_for_few_or_many_units(erin, django_assert_num_queries):
    _many_units(erin, 2, "小")
    score(D(2018, 8, 31), erin)
    acc.ensure_default_rules()
    with django_assert_num_queries(6):
        small = ranking(as_of=D(2018, 8, 31))
    _many_units(erin, 15, "大")
    score(D(2018, 8, 31), erin)
    with django_assert_num_queries(6):
        large = ranking(as_of=D(2018, 8, 31))
    assert sum(len(rows) for rows in small.groups.values()) == 4
    assert sum(len(rows) for rows in large.groups.values()) == 34
    assert ScoreEntry.objects.count() > 60


def test_a_ranking_without_trends_ranks_and_scores_the_same(year):
    full, compact = ranking(as_of=D(2018, 8, 31)), ranking(as_of=D(2018, 8, 31), with_trend=False)

    def figures(result):
        return {
            group: [(r.unit_id, r.rank, r.score, r.grade, r.rank_change) for r in rows]
            for group, rows in result.groups.items()
        }

    assert figures(compact) == figures(full)
    assert any(row.trend for rows in full.groups.values() for row in rows)
    assert not any(row.trend for rows in compact.groups.values() for row in rows)


def _order_in(page: str, *names: str) -> list[str]:
    """The names in the order a page shows them (each by its first place after the ranking's note)."""
    return sorted(names, key=page.index)


def test_every_page_that_ranks_orders_a_tie_on_points_by_completion(year, erin, client):
    """The ranking page, the dashboard's panel, its Excel and the public snapshot all read ``ranking()``."""
    client.force_login(erin)
    with at(D(2018, 6, 30)):
        page = client.get(reverse("scores:ranking"), {"as_of": "2018-06-30"}).content.decode()
        dashboard = client.get(reverse("dashboard"), {"year": 2018}).content.decode()
        sheet = client.get(reverse("scores:ranking-xlsx"), {"as_of": "2018-06-30", "group": "counties"})
    note = "积分相同按完成率排序"
    assert note in page and note in dashboard
    assert "{#" not in page and "{#" not in dashboard  # a template comment never reaches the page
    assert _order_in(page, "丙县", "甲县") == ["丙县", "甲县"]
    panel = dashboard[dashboard.index("ranking-panel") :]
    assert _order_in(panel, "丙县", "甲县") == ["丙县", "甲县"]
    rows = list(load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).active.values)
    names = [cell for row in rows for cell in row if cell in ("丙县", "甲县")]
    assert names == ["丙县", "甲县"]
    snapshot = build_snapshot(as_of=D(2018, 6, 30))
    counties = next(group for group in snapshot["groups"] if group["key"] == RankingGroup.COUNTIES)
    assert [(row["unit"], row["rank"]) for row in counties["rows"]] == [("丙县", 1), ("甲县", 2)]
