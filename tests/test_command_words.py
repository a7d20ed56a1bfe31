"""Command summaries speak Chinese (issue 16): the scan's counts in words, never its dict keys."""

import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.utils import translation

from accountability.models.rules import SUMMARY_LABELS, labelled_summary
from tests.notice_helpers import file_report
from tests.scenarios import at
from tests.test_words import CJK, CODE

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_a_summary_is_told_in_words_even_for_a_key_without_them():
    with translation.override("zh-hans"):
        rows = labelled_summary({"issued_yellow": 2, "warnings_issued": 2, "made_up_key": 1, "closed_caught_up": 0})
    assert rows == [("下发黄色预警", 2), ("其他变动", 1), ("下发预警", 2)]  # in the order of the keys


def test_every_summary_key_has_chinese_words():
    with translation.override("zh-hans"):
        for key, label in SUMMARY_LABELS.items():
            assert CJK.search(str(label)), key


def test_the_scan_command_prints_its_summary_in_chinese(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, dt.date(2018, 2, 25), 2, accept_by=erin)
    out = StringIO()
    with at(dt.date(2018, 6, 1)):  # the test runs in English (conftest): the command speaks the site's language
        call_command("run_supervision_scan", "--date", "2018-03-01", stdout=out)
    output = out.getvalue()
    assert "督办扫描（研判日2018-03-01）" in output
    assert "已下发通知4份" in output
    assert re.search(r"下发黄色预警: 2\b", output)
    assert not CODE.search(output)
    assert not SNAKE.search(output), output
    assert not re.search(r"\b(Issued|notices|warnings)\b", output), output


def test_the_scan_commands_dry_run_says_so_in_chinese(erin, alice, lead_assignment):
    out = StringIO()
    with at(dt.date(2018, 6, 1)):
        call_command("run_supervision_scan", "--date", "2018-03-01", "--dry-run", stdout=out)
    output = out.getvalue()
    assert "试运行：未保存任何内容" in output and "将下发通知" in output
    assert not SNAKE.search(output), output
