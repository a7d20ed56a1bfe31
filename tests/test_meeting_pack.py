"""The progress meeting pack (推进例会): lagging targets, open problems, pending instructions, as of a day."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accountability.selectors.meetings import meeting_pack
from accountability.services.instructions import answer_instruction, issue_instruction
from accountability.templatetags import meeting_pack as meeting_pack_tags
from tasks import services
from tasks.choices import FollowUpKind, FollowUpTopic, WarningLevel
from tests.factories import LeaderFactory, UnitFactory
from tests.judgment.helpers import warn
from tests.scenarios import D, accept, at, file_report, issued, link


@pytest.fixture
def meeting(erin, alice, bob, dave, leader, unit_a, unit_b):
    """The leader's target: unit A lags with a problem, unit B is on plan; the leader instructed on 20 August."""
    target = issued(erin, unit_a, [unit_b], leader=leader, title="农村公路改造")
    a_report = file_report(
        link(target, unit_a), alice, D(2018, 7, 27), period="2018-07", percent=10, problems="资金不到位"
    )
    accept(a_report, erin, D(2018, 7, 30))
    warn([link(target, unit_a)], WarningLevel.YELLOW, on=D(2018, 8, 1))  # what the scan told unit A
    accept(file_report(link(target, unit_b), bob, D(2018, 7, 27), period="2018-07", percent=40), erin, D(2018, 7, 30))
    with at(D(2018, 8, 20)):
        instruction = issue_instruction(
            target=target, text="加快进度", due_date=D(2018, 8, 24), units=[unit_a, unit_b], acting_user=dave
        )
        answer_instruction(instruction, unit=unit_b, text="已按计划推进", acting_user=bob)
    with at(D(2018, 8, 25)):
        services.add_follow_up(
            target=target, report=a_report, kind=FollowUpKind.OFFICE, topic=FollowUpTopic.PROBLEM,
            text="已协调资金", acting_user=erin,
        )  # fmt: skip
    with at(D(2018, 8, 27)):
        answer_instruction(instruction, unit=unit_a, text="资金已到位", acting_user=alice)
    return target


def test_the_pack_lists_what_lagged_what_was_open_and_what_was_pending_on_the_day(meeting, leader):
    pack = meeting_pack(leader, D(2018, 8, 22))
    assert [(a.unit.name, a.progress_on) for a in pack.lagging] == [("甲县", 10)]
    assert pack.lagging[0].lag >= 10
    assert [r.problems for r in pack.open_problems] == ["资金不到位"]
    assert [(i.text, [u.name for u in i.waiting_units], i.overdue) for i in pack.pending_instructions] == [
        ("加快进度", ["甲县"], False)
    ]


def test_the_instruction_is_pending_until_every_addressed_unit_answered_it(meeting, leader):
    assert meeting_pack(leader, D(2018, 8, 19)).pending_instructions == []  # not yet written
    assert [i.overdue for i in meeting_pack(leader, D(2018, 8, 24)).pending_instructions] == [False]
    assert [i.overdue for i in meeting_pack(leader, D(2018, 8, 26)).pending_instructions] == [True]
    assert meeting_pack(leader, D(2018, 8, 27)).pending_instructions == []  # 甲县 answered, late


def test_a_follow_up_closes_the_problem_and_acts_on_the_instruction_from_its_day(meeting, leader):
    pack = meeting_pack(leader, D(2018, 8, 27))
    assert pack.open_problems == [] and pack.pending_instructions == []
    assert [a.unit.name for a in pack.lagging] == ["甲县"]


def test_another_leaders_targets_are_not_in_the_pack(meeting):
    assert meeting_pack(LeaderFactory(post="副市长（分管其他）"), D(2018, 8, 22)).lagging == []


