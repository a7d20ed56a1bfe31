"""python manage.py run_supervision_scan: as of a date, dry or for real."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accountability.models import Notice, SupervisionRun
from tests.notice_helpers import D, at, file_report


def _run(*args) -> str:
    out = StringIO()
    call_command("run_supervision_scan", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_as_of_a_date_prints_the_notices_and_stores_nothing(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 2, 25), 2, accept_by=erin)
    with at(D(2018, 6, 1)):
        output = _run("--date", "2018-03-01", "--dry-run")
    assert "研判日2018-03-01，试运行：未保存任何内容" in output  # the command speaks the site's language
    assert "驻督预〔2018〕1号" in output and "进度预警单（黄色）" in output and "甲县" in output
    assert not Notice.objects.exists() and not SupervisionRun.objects.exists()
    with at(D(2018, 6, 1)):
        output = _run("--date", "2018-03-01")
    assert "已下发通知4份" in output  # two task notices sent late, two yellows
    assert Notice.objects.count() == 4


def test_a_bad_date_is_refused_with_a_message(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--date", "2018-02-30")


def test_going_back_before_the_last_scan_is_refused(lead_assignment):
    with at(D(2018, 6, 1)):
        _run("--date", "2018-03-01")
        with pytest.raises(CommandError, match="不能回到2018-02-01"):
            _run("--date", "2018-02-01")
