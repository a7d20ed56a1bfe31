"""Control characters pasted from Word or a PDF (\\x0b, \\x01 …): removed on the way in, and every .xlsx
and .docx still writes when a row stored before that rule (or by a bulk path) holds one."""

import io
import zipfile
from xml.etree import ElementTree

from django.urls import reverse
from openpyxl import load_workbook

from accountability import services
from accountability.models import Notice
from core.text import strip_control
from tasks import services as ledger
from tasks.models import Target
from tests.notice_helpers import D, at

DIRTY = "推进\x0b多证合一\x01改革\x7f"


def test_strip_control_keeps_tab_and_line_breaks():
    assert strip_control("甲\t乙\n丙\r\n丁\x0b戊\x00\x1f\x85") == "甲\t乙\n丙\r\n丁戊"


def test_a_service_saves_text_without_control_characters(issued_target, erin):
    ledger.update_target(issued_target, acting_user=erin, title=DIRTY)
    issued_target.refresh_from_db()
    assert issued_target.title == "推进多证合一改革"


def test_a_report_typed_with_control_characters_is_stored_clean(lead_assignment, alice):
    with at(D(2018, 3, 20)):
        report = ledger.save_report(
            lead_assignment, acting_user=alice, progress_percent=10, work_done="完成\x0b方案", problems="资金\x01"
        )
    report.refresh_from_db()
    assert (report.work_done, report.problems) == ("完成方案", "资金")


def _dirty_rows(target):
    """As a row stored before the rule: written by .update(), which runs no save hooks."""
    Target.objects.filter(pk=target.pk).update(title=DIRTY, remarks="备注\x0c")


def _workbook(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def _downloads(issued_target, unit_a, erin) -> list[str]:
    with at(D(2018, 1, 2), 11):
        services.issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)
    letter = services.prepare_letters(2018, acting_user=erin)[0]
    return [
        reverse("excel:export-breakdown"),
        reverse("excel:export-unit-status", args=[unit_a.pk]),
        reverse("notices:register_xlsx"),
        reverse("scores:ranking-xlsx"),
        reverse("letters:xlsx", args=[letter.pk]),
    ]


def test_every_excel_download_writes_a_stored_dirty_row(client, erin, issued_target, unit_a):
    urls = _downloads(issued_target, unit_a, erin)
    _dirty_rows(issued_target)
    Notice.objects.update(title="任务告知单\x0b")
    client.force_login(erin)
    for url in urls:
        assert _workbook(client.get(url, {"year": 2018})).active.max_row >= 2, url


def test_the_breakdown_download_holds_the_title_without_the_characters(client, erin, issued_target):
    _dirty_rows(issued_target)
    client.force_login(erin)
    workbook = _workbook(client.get(reverse("excel:export-breakdown"), {"year": 2018}))
    cells = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert "推进多证合一改革" in cells


def test_a_notice_on_a_dirty_target_downloads_as_a_word_document(client, erin, issued_target):
    with at(D(2018, 1, 2), 11):
        notice = services.issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)[
            0
        ]
    Notice.objects.filter(pk=notice.pk).update(title="任务告知单\x0b", body="请\x01落实")
    client.force_login(erin)
    response = client.get(reverse("notices:download", args=[notice.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        ElementTree.fromstring(package.read("word/document.xml"))  # well-formed: Word opens it
