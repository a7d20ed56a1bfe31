"""Scan dates: a day after today is refused unless it is a dry run; the console's dry run as of a
chosen day (按日期试运行); a mistaken run undone from the console and by a command, its notices
withdrawn with history and their numbers never given again, its points reversed, the units told,
and the scan running again from the right day.

The issued target of conftest plans monthly through 2018; unit A (alice) reports 5 % in January
and nothing after, so warnings rise month by month. "The mistake" is a run as of a later day made
while the clock said that day (how the bug's runs looked), then the clock goes back.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accountability.choices import MessageKind, NoticeKind, NoticeStatus, RuleCode
from accountability.models import InboxMessage, Notice, NoticeCounter, ScoreEntry, SupervisionRun, UnitMonthPoints
from accountability.scan import run_scan
from accountability.scan.undo import undo_scan_run
from accountability.services.points import rebuild_unit_month_points
from core.errors import RuleViolation
from tasks.models import Assignment
from tests.notice_helpers import D, at, file_report, issue_single, scan
from tests.scenarios import score


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("run_supervision_scan", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def lagging(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 1, 25), 5, accept_by=erin)
    scan(D(2018, 3, 1))  # a yellow on the lead unit
    return lead_assignment


def test_a_scan_for_a_day_after_today_is_refused_unless_it_is_a_dry_run(lagging):
    with at(D(2018, 3, 2)):
        with pytest.raises(CommandError, match="晚于今天") as refused:
            _run("--date", "2030-01-01")
        assert "\n" not in str(refused.value)
        with pytest.raises(RuleViolation, match="after today"):
            run_scan(D(2018, 3, 3))
        output = _run("--date", "2018-12-20", "--dry-run")
    assert "试运行：未保存任何内容" in output and "驻督预〔2018〕3号 进度预警单（红色）" in output
    assert not Notice.objects.filter(year=2030).exists()
    assert SupervisionRun.objects.filter(day__gt=D(2018, 3, 1)).count() == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("garbage", "must be a date as YYYY-MM-DD"),
        ("2018-02-30", "must be a date as YYYY-MM-DD"),
        ("0001-01-01", "must be between 2000-01-01 and 2100-12-31"),
        ("9999-12-31", "must be between 2000-01-01 and 2100-12-31"),
    ],
)
def test_a_bad_date_is_one_line_not_a_traceback(db, value, reason):
    with pytest.raises(CommandError, match=f"argument --date: {reason}; got '?{value}") as refused:
        _run("--date", value)
    assert "\n" not in str(refused.value)


def test_the_scan_job_refuses_a_later_day_and_says_why(lagging):
    from accountability.tasks import run_supervision_scan

    with at(D(2018, 3, 2)):
        assert "after today" in run_supervision_scan.run("2030-01-01")["refused"]


def test_the_console_dry_run_shows_what_a_day_would_issue_and_stores_nothing(client, erin, lagging):
    client.force_login(erin)
    with at(D(2018, 3, 2)):
        register = client.get(reverse("notices:register")).content.decode()
        assert "按日期试运行" in register and reverse("notices:scan_dry_run") in register
        page = client.get(reverse("notices:scan_dry_run"), {"day": "2018-06-01"}).content.decode()
        assert "驻督预〔2018〕3号" in page  # the next warning's number, were it issued
        bad = client.get(reverse("notices:scan_dry_run"), {"day": "9999-12-31"})
    assert bad.status_code == 400 and "2100-12-31" in bad.content.decode()
    assert Notice.objects.filter(kind=NoticeKind.WARNING).count() == 2  # the two yellows of 03-01
    assert SupervisionRun.objects.count() == 1


def _mistaken_run(day):
    """Someone scanned as of ``day`` while the clock said it (the bug's runs looked like this)."""
    with at(day, 2):
        return run_scan()


def test_an_undone_run_withdraws_its_notices_for_good_and_the_scan_goes_on(client, erin, alice, carol, lagging):
    yellow = Notice.objects.get(kind=NoticeKind.WARNING, assignment=lagging)
    yellows = set(Notice.objects.filter(kind=NoticeKind.WARNING).values_list("pk", flat=True))
    _mistaken_run(D(2018, 12, 20))
    mistaken = list(Notice.objects.filter(kind=NoticeKind.WARNING).exclude(pk__in=yellows))
    assert {n.number for n in mistaken} == {"驻督预〔2018〕3号", "驻督预〔2018〕4号"}
    yellow.refresh_from_db()
    assert yellow.status == NoticeStatus.CLOSED  # raised by the mistaken run
    with pytest.raises(RuleViolation, match="2018-12-20"):
        scan(D(2018, 3, 2))  # stuck: what the bug did

    client.force_login(erin)
    run = SupervisionRun.objects.get(day=D(2018, 12, 20))
    with at(D(2018, 3, 2)):
        page = client.get(reverse("notices:register")).content.decode()
        assert reverse("notices:scan_undo", args=[run.pk]) in page
        assert "驻督预〔2018〕4号" in client.get(reverse("notices:scan_undo", args=[run.pk])).content.decode()
        response = client.post(reverse("notices:scan_undo", args=[run.pk]), {"note": "误操作，特此更正。"})
    assert response.status_code == 302
    for notice in mistaken:
        notice = Notice.all_notices.get(pk=notice.pk)
        assert notice.status == NoticeStatus.WITHDRAWN and notice.number  # the number stays on it
        withdrawn = notice.history.latest("history_id")
        assert (withdrawn.status, withdrawn.history_user) == (NoticeStatus.WITHDRAWN, erin)
    yellow.refresh_from_db()
    assert yellow.status == NoticeStatus.ISSUED and yellow.closed_reason == ""
    assert Assignment.objects.get(pk=lagging.pk).warning_level == yellow.level
    correction = InboxMessage.objects.get(recipient=alice, kind=MessageKind.CORRECTION)
    assert "驻督预〔2018〕4号" in correction.body and "误操作" in correction.body
    assert InboxMessage.objects.filter(recipient=carol, kind=MessageKind.CORRECTION).exists()

    scan(D(2018, 4, 17))  # runs again from the right day: the yellow was not acted on
    fresh = Notice.objects.get(kind=NoticeKind.WARNING, status=NoticeStatus.ISSUED, assignment=lagging)
    taken = {n.serial for n in mistaken}
    assert fresh.escalated_from == yellow and fresh.serial > max(taken)  # never a withdrawn number
    counter = NoticeCounter.objects.get(kind=NoticeKind.WARNING, year=2018)
    assert counter.last_serial == fresh.serial
    register = client.get(reverse("notices:register"), {"state": "withdrawn"}).content.decode()
    assert "驻督预〔2018〕4号" in register and "已撤回" in register


def test_the_command_undoes_the_2030_run_reverses_its_points_and_unsticks_the_scan(erin, lagging, unit_a, leader):
    issue_single(unit_a, erin, leader, deadline=D(2030, 12, 31))  # a long target: 2030 finds it behind
    _mistaken_run(D(2030, 1, 1))
    SupervisionRun.objects.filter(day=D(2030, 1, 1)).update(changes={})  # as runs made before they recorded it
    score(D(2030, 1, 31), erin)  # the nightly scoring counted the mistaken warnings
    scored = list(ScoreEntry.objects.filter(notice__year=2030))
    assert scored
    with at(D(2018, 3, 2)):
        with pytest.raises(CommandError, match="2030-01-01"):
            _run()
        from io import StringIO

        listing = StringIO()
        call_command("undo_supervision_scan", stdout=listing)
        assert "将撤销第" in listing.getvalue() and Notice.objects.filter(year=2030).exists()
        out = StringIO()
        call_command("undo_supervision_scan", "--yes", stdout=out)
        assert "撤回通知" in out.getvalue()
        _run()  # the scan of today runs again
    assert not Notice.objects.filter(year=2030).exists()
    assert Notice.all_notices.filter(year=2030, status=NoticeStatus.WITHDRAWN).exists()
    for entry in scored:
        entry.refresh_from_db()
        assert entry.reversal.amount == -entry.amount and entry.reversal.rule.code == RuleCode.REVERSAL
    kept = set(UnitMonthPoints.objects.values_list("unit_id", "month", "total", "deductions"))
    rebuild_unit_month_points()
    assert kept == set(UnitMonthPoints.objects.values_list("unit_id", "month", "total", "deductions"))
    with pytest.raises(RuleViolation, match="already been undone"):
        undo_scan_run(SupervisionRun.objects.get(day=D(2030, 1, 1)), acting_user=erin)


def test_only_the_latest_run_is_undone_first_and_only_by_the_office(alice, erin, lagging):
    scan(D(2018, 3, 5))
    first = SupervisionRun.objects.get(day=D(2018, 3, 1))
    with pytest.raises(RuleViolation, match="undo them first"):
        undo_scan_run(first, acting_user=erin)
    with pytest.raises(RuleViolation, match="supervision office"):
        undo_scan_run(SupervisionRun.objects.get(day=D(2018, 3, 5)), acting_user=alice)
