"""In a real browser: a report sent with a mistake keeps its chosen evidence file (已选择), and
once the mistake is fixed the evidence is stored without choosing the file again."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tasks.models import Evidence, ProgressReport
from tests.test_browser import Person, _day, browser  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser


def test_a_chosen_evidence_file_survives_a_failed_submit(
    browser,  # noqa: F811 (the fixture imported above)
    live_server,
    settings,
    alice,
    lead_assignment,
    tmp_path,
):
    evidence = tmp_path / "进度说明.pdf"
    evidence.write_bytes(b"%PDF-1.4 progress")
    _day(settings, dt.date(2018, 6, 25))
    staff = Person(browser, live_server, "alice")
    staff.go(f"/assignments/{lead_assignment.pk}/report/")
    staff.page.fill("#id_progress_percent", "40")
    staff.page.set_input_files("#id_evidence", str(evidence))
    staff.page.click("button[value=submit]")  # the work done is missing: the server refuses

    expect(staff.page.locator(".messages")).to_contain_text("未保存")
    expect(staff.page.locator(".staged-files")).to_contain_text("已选择：进度说明.pdf")
    assert not Evidence.objects.exists()
    staff.shot("report-form-kept-file")

    staff.page.fill("#id_work_done", "完成项目立项")
    staff.page.click("button[value=submit]")

    expect(staff.page.locator(".messages")).to_contain_text("已报送督查室")
    expect(staff.page.locator(".files")).to_contain_text("进度说明.pdf")
    stored = Evidence.objects.get(report=ProgressReport.objects.get(assignment=lead_assignment))
    assert stored.original_name == "进度说明.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 progress"
    staff.close()
