"""Completion by unit and the furthest behind, kept per facts for the dashboard
(``tasks.selectors.ranked_units``): after every kind of change the kept figures are those judged
afresh from the records, a second read judges nothing, and the dashboard shows them.

The issued target of conftest plans monthly from 2018-01-01 to 12-31; unit A (alice) leads, unit B
(bob) cooperates; ``leader`` leads the target (his scope holds both).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from accountability.models import SupervisionRun
from accountability.scan.undo import undo_scan_run
from accountability.services import verify_and_close_out
from tasks import services
from tasks.judgment import state as judgment
from tasks.models import Assignment, ProgressReport
from tasks.selectors import ranked_units as kept
from tasks.selectors.scope import leader_scope
from tests.factories import UnitFactory
from tests.notice_helpers import D, at, co_assignment, file_report, issue_single, scan

__all__ = ["co_assignment"]  # a fixture


def _shown(ranked: kept.RankedUnits) -> tuple:
    """Each unit's row (group, rank, name, assignments, completion, plan, behind, open by level)
    and the furthest behind with their judgments."""
    units = {}
    for group, members in ranked.groups.items():
        for unit in members:
            row = (unit.rank, unit.name, unit.assignment_count, unit.completion, unit.planned, unit.behind_count)
            units[unit.pk] = (group, *row, *unit.open_levels)
    return units, list(ranked.lagging.items())


def _afresh(assignments, day) -> tuple:
    """What the page must show: the one rule applied to the records themselves."""
    facts: dict = {}
    judgments = judgment.judge_days_afresh(assignments, [day], facts=facts)[day]
    figures = kept.unit_figures(judgments, facts)
    units = [kept._units_with_digests(assignments, day)[0][pk][0] for pk in figures]
    return _shown(kept.RankedUnits(kept.rank_units(units, figures), kept.furthest_behind(judgments, 15)))


def _kept_is_afresh(day, leader, monkeypatch, hour: int = 20) -> dict:
    """The kept figures of the city's and the leader's assignments on ``day``, read three times (the
    third judges nothing), equal those judged afresh."""
    issued = Assignment.objects.exclude(status="draft")
    shown = {}
    for name, assignments in (("city", issued), ("mine", leader_scope(leader).assignments(issued))):
        with at(day, hour):
            first = _shown(kept.ranked_units(assignments, day))  # judges the changed units' facts again
            second = _shown(kept.ranked_units(assignments, day))  # the first over the facts as kept
            with monkeypatch.context() as patched:
                patched.setattr(judgment, "judge", _no_judging)
                third = _shown(kept.ranked_units(assignments, day))
            afresh = _afresh(assignments, day)
        assert first == second == third == afresh, name
        shown[name] = first
    assert shown["city"] == shown["mine"]  # the leader's target holds every assignment
    return shown["city"][0]


def _no_judging(*args, **kwargs):
    raise AssertionError("judged again though nothing it reads changed")


def _figures(units: dict, unit) -> tuple:
    """(assignments, completion, plan, behind, red) of ``unit``'s row."""
    row = units[unit.pk]
    return row[3], row[4], row[5], row[6], row[10]


