"""Every page finds each assignment of the demo in the same state on the same date (2018-09-30).

The demo is built once; the judgment of every assignment is read from tasks/judgment/state.py, and
then each page that shows a state or a colour is rendered and read back: the battle map (cells and
当前), the ledger, the dashboard and the lists behind its numbers, the assignment list, target pages,
the unit workspace, the meeting pack, the unit status sheet, and each public snapshot as of its own
date (compared with the battle map's cell of that month's end and the judgment of that day).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from accountability.models import Disclosure
from accountability.selectors.meetings import lagging_assignments
from core.periods import month_end
from tasks.excel.exporters import UnitStatusExporter
from tasks.judgment.state import State, group, judge, judge_days, target_summary
from tasks.models import Assignment, Leader, Target, Unit, User
from tasks.selectors.scope import leader_scope

DAY = dt.date(2018, 9, 30)
JUDGED = re.compile(r'data-state="(\w+)" data-assignment="(\d+)" data-day="([\d-]+)"')


@pytest.fixture
def today(demo, db):
    with override_settings(ZMD_TODAY=DAY):
        yield DAY


@pytest.fixture
def judged(today):
    return judge(Assignment.objects.all(), DAY)


def _get(client, username, url) -> str:
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _states(html: str) -> dict[int, str]:
    found = {}
    for state, pk, day in JUDGED.findall(html):
        assert day == DAY.isoformat()
        found[int(pk)] = state
    return found


def _all_pages(client, username, url) -> dict[int, str]:
    found, page = {}, 1
    while True:
        html = _get(client, username, f"{url}{'&' if '?' in url else '?'}page={page}")
        found.update(_states(html))
        if f"page={page + 1}" not in html:
            return found
        page += 1


def _expect(judged, pks) -> dict[int, str]:
    return {pk: judged[pk].state for pk in pks}


@pytest.mark.django_db
def test_the_demo_shows_every_state_it_claims(judged):
    states = {judgment.state for judgment in judged.values()}
    assert {State.ON_PLAN, State.RED, State.DONE} <= states
    for judgment in judged.values():  # a colour never disagrees with what it reports
        assert judgment.gap == judgment.planned - judgment.actual
        if judgment.state in (State.YELLOW, State.ORANGE, State.RED):
            assert judgment.colour == judgment.state


@pytest.mark.django_db
def test_the_assignment_list_target_pages_and_workspace_agree(client, judged):
    listed = _all_pages(client, "office", reverse("assignment_list") + "?year=2018")
    assert listed and listed == _expect(judged, listed)
    assert set(listed) == set(
        Assignment.objects.filter(target__year=2018).exclude(status="draft").values_list("pk", flat=True)
    )
    for target in Target.objects.filter(year=2018).exclude(status="draft"):
        shown = _states(_get(client, "office", reverse("target_detail", args=[target.pk])))
        assert shown == _expect(judged, shown), target.code
    yicheng = Unit.objects.get(name="驿城区")
    mine = _all_pages(client, "staff_yicheng", reverse("unit_workspace") + "?status=")
    assert mine and mine == _expect(judged, mine)
    assert set(mine) <= set(Assignment.objects.filter(unit=yicheng).values_list("pk", flat=True))
    for pk in list(judged)[:5]:
        shown = _states(_get(client, "office", reverse("assignment_detail", args=[pk])))
        assert shown == {pk: judged[pk].state}


@pytest.mark.django_db
def test_the_dashboard_numbers_match_the_lists_behind_them(client, judged):
    html = _get(client, "office", reverse("dashboard") + "?year=2018")
    lagging = _states(html)
    assert lagging == _expect(judged, lagging)
    assert all(judged[pk].behind for pk in lagging)
    units = dict(Assignment.objects.values_list("pk", "unit_id"))
    for unit in Unit.objects.all():
        behind = {pk for pk, judgment in judged.items() if units[pk] == unit.pk and judgment.behind}
        cell = re.search(rf'data-unit-behind="{unit.pk}">(.*?)</td>', html, re.S)
        if cell is None:
            continue
        assert int(re.sub(r"<[^>]+>", "", cell.group(1))) == len(behind), unit.name
        url = reverse("assignment_list") + f"?year=2018&unit={unit.pk}&status=open&lagging=on"
        listed = _all_pages(client, "office", url)
        assert set(listed) == behind, unit.name  # e.g. 驿城区 滞后 N: the N rows behind it
        assert all(state not in (State.ON_PLAN,) or judged[pk].days_late for pk, state in listed.items())
    # Each colour count opens the list of exactly those assignments.
    for level in range(4):
        count = re.search(rf'colour={level}(?:&amp;scope=\w+)?"><strong>(\d+)</strong>', html)
        listed = _all_pages(client, "office", reverse("assignment_list") + f"?year=2018&status=open&colour={level}")
        assert (
            int(count.group(1))
            == len(listed)
            == sum(1 for pk, j in judged.items() if j.is_open and j.level == level and pk in listed)
        )


def _targets_expected(judged, targets):
    facts = {
        pk: (t, u, r, s)
        for pk, t, u, r, s in Assignment.objects.values_list("pk", "target_id", "unit_id", "role", "share")
    }
    by_target: dict[int, list] = {}
    for pk, judgment in judged.items():
        target_id, _unit, role, share = facts[pk]
        by_target.setdefault(target_id, []).append((role, share, judgment))
    return {target.pk: target_summary(target, by_target[target.pk]) for target in targets if target.pk in by_target}


@pytest.mark.django_db
def test_the_ledger_and_the_battle_map_agree_with_the_judgment(client, judged):
    targets = list(Target.objects.filter(year=2018).exclude(status="draft"))
    expected = _targets_expected(judged, targets)
    ledger = {}
    page = 1
    while True:
        html = _get(client, "office", reverse("target_ledger") + f"?year=2018&page={page}")
        for pk, state in re.findall(r'data-target="(\d+)"><span class="level level--\w+" data-state="(\w+)"', html):
            ledger[int(pk)] = state
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert ledger and ledger == {pk: summary.state for pk, summary in expected.items()}
    battle = _all_battle_rows(client)
    assert len(battle) == len(expected)
    for target in targets:
        if target.pk not in expected:
            continue
        cells, now_level = battle[target.pk]
        summary = expected[target.pk]
        # The month under way (September, as of today) and the 当前 column are one judgment.
        assert cells[8][0] == summary.state and int(now_level) == summary.level == int(cells[8][1]), target.code
        assert cells[8][2] == (summary.planned, summary.actual), target.code


def _all_battle_rows(client, extra: str = "") -> dict[int, tuple]:
    rows, page = {}, 1
    while True:
        html = _get(client, "office", reverse("battle_map") + f"?year=2018{extra}&page={page}")
        for body in html.split("<tr>")[1:]:
            key = re.search(r'href="/targets/(\d+)/"', body)
            if not key:
                continue
            cells = re.findall(
                r'data-state="(\w+)" data-level="(\d)" title="[^"]*"><span class="cell__plan">([\d.]+)</span>'
                r'<span class="cell__sep">/</span><span class="cell__actual">([\d.]+)</span>',
                body,
            )
            begun = [(state, level, (Decimal(plan), Decimal(actual))) for state, level, plan, actual in cells]
            idle = body.count("cell--idle")
            now = re.search(r'cell cell--now" data-level="(\d)"', body).group(1)
            rows[int(key.group(1))] = ([None] * idle + begun, now)
        if f"page={page + 1}" not in html:
            return rows
        page += 1


@pytest.mark.django_db
def test_the_meeting_pack_and_the_unit_sheet_agree(client, judged):
    for leader in Leader.objects.all():
        pack = lagging_assignments(leader, DAY)
        in_scope = set(
            leader_scope(leader).assignments(Assignment.objects.filter(target__year=2018)).values_list("pk", flat=True)
        )
        expected = {pk for pk, judgment in judged.items() if judgment.behind and pk in in_scope}
        assert {row.pk for row in pack} == expected, leader.post
        assert all(row.judged == judged[row.pk] for row in pack)
    leader = next(leader for leader in Leader.objects.all() if lagging_assignments(leader, DAY))
    html = _get(client, "office", reverse("meeting-pack") + f"?leader={leader.pk}&day={DAY}")
    shown = _states(html)
    assert shown and shown == _expect(judged, shown)
    office = User.objects.get(username="office")
    labels = {str(State(state).label): state for state in State.values}
    for unit in Unit.objects.filter(name__in=["驿城区", "市发改委", "正阳县"]):
        exporter = UnitStatusExporter(unit=unit, year=2018, user=office)
        codes = dict(Assignment.objects.filter(unit=unit, target__year=2018).values_list("target__code", "pk"))
        for row in exporter.rows():
            pk = codes[row[0]]
            if pk in judged:
                assert labels[row[10]] == judged[pk].state, (unit.name, row[0])
                assert (row[7], row[8]) == (judged[pk].planned, judged[pk].actual)


@pytest.mark.django_db
def test_each_snapshot_agrees_with_the_pages_as_of_its_own_date(client, today):
    disclosures = list(Disclosure.objects.exclude(data={}))
    assert disclosures, "the demo publishes snapshots"
    compared = 0
    for disclosure in disclosures:
        snapshot, as_of = disclosure.data, disclosure.as_of
        if snapshot.get("version", 0) < 4:
            continue
        judged = judge(Assignment.objects.all(), as_of)
        by_unit = group(judged, dict(Assignment.objects.values_list("pk", "unit_id")))
        names = dict(Unit.objects.values_list("name", "pk"))
        for group_rows in snapshot["groups"]:
            for row in group_rows["rows"]:
                summary = by_unit.get(names[row["unit"]])
                if summary:
                    assert row["behind"] == summary.behind and Decimal(row["completion_rate"]) == summary.actual
        targets = {target.code: target for target in Target.objects.filter(year=as_of.year)}
        month = judge_days(Assignment.objects.all(), [as_of])[as_of]
        expected = _targets_expected(month, list(targets.values()))
        for project in snapshot["livelihood"]:
            summary = expected[targets[project["code"]].pk]
            assert project["state"] == summary.state and Decimal(project["progress_percent"]) == summary.actual
        if as_of == month_end(as_of) and as_of.year == 2018:
            battle = _all_battle_rows(client)
            for project in snapshot["livelihood"]:
                cells, _now = battle[targets[project["code"]].pk]
                cell = cells[as_of.month - 1]
                if cell is not None:  # e.g. 2018-010 in August: the same figure on the map and in public
                    assert cell[2][1] == Decimal(project["progress_percent"]), project["code"]
                    assert cell[0] == project["state"], project["code"]
                    compared += 1
    assert compared, "a snapshot taken at a month's end was compared with the battle map"
