"""Each unit's completion kept for the rankings (``UnitDayCompletion``, stamped per unit): after every
change a ranking reads the same completion as judging every assignment afresh, a read judges again
only the units that changed, and the rebuild command gives the same rows."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.selectors.scores import ranking
from tasks import services
from tasks.models import UnitDayCompletion
from tasks.services import unit_completion
from tests.scenarios import D, accept, at, close, file_report, issued, link

TODAY = D(2018, 9, 30)
LAST_MONTH_END = D(2018, 8, 31)


def _completions(figures: dict) -> dict:
    return {
        day: {unit: unit_completion.completion(*pair) for unit, pair in units.items()} for day, units in figures.items()
    }


def _kept_completion() -> dict:
    """What the rankings read (kept rows, stale units judged again) for today and last month's end."""
    with at(TODAY, 20):
        figures = unit_completion.figures_on([TODAY, LAST_MONTH_END], year=2018, today=TODAY)
    return _completions(figures)


def _judged_completion() -> dict:
    with at(TODAY, 20):
        figures = unit_completion.judged_figures([TODAY, LAST_MONTH_END], 2018)
    return _completions(figures)


def _assert_kept_is_judged() -> dict:
    kept = _kept_completion()
    assert kept == _judged_completion()
    return kept


def test_kept_completion_follows_reports_returns_claims_and_close_out(erin, alice, bob, unit_a, unit_b):
    first = issued(erin, unit_a, [unit_b])
    assert _assert_kept_is_judged()[TODAY] == {unit_a.pk: 0, unit_b.pk: 0}  # stored now
    report = file_report(link(first, unit_a), alice, D(2018, 9, 3), period="2018-08", percent=40)
    assert _assert_kept_is_judged()[TODAY][unit_a.pk] == 40  # filed: held by the office
    accept(report, erin, D(2018, 9, 4))
    assert _assert_kept_is_judged()[LAST_MONTH_END][unit_a.pk] == 0  # it reached the office in September
    second = file_report(link(first, unit_b), bob, D(2018, 9, 5), period="2018-08", percent=60)
    with at(D(2018, 9, 6)):
        services.return_report(second, acting_user=erin, reason="数据有误")
    assert _assert_kept_is_judged()[TODAY][unit_b.pk] == 0  # a returned report does not count
    other = issued(erin, unit_b, start=D(2018, 9, 10))
    close(link(other, unit_b), bob, erin, D(2018, 9, 20), period="2018-09")
    kept = _assert_kept_is_judged()
    assert kept[TODAY][unit_b.pk] == 50  # (0 + 100) / 2 assignments
    assert unit_b.pk not in kept[LAST_MONTH_END] or kept[LAST_MONTH_END][unit_b.pk] == 0


def test_a_read_judges_again_only_the_units_that_changed(erin, alice, unit_a, unit_b):
    target = issued(erin, unit_a, [unit_b])
    _kept_completion()
    with CaptureQueriesContext(connection) as unchanged:
        _kept_completion()
    assert not any("tasks_assignment" in query["sql"] for query in unchanged.captured_queries)
    file_report(link(target, unit_a), alice, D(2018, 9, 3), period="2018-08", percent=30)
    stamps_before = dict(UnitDayCompletion.objects.filter(day=TODAY).values_list("unit_id", "version"))
    _kept_completion()
    stamps_after = dict(UnitDayCompletion.objects.filter(day=TODAY).values_list("unit_id", "version"))
    assert stamps_after[unit_a.pk] > stamps_before[unit_a.pk]
    assert stamps_after[unit_b.pk] == stamps_before[unit_b.pk]


def test_the_ranking_reads_the_kept_completion(erin, alice, unit_a, unit_b):
    target = issued(erin, unit_a, [unit_b])
    file_report(link(target, unit_a), alice, D(2018, 9, 3), period="2018-08", percent=70)
    with at(TODAY, 20):
        table = ranking(as_of=TODAY)
    assert table.for_unit(unit_a.pk).completion == 70
    assert table.for_unit(unit_b.pk).completion == 0
    assert UnitDayCompletion.objects.filter(day=TODAY, unit=unit_a, assignments=1, actual_total=70).exists()


def test_the_rebuild_command_gives_the_kept_rows(erin, alice, unit_a, unit_b):
    target = issued(erin, unit_a, [unit_b])
    file_report(link(target, unit_a), alice, D(2018, 9, 3), period="2018-08", percent=20)
    kept = _kept_completion()
    UnitDayCompletion.objects.update(actual_total=99)  # a load that bypassed the services
    with at(TODAY, 20):
        call_command("rebuild_kept_figures", stdout=StringIO())
    assert _kept_completion() == kept
    assert UnitDayCompletion.objects.get(day=TODAY, unit=unit_a).actual_total == 20


def test_bumping_units_adds_one_to_each_version_and_stamps_units_new_to_it(db, django_assert_num_queries):
    """One statement on PostgreSQL whatever the count (SQLite: one per 500 units); a unit named twice
    or not at all (None) is bumped once or not."""
    from tasks.models import Unit, UnitFiguresStamp

    units = Unit.objects.bulk_create([Unit(name=f"单位{n}", kind="department", sort_order=n) for n in range(1_200)])
    ids = [unit.pk for unit in units]
    UnitFiguresStamp.objects.bulk_create([UnitFiguresStamp(unit_id=pk, version=7) for pk in ids[:3]])
    statements = 1 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(statements):
        unit_completion.bump_units([*ids, ids[0], None])
    versions = dict(UnitFiguresStamp.objects.values_list("unit_id", "version"))
    assert versions == {pk: 8 if pk in ids[:3] else 1 for pk in ids}
    unit_completion.bump_units([ids[5]])
    unit_completion.bump_units([])
    assert UnitFiguresStamp.objects.get(unit_id=ids[5]).version == 2
    assert UnitFiguresStamp.objects.exclude(unit_id=ids[5]).filter(version=2).count() == 0