def test_the_kept_figures_follow_every_change_they_are_judged_from(
    erin, alice, bob, leader, unit_a, unit_b, lead_assignment, co_assignment, monkeypatch
):
    check = lambda day, hour=20: _kept_is_afresh(day, leader, monkeypatch, hour)  # noqa: E731
    assert _figures(check(D(2018, 2, 20)), unit_a)[:3] == (1, 0, Decimal("8.2"))

    # A report filed is held at once; accepted, it stays.
    report = file_report(lead_assignment, alice, D(2018, 2, 25), 5)
    assert _figures(check(D(2018, 2, 25)), unit_a)[1] == 5
    with at(D(2018, 2, 25), 21):
        services.accept_report(report, acting_user=erin)
    assert _figures(check(D(2018, 2, 25), hour=22), unit_a)[1] == 5

    # The scan's warning (a set-based insert) counts as behind and red or yellow; undone, it goes.
    scan(D(2018, 3, 1))
    warned = check(D(2018, 3, 1))
    assert _figures(warned, unit_a)[3] == 1
    with at(D(2018, 3, 1), 21):
        undo_scan_run(SupervisionRun.objects.get(), acting_user=erin)
    assert _figures(check(D(2018, 3, 1), hour=22), unit_a)[3] == 0
    scan(D(2018, 3, 2))
    assert _figures(check(D(2018, 3, 2)), unit_a)[3] == 1

    # Closed out: done, no longer behind.
    with at(D(2018, 3, 2), 21):
        services.claim_completion(lead_assignment, acting_user=alice, final_percent=100)
        verify_and_close_out(Assignment.objects.get(pk=lead_assignment.pk), acting_user=erin)
    closed = _figures(check(D(2018, 3, 2), hour=22), unit_a)
    assert (closed[1], closed[3]) == (100, 0)

    # Closed by a set-based write that sends no signal: the assignment's own status is read.
    Assignment.objects.filter(pk=co_assignment.pk).update(status="closed")
    check(D(2018, 3, 2), hour=23)

    # Moved to another unit: the new unit is ranked, the old one no longer.
    other = UnitFactory(name="丙县")
    with at(D(2018, 3, 3), 9):
        moved = Assignment.objects.get(pk=co_assignment.pk)
        moved.unit = other
        moved.save()
    units = check(D(2018, 3, 3))
    assert unit_b.pk not in units and units[other.pk][3] == 1

    # A new assignment, issued overdue; the days turn and it is later.
    with at(D(2018, 3, 6), 10):
        late = issue_single(unit_a, erin, leader, deadline=D(2018, 2, 28))
    assert _figures(check(D(2018, 3, 7)), unit_a)[0] == 2
    assert _days_late(D(2018, 3, 7), late, leader, monkeypatch) == 7
    assert _days_late(D(2018, 3, 8), late, leader, monkeypatch) == 8  # the day turned: not yesterday's


def _days_late(day, assignment, leader, monkeypatch) -> int:
    _kept_is_afresh(day, leader, monkeypatch)
    with at(day, 20):
        lagging = kept.ranked_units(Assignment.objects.exclude(status="draft"), day).lagging
    return lagging[assignment.pk].days_late


def test_a_load_that_bypassed_the_services_shows_once_the_kept_facts_are_rebuilt(
    erin, alice, leader, unit_a, lead_assignment, co_assignment, monkeypatch
):
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    assert _figures(_kept_is_afresh(D(2018, 2, 26), leader, monkeypatch), unit_a)[1] == 5
    # A restore of some rows: no signal, no version raised, the kept facts stale until rebuilt.
    ProgressReport.objects.filter(assignment=lead_assignment).update(progress_percent=12)
    with at(D(2018, 2, 26), 21):
        call_command("rebuild_kept_figures", stdout=None)
    assert _figures(_kept_is_afresh(D(2018, 2, 26), leader, monkeypatch, hour=22), unit_a)[1] == 12


def _figures_shown(response) -> str:
    """The page from the colour counts on, without the request's own tokens."""
    page = response.content.decode()
    return re.sub(r'csrfmiddlewaretoken" value="[^"]*"', "", page[page.index('class="colour-count') :])


def test_the_dashboard_shows_the_kept_figures_and_judges_no_more_once_the_facts_are_kept(
    client, dave, erin, alice, issued_target, unit_a, monkeypatch
):
    client.force_login(dave)
    url = reverse("dashboard") + "?year=2018&scope=city"
    with at(D(2018, 6, 27)):
        first = client.get(url)
        client.get(url)  # the first read over the facts kept by the first
        with monkeypatch.context() as patched:
            patched.setattr(judgment, "judge", _no_judging)
            again = client.get(url)
    assert _figures_shown(first) == _figures_shown(again)
    report = file_report(issued_target.assignments.get(unit=unit_a), alice, D(2018, 6, 27), 45, accept_by=erin)
    assert report.status == "accepted"
    with at(D(2018, 6, 27), 21):
        changed = client.get(url).content.decode()
    assert 'data-unit-completion="甲县">45%' in changed
