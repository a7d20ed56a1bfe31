"""年终: the office closes a year; its figures freeze, unfinished targets carry over, the year is read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.models import Notice, ResponsibilityLetter, YearResult
from accountability.selectors.scores import ranking
from core.errors import RuleViolation
from tasks import services
from tasks.choices import AssignmentStatus, ShareRule, TargetStatus, TargetType
from tasks.models import ClosedYear, Target
from tests.scenarios import D, accept, at, file_report, issued, link, score
from tests.workspace_data import issued_target_of


@pytest.fixture
def year(erin, unit_a, unit_b, alice, bob, leader):
    """2018: a task unit A finished (closed out), and investment shares unit B is behind on."""
    done = issued(erin, unit_a)
    with at(D(2018, 11, 5)):
        services.claim_completion(link(done, unit_a), acting_user=alice, final_percent=100, statement="完成")
        acc.verify_and_close_out(link(done, unit_a), acting_user=erin)
    behind = issued_target_of(
        unit_a, office=erin, leader=leader, co_units=[unit_b], shares={unit_b: Decimal(300)},
        target_type=TargetType.LIVELIHOOD, target_value=Decimal(300), measure_unit="公里", share_rule=ShareRule.SUM,
    )  # fmt: skip
    co = link(behind, unit_b)
    report = file_report(co, bob, D(2018, 11, 26), period="2018-11", value=Decimal(120))
    accept(report, erin, D(2018, 11, 29))
    score(D(2018, 12, 30), erin)
    return {"done": done, "behind": behind}


CLOSED_ON = D(2019, 1, 5)


def _close(erin, carry=(), day=CLOSED_ON, **kwargs):
    with at(day):
        return acc.close_year(2018, acting_user=erin, carry_over_ids=carry, **kwargs)


def test_a_year_cannot_be_closed_before_its_last_month(year, erin):
    with pytest.raises(RuleViolation, match="from 2018-12-01"):
        _close(erin, day=D(2018, 11, 30))
    assert not ClosedYear.objects.exists()


def test_waiting_claims_and_extensions_must_be_decided_first(year, erin, bob, unit_b):
    co = link(year["behind"], unit_b)
    with at(D(2018, 12, 10)):
        services.request_extension(co, new_deadline=D(2019, 3, 31), reason="冬季停工", acting_user=bob)
    with pytest.raises(RuleViolation, match="request"):
        _close(erin, day=D(2018, 12, 20))


def test_closing_freezes_completion_and_points_as_the_ranking_gave_them(year, erin, unit_a, unit_b):
    _close(erin)
    table = ranking(as_of=D(2018, 12, 31))
    results = {r.unit_id: r for r in YearResult.objects.filter(year=2018)}
    assert set(results) == {unit_a.pk, unit_b.pk}
    for unit in (unit_a, unit_b):
        row = table.for_unit(unit.pk)
        assert (results[unit.pk].score, results[unit.pk].rank) == (row.score, row.rank)
    assert (results[unit_a.pk].assignments, results[unit_a.pk].closed) == (2, 1)
    assert results[unit_b.pk].completion_rate == Decimal("40.0")
    assert results[unit_a.pk].as_of == D(2018, 12, 31)


def test_unfinished_targets_carry_into_the_next_year_as_linked_drafts(year, erin, unit_a, unit_b):
    behind = year["behind"]
    _close(erin, carry=[behind.pk])
    carried = Target.objects.get(carried_from=behind)
    assert (carried.year, carried.code, carried.status) == (2019, f"{behind.code}-结转", TargetStatus.DRAFT)
    assert (carried.start_date, carried.deadline) == (D(2019, 1, 1), D(2019, 12, 31))
    shares = dict(carried.assignments.values_list("unit__name", "share"))
    assert shares == {"甲县": None, "乙局": Decimal(180)}  # 300 less the 120 done
    assert carried.target_value == Decimal(180)
    assert not services.breakdown_errors(carried)  # ready to issue once the office has looked at it
    assert ResponsibilityLetter.objects.filter(year=2019).count() == 2  # the new year's own letters
    assert not Target.objects.filter(carried_from=year["done"]).exists()


def test_a_finished_target_cannot_be_carried_over(year, erin):
    with pytest.raises(RuleViolation, match="unfinished"):
        _close(erin, carry=[year["done"].pk])
    assert not ClosedYear.objects.exists() and not YearResult.objects.exists()


def test_the_closed_year_is_read_only_everywhere(year, erin, unit_a, unit_b, bob):
    behind = year["behind"]
    co = link(behind, unit_b)
    _close(erin, note="2018年度年终结账")
    co.refresh_from_db()
    assert co.status == AssignmentStatus.ENDED
    assert not Notice.objects.filter(assignment=co, status__in=["issued", "signed", "answered"]).exists()
    message = "closed at year end"
    with at(D(2019, 1, 6)):
        with pytest.raises(RuleViolation, match=message):
            services.save_report(co, acting_user=bob, period_key="2018-12", actual_value=Decimal(200), work_done="x")
        with pytest.raises(RuleViolation, match=message):
            services.update_target(behind, acting_user=erin, title="改名")
        with pytest.raises(RuleViolation, match=message):
            services.set_milestones(link(behind, unit_a), [], acting_user=erin)
        with pytest.raises(RuleViolation, match=message):
            services.add_follow_up(target=behind, kind="office", text="跟进", acting_user=erin)
        with pytest.raises(RuleViolation, match=message):
            acc.prepare_letters(2018, acting_user=erin)
        with pytest.raises(RuleViolation, match="already been closed"):
            acc.close_year(2018, acting_user=erin)
    from accountability.models import ScoreEntry

    entries_2018 = ScoreEntry.objects.filter(target__year=2018).count()
    run = score(D(2019, 1, 31), erin)  # December's report of the ended link is never scored as missing
    assert run.error == "" and ScoreEntry.objects.filter(target__year=2018).count() == entries_2018


def test_the_office_closes_the_year_from_its_console_and_leaders_read_it(year, client, erin, dave, alice):
    client.force_login(erin)
    with at(D(2019, 1, 5)):
        register = client.get(reverse("notices:register")).content.decode()
        assert reverse("year_end:index") in register
        page = client.get(reverse("year_end:index") + "?year=2018").content.decode()
        assert "2018年度年终结账" in page and year["behind"].title in page
        unconfirmed = client.post(
            reverse("year_end:close", args=[2018]), {"carry_over": [year["behind"].pk]}, follow=True
        )
        assert "请勾选确认" in unconfirmed.content.decode() and not ClosedYear.objects.exists()
        done = client.post(
            reverse("year_end:close", args=[2018]),
            {"carry_over": [year["behind"].pk], "confirm": "yes", "note": "年终"},
            follow=True,
        )
    content = done.content.decode()
    assert "2018年度已年终结账" in content and "年度数据（结账时固化）" in content
    assert Target.objects.filter(carried_from=year["behind"]).exists()
    client.force_login(dave)
    assert "年度数据（结账时固化）" in client.get(reverse("year_end:index") + "?year=2018").content.decode()
    client.force_login(alice)
    assert client.get(reverse("year_end:index")).status_code == 403


def test_a_change_to_a_closed_year_is_refused_in_chinese_on_the_page(year, client, erin, bob, unit_b):
    _close(erin)
    client.force_login(bob)
    co = link(year["behind"], unit_b)
    with at(D(2019, 1, 6)):
        response = client.post(
            reverse("report_edit", args=[co.pk]) + "?period=2018-12",
            {"actual_value": "200", "work_done": "补报", "action": "submit", "period": "2018-12"},
        )
    assert "2018年度已年终结账" in response.content.decode()