def test_a_leader_prepares_their_own_pack_but_not_anothers(meeting, client, dave, leader):
    other = LeaderFactory(post="副市长（分管其他）")
    client.force_login(dave)
    page = client.get(reverse("meeting-pack"), {"leader": leader.pk, "day": "2018-08-22"}).content.decode()
    assert "农村公路改造" in page and "资金不到位" in page and "加快进度" in page and "data-print" in page
    response = client.get(reverse("meeting-pack"), {"leader": other.pk, "day": "2018-08-22"})
    assert response.context["pack"] is None and "资金不到位" not in response.content.decode()


def test_the_pack_takes_the_same_queries_for_few_or_many_targets(
    erin, alice, leader, client, django_assert_num_queries
):
    def lagging_targets(count, prefix):
        for n in range(count):
            unit = UnitFactory(name=f"{prefix}{n}县")
            target = issued(erin, unit, leader=leader, code=f"{prefix}-{n}")
            report = file_report(link(target, unit), erin, D(2018, 7, 27), period="2018-07", percent=5, problems="难")
            accept(report, erin, D(2018, 7, 30))
            warn([link(target, unit)], WarningLevel.YELLOW, on=D(2018, 8, 1), by=erin)  # lagging on the day

    client.force_login(erin)
    lagging_targets(2, "少")
    url = reverse("meeting-pack") + f"?leader={leader.pk}&day=2018-08-22"
    client.get(url)
    # 11 with lagging rows: their targets and units come in the judging query (12 when a second
    # query read them).
    with django_assert_num_queries(11) as few:
        assert len(client.get(url).context["pack"].lagging) == 2
    lagging_targets(12, "多")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("难") == 14 and len(response.context["pack"].lagging) == 14
    assert {row.unit.name for row in response.context["pack"].lagging} >= {"少0县", "多11县"}


def test_the_pack_prints_percents_with_one_decimal_whatever_the_database_returns(
    meeting, client, erin, leader, monkeypatch
):
    """SQLite hands figures back as floats or as decimals with a long tail (65.3000000000000)."""
    pack = meeting_pack(leader, D(2018, 8, 22))
    row = pack.lagging[0]
    row.planned_on, row.progress_on, row.lag = Decimal("65.3000000000000"), 10.0, Decimal("55.3000000000000")
    monkeypatch.setattr("accountability.views.meetings.meeting_pack", lambda *args: pack)
    client.force_login(erin)
    text = client.get(reverse("meeting-pack"), {"leader": leader.pk, "day": "2018-08-22"}).content.decode()
    assert "0000000" not in text
    assert '<td class="num">65.3%</td><td class="num">10%</td>' in text
    assert "<strong>55.3</strong>" in text


def test_the_lagging_rows_are_written_once_per_what_they_show_and_follow_a_change(
    meeting, client, erin, alice, leader, unit_a, unit_b, monkeypatch
):
    """The rows are kept under the digest of what they show: the next reading serves the same markup
    as writing them afresh, and a report or a warning since shows on the next reading."""
    writes = []
    write = meeting_pack_tags.written_rows
    monkeypatch.setattr(meeting_pack_tags, "written_rows", lambda rows: writes.append(len(rows)) or write(rows))
    client.force_login(erin)
    day = D(2018, 8, 22)

    def read() -> tuple[str, str]:
        with at(day, 20):
            page = client.get(reverse("meeting-pack"), {"leader": leader.pk, "day": day.isoformat()})
            return page.content.decode(), write(meeting_pack(leader, day).lagging)  # written afresh

    first, afresh = read()
    again, _ = read()
    assert writes == [1] and afresh in first and afresh in again and "甲县" in afresh
    assert '<td class="num">10%</td>' in afresh
    report = file_report(link(meeting, unit_a), alice, D(2018, 8, 21), period="2018-08", percent=12)
    accept(report, erin, D(2018, 8, 21))
    reported, afresh = read()
    assert writes == [1, 1] and afresh in reported and '<td class="num">12%</td>' in afresh
    warn([link(meeting, unit_b)], WarningLevel.RED, on=D(2018, 8, 21), by=erin)
    warned, afresh = read()
    assert writes == [1, 1, 2] and afresh in warned and "乙局" in afresh and "level--red" in afresh
