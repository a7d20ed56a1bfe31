"""Today's ranking is kept in the cache (accountability/selectors/ranking_cache.py): every change to
what it is computed from — points, a unit, a report, the rules, the grade bands, the day — shows on
the next read, and what is read from the cache is what computing it afresh gives."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.choices import Grade, RankingPeriod, RuleCode
from accountability.models import ScoreEntry, ScoreRule
from accountability.rulebook import RuleBook
from accountability.selectors import scores
from accountability.selectors.scores import ranking, unit_standing
from accountability.services.points import reverse_entry
from tasks import services
from tasks.choices import RankingGroup
from tests.scenarios import D, at, file_report, issued, link, points, score

TODAY = D(2018, 9, 3)  # a Monday after the scoring run of 31 August


def _rows(table):
    return {
        group: [
            (
                r.unit_id,
                r.name,
                r.score,
                r.completion,
                r.rank,
                r.grade,
                r.bonuses,
                r.deductions,
                r.previous_rank,
                r.trend,
            )
            for r in rows
        ]
        for group, rows in table.groups.items()
    }


def _read(**options):
    """Today's ranking as the pages read it, checked against the same ranking computed afresh."""
    table = ranking(as_of=TODAY, **options)
    fresh = scores._computed(
        as_of=TODAY, period=options.get("period", RankingPeriod.YEAR), book=RuleBook(), with_trend=True, trend_of=None
    )
    assert _rows(table) == _rows(fresh)
    assert (table.base, table.bands) == (fresh.base, fresh.bands)
    return table


@pytest.fixture
def year(erin, alice, bob, unit_a, unit_b):
    """A target led by unit A (a county) with unit B; A filed June late; scored to 31 August."""
    target = issued(erin, unit_a, [unit_b])
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06", percent=20)
    score(D(2018, 8, 31), erin)
    return target


def _kept():
    """Read today's ranking until it is kept (the first read after a change judges the units
    whose figures moved; the next keeps the ranking)."""
    _read()
    table = _read()
    assert table.key is not None
    return table


def _row(table, unit):
    return table.for_unit(unit.pk)


def test_a_second_read_of_today_s_ranking_comes_from_the_cache(year, unit_a, django_assert_max_num_queries):
    with at(TODAY, 12):
        first = _kept()
        with django_assert_max_num_queries(1):  # the figures' digest (the rule book's history in it)
            again = ranking(as_of=TODAY)
    assert again.key == first.key and _rows(again) == _rows(first)


def test_points_written_after_a_read_show_on_the_next(year, erin, unit_a):
    with at(TODAY, 12):
        before = _row(_kept(), unit_a).score
        entry = ScoreEntry.objects.get(unit=unit_a, rule__code=RuleCode.REPORT_LATE)
        reverse_entry(entry, reason="申诉成立")
        after = _read()
    assert _row(after, unit_a).score == before - entry.amount


def test_a_report_filed_after_a_read_moves_the_completion_on_the_next(year, alice, unit_a):
    with at(TODAY, 12):
        before = _row(_kept(), unit_a).completion
    file_report(link(year, unit_a), alice, TODAY, period="2018-08", percent=90)
    with at(TODAY, 17):
        after = _row(_read(), unit_a).completion
    assert after > before


def test_a_unit_renamed_after_a_read_shows_its_new_name(year, erin, unit_a):
    with at(TODAY, 12):
        _kept()
        unit_a.name = "新甲县"
        services.save_with_history(unit_a, acting_user=erin, reason="更名")
        assert _row(_read(), unit_a).name == "新甲县"


def test_a_changed_base_or_grade_band_shows_on_the_next_read(year, erin, unit_a):
    with at(TODAY, 12):
        _kept()
        base = ScoreRule.objects.get(code=RuleCode.BASE)
        acc.update_rule(base, amount=Decimal(80), description=base.description, is_active=True, acting_user=erin)
        table = _read()
        assert table.base == points(80)
        assert _row(table, unit_a).grade != Grade.EXCELLENT
        acc.update_grade_bands(
            {Grade.EXCELLENT: Decimal(70), Grade.GOOD: Decimal(60), Grade.FAIR: Decimal(50)}, acting_user=erin
        )
        assert _row(_read(), unit_a).grade == Grade.EXCELLENT


