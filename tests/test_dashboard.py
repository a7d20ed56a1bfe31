"""The leader dashboard and the battle map: the figures, their drill-down links, and "my targets"."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.urls import reverse

from tasks import services
from tasks.choices import ReportStatus, WarningLevel
from tasks.models import Assignment, Target
from tasks.selectors.dashboard import (
    assignment_count_of,
    colour_counts,
    colour_counts_of,
    totals_by_source_and_type,
    unit_rankings,
    weekly_trend,
)
from tests.factories import LeaderFactory, ProgressReportFactory, TargetFactory
from tests.judgment.helpers import warn
from tests.workspace_data import at, filed_report, issued_target_of

D = dt.date


def _text(response) -> str:
    return response.content.decode()


def test_totals_count_targets_by_source_and_type(db):
    TargetFactory(source="central", target_type="task")
    TargetFactory(source="central", target_type="task")
    TargetFactory(source="party", target_type="indicator", measure_unit="%", target_value=8)
    matrix = totals_by_source_and_type(Target.objects.all())
    rows = {source: dict(cells) for source, _label, cells, _total in matrix.rows}
    assert rows["central"]["task"] == 2 and rows["party"]["indicator"] == 1
    assert matrix.total == 3 and dict(matrix.column_totals)["task"] == 2


def test_colours_count_open_assignments_by_level(issued_target):
    warn(Assignment.objects.filter(unit__name="甲县"), WarningLevel.RED)  # the level in force is the notice's
    counts = {c["colour"]: c["count"] for c in colour_counts(Assignment.objects.all())}
    assert counts == {"green": 1, "yellow": 0, "orange": 0, "red": 1}


def test_the_colours_and_the_count_added_up_from_the_rankings_are_the_counted_ones(issued_target, unit_a, leader, erin):
    issued_target_of(unit_a, office=erin, leader=leader, title="第二项")
    warn(Assignment.objects.filter(unit=unit_a), WarningLevel.RED)
    Assignment.objects.filter(unit=unit_a, target=issued_target).update(status="closed")  # closed: not counted
    everything = Assignment.objects.exclude(status="draft")
    rankings = unit_rankings(everything)
    assert colour_counts_of(rankings) == colour_counts(everything)
    assert [c["count"] for c in colour_counts_of(rankings)] == [1, 0, 0, 1]
    assert assignment_count_of(rankings) == everything.count() == 3


def test_units_rank_by_completion_in_their_own_group(issued_target, unit_a, unit_b):
    # Completion is the judgment's actual: the reports the office holds (not a kept column).
    for unit, percent in ((unit_a, 30), (unit_b, 70)):
        ProgressReportFactory(
            assignment=Assignment.objects.get(unit=unit),
            status=ReportStatus.ACCEPTED,
            progress_percent=percent,
            submitted_at=dt.datetime(2018, 6, 28, tzinfo=dt.UTC),
        )
    groups = unit_rankings(Assignment.objects.all())
    assert [(u.name, u.completion, u.rank) for u in groups["counties"]] == [("甲县", Decimal("30.0"), 1)]
    assert [(u.name, u.completion, u.rank) for u in groups["departments"]] == [("乙局", Decimal("70.0"), 1)]


def test_the_weekly_trend_follows_plans_and_accepted_reports(issued_target, alice, bob, erin):
    lead = issued_target.assignments.get(unit__name="甲县")
    report = filed_report(lead, alice, percent=40)
    with at(D(2018, 6, 28)):
        services.accept_report(report, acting_user=erin)
    trend = weekly_trend(Assignment.objects.all(), 2018, D(2018, 7, 8))
    week = trend["week_ends"].index("2018-07-01")
    # Two assignments: A reported 40 % for June, B nothing; the plans expect about half by June.
    assert trend["actual"][week] == 20.0
    assert trend["actual"][week - 1] == 0.0
    assert 45 <= trend["planned"][week] <= 55


def test_the_dashboard_links_every_figure_to_its_list(client, dave, issued_target):
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = _text(client.get(reverse("dashboard") + "?year=2018"))
    assert f"{reverse('target_ledger')}?year=2018&amp;source=work_report&amp;target_type=task" in page
    assert f"{reverse('assignment_list')}?year=2018&amp;status=open&amp;colour=0" in page
    unit = issued_target.assignments.first().unit
    assert f"{reverse('assignment_list')}?year=2018&amp;unit={unit.pk}" in page
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert set(data["rankings"]) == {"counties", "departments"}


def test_my_targets_are_the_leaders_own(client, dave, leader, erin, unit_a):
    mine = issued_target_of(unit_a, office=erin, leader=leader, title="本人分管的任务")
    issued_target_of(unit_a, office=erin, leader=LeaderFactory(post="市长"), title="其他领导的任务")
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = _text(client.get(reverse("dashboard") + "?year=2018"))
    section = page.split("我分管的目标任务")[1].split("滞后任务")[0]
    assert mine.title in section and "其他领导的任务" not in section


def test_the_drill_down_lists_what_the_figure_counted(client, dave, issued_target, unit_a):
    warn(Assignment.objects.filter(unit=unit_a), WarningLevel.RED)
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        red = _text(client.get(reverse("assignment_list") + "?year=2018&status=open&colour=3"))
        green = _text(client.get(reverse("assignment_list") + "?year=2018&status=open&colour=0"))
    lead = issued_target.assignments.get(unit=unit_a)
    assert reverse("assignment_detail", args=[lead.pk]) in red
    assert reverse("assignment_detail", args=[lead.pk]) not in green


def test_the_battle_map_shows_plan_and_actual_per_month(client, dave, erin, alice, issued_target, unit_a):
    lead = issued_target.assignments.get(unit=unit_a)
    report = filed_report(lead, alice, percent=10)
    with at(D(2018, 6, 28)):
        services.accept_report(report, acting_user=erin)
    warn([lead], WarningLevel.RED, on=D(2018, 6, 29))  # what the scan told the unit
    client.force_login(dave)
    with at(D(2018, 7, 5)):
        page = _text(client.get(reverse("battle_map") + "?year=2018&by=unit"))
    row = page.split(f"unit={unit_a.pk}")[1].split("</tr>")[0]
    # June: planned 49.5 %, actual 10 %, and the red warning in force at the month's end.
    june = 'cell cell--red" data-state="red" data-level="3" title="红色预警"><span class="cell__plan">49.5</span>'
    june += '<span class="cell__sep">/</span>'
    assert june + '<span class="cell__actual">10</span>' in row
    assert "cell--future" in row  # August onwards has not begun


def test_the_office_sees_the_dashboard_without_my_targets(client, erin, issued_target):
    client.force_login(erin)
    page = _text(client.get(reverse("dashboard")))
    assert "领导驾驶舱" in page and "我分管的目标任务" not in page


def test_a_leader_s_battle_map_opens_on_their_scope_and_the_city_is_one_click_away(client, dave, leader, erin, unit_a):
    mine = issued_target_of(unit_a, office=erin, leader=leader, title="本人分管的任务")
    other = issued_target_of(unit_a, office=erin, leader=LeaderFactory(post="市长"), title="其他领导的任务")
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        narrowed = _text(client.get(reverse("battle_map") + "?year=2018"))
        older_link = _text(client.get(reverse("battle_map") + "?year=2018&mine=1"))
        everything = _text(client.get(reverse("battle_map") + "?year=2018&scope=city"))
    assert mine.title in everything and other.title in everything
    assert mine.title in narrowed and other.title not in narrowed
    assert mine.title in older_link and other.title not in older_link
    assert "scope=city" in narrowed  # the toggle


def test_my_targets_show_the_worst_first_and_link_to_the_rest(client, dave, leader, erin, unit_a, monkeypatch):
    monkeypatch.setattr("tasks.views.dashboard.MY_TARGETS_SHOWN", 2)
    titles = ["甲项任务", "乙项任务", "丙项任务"]
    targets = [issued_target_of(unit_a, office=erin, leader=leader, title=title) for title in titles]
    warn(Assignment.objects.filter(target=targets[2]), WarningLevel.RED)
    client.force_login(dave)
    with at(D(2018, 6, 27)):
        page = _text(client.get(reverse("dashboard") + "?year=2018"))
    section = page.split("我分管的目标任务")[1].split("滞后任务")[0]
    shown = [title for title in titles if title in section]
    assert len(shown) == 2 and "丙项任务" in shown
    assert section.index("丙项任务") < section.index(shown[0] if shown[0] != "丙项任务" else shown[1])
    assert f"{reverse('target_ledger')}?year=2018&amp;scope=mine" in section


def _completion_cell(page: str, unit) -> str:
    return page.split(f'data-unit-completion="{unit.name}">')[1].split("</td>")[0]


def test_completion_by_unit_is_rendered_once_per_figures_and_follows_a_change(
    client, dave, erin, alice, issued_target, unit_a
):
    client.force_login(dave)
    fragment = "tasks/dashboard/_completion.html"
    with at(D(2018, 6, 27)):
        first = client.get(reverse("dashboard") + "?year=2018&scope=city")
        again = client.get(reverse("dashboard") + "?year=2018&scope=city")
    assert _completion_cell(_text(first), unit_a) == _completion_cell(_text(again), unit_a) == "0%"
    # The second reading served the rows rendered for the same figures.
    assert fragment not in [t.name for t in again.templates]
    report = filed_report(issued_target.assignments.get(unit=unit_a), alice, percent=40)
    with at(D(2018, 6, 27)):  # the same day: a day later the kept text would have expired anyway
        services.accept_report(report, acting_user=erin)
        changed = client.get(reverse("dashboard") + "?year=2018&scope=city")
    assert fragment in [t.name for t in changed.templates]
    assert _completion_cell(_text(changed), unit_a) == "40%"
    # The charts' data kept beside the rows follows too.
    assert _charted_completion(_text(again), unit_a) == 0 and _charted_completion(_text(changed), unit_a) == 40


def _charted_completion(page: str, unit) -> float:
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    for group in data["rankings"].values():
        if unit.name in group["units"]:
            return group["completion"][group["units"].index(unit.name)]
    raise AssertionError(f"{unit.name} is not charted")


def _section(page: str, start: str, end: str) -> str:
    return page.split(start)[1].split(end)[0]


def test_my_targets_and_the_furthest_behind_are_rendered_once_per_rows_and_follow_a_change(
    client, dave, leader, erin, alice, unit_a
):
    mine = issued_target_of(unit_a, office=erin, leader=leader, title="本人分管的任务")
    link = mine.assignments.get(unit=unit_a)
    client.force_login(dave)
    tables = {"tasks/dashboard/target_table.html", "tasks/dashboard/_lagging.html"}
    with at(D(2018, 6, 27)):
        first = client.get(reverse("dashboard") + "?year=2018")
        again = client.get(reverse("dashboard") + "?year=2018")
    assert not tables & {t.name for t in again.templates}  # the second reading served the kept text
    for start, end in (("我分管的目标任务", "滞后任务"), ('id="lagging"', "</details>")):
        assert _section(_text(first), start, end) == _section(_text(again), start, end)
    assert reverse("assignment_detail", args=[link.pk]) not in _section(_text(again), 'id="lagging"', "</details>")
    # A report accepted shows in my targets, a warning in the furthest behind, on the next reading.
    report = filed_report(link, alice, percent=40)
    with at(D(2018, 6, 27)):
        services.accept_report(report, acting_user=erin)
        accepted = _text(client.get(reverse("dashboard") + "?year=2018"))
    assert "40%" in _section(accepted, "我分管的目标任务", "滞后任务")
    assert "40%" not in _section(_text(again), "我分管的目标任务", "滞后任务")
    warn([link], WarningLevel.RED)
    with at(D(2018, 6, 27)):
        warned = client.get(reverse("dashboard") + "?year=2018")
    lagging = _section(_text(warned), 'id="lagging"', "</details>")
    assert reverse("assignment_detail", args=[link.pk]) in lagging and "level--red" in lagging
    assert "tasks/dashboard/_lagging.html" in {t.name for t in warned.templates}