def test_the_next_day_s_ranking_is_computed_again(year, unit_a, alice):
    with at(TODAY, 12):
        today = _kept()
    with at(D(2018, 9, 4), 12):
        ranking(as_of=D(2018, 9, 4))  # a new day's completion is judged and kept
        tomorrow = ranking(as_of=D(2018, 9, 4))
    assert tomorrow.key is not None and tomorrow.key != today.key
    assert _row(tomorrow, unit_a).trend[-1][0] == D(2018, 9, 4)


def test_a_ranking_of_another_day_than_today_is_not_kept(year):
    with at(TODAY, 12):
        _kept()
        assert ranking(as_of=D(2018, 8, 31)).key is None


def test_the_ranking_page_shows_a_change_made_after_it_was_read(year, client, erin, unit_a):
    client.force_login(erin)
    with at(TODAY, 12):
        page = client.get(reverse("scores:ranking")).content.decode()
        assert page.count('class="spark"') == 2
        assert "新甲县" not in page
        client.get(reverse("scores:ranking"))
        client.get(reverse("scores:ranking"))  # the tables now kept
        unit_a.name = "新甲县"
        services.save_with_history(unit_a, acting_user=erin, reason="更名")
        page = client.get(reverse("scores:ranking")).content.decode()
    assert "新甲县" in page


def test_the_ranking_page_s_links_follow_the_reader(year, client, alice, erin, unit_a, unit_b):
    """The kept tables are per reader's set of ledgers: staff of A may open A's ledger only."""
    ledger_b = reverse("scores:ledger", args=[unit_b.pk])
    with at(TODAY, 12):
        client.force_login(erin)
        client.get(reverse("scores:ranking"))
        client.get(reverse("scores:ranking"))
        assert ledger_b in client.get(reverse("scores:ranking")).content.decode()
        client.force_login(alice)
        page = client.get(reverse("scores:ranking")).content.decode()
    assert ledger_b not in page and reverse("scores:ledger", args=[unit_a.pk]) in page


def test_the_ledger_reads_its_unit_s_rank_and_trend_from_the_kept_ranking(year, client, alice, unit_a):
    client.force_login(alice)
    with at(TODAY, 12):
        table = _kept()
        page = client.get(reverse("scores:ledger", args=[unit_a.pk])).content.decode()
    row = _row(table, unit_a)
    assert f"第{row.rank}名" in page or f"Rank {row.rank}" in page
    assert row.sparkline in page and str(row.score) in page
    assert RankingGroup.COUNTIES in table.groups


def test_a_unit_s_kept_line_is_its_line_of_the_ranking_and_follows_a_change(year, unit_a):
    with at(TODAY, 12):
        table = _kept()
        unit_standing(unit_a.pk, as_of=TODAY)  # kept beside the ranking
        row, base = unit_standing(unit_a.pk, as_of=TODAY)
        assert (row.rank, row.score, row.grade, row.trend, base) == (
            _row(table, unit_a).rank,
            _row(table, unit_a).score,
            _row(table, unit_a).grade,
            _row(table, unit_a).trend,
            table.base,
        )
        entry = ScoreEntry.objects.get(unit=unit_a, rule__code=RuleCode.REPORT_LATE)
        reverse_entry(entry, reason="申诉成立")
        changed, _base = unit_standing(unit_a.pk, as_of=TODAY)
    assert changed.score == row.score - entry.amount


def test_the_ledger_page_shows_points_written_after_it_was_read(year, client, alice, unit_a):
    client.force_login(alice)
    url = reverse("scores:ledger", args=[unit_a.pk])
    with at(TODAY, 12):
        for _ in range(3):
            client.get(url)  # judged, kept, read back
        before = _row(_read(), unit_a).score
        assert f">{before}</strong>" in client.get(url).content.decode()
        entry = ScoreEntry.objects.get(unit=unit_a, rule__code=RuleCode.REPORT_LATE)
        reverse_entry(entry, reason="申诉成立")
        page = client.get(url).content.decode()
    assert f">{before - entry.amount}</strong>" in page
