"""The unit's report form: draft, submit, return and refile, evidence, and bad input that stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.choices import AssignmentStatus, ReportStatus
from tasks.models import Evidence, ProgressReport
from tests.workspace_data import at, filed_report, jpeg

D = dt.date
GOOD = {
    "progress_percent": "40",
    "work_done": "完成项目前期手续",
    "problems": "征地偏慢",
    "next_plan": "加快推进",
    "suggestions": "",
}


@pytest.fixture
def url(lead_assignment):
    return reverse("report_edit", args=[lead_assignment.pk])


def _post(client, url, day=None, **data):
    with at(day or D(2018, 6, 25)):
        return client.post(url, data)


def _text(response) -> str:
    return response.content.decode()


def test_staff_save_a_draft_that_reaches_no_one(client, alice, url, lead_assignment):
    client.force_login(alice)
    response = _post(client, url, **GOOD, action="save")
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.DRAFT
    assert report.period == "2018-06" and report.problems == "征地偏慢"


def test_staff_submit_a_report_with_evidence(client, alice, url, lead_assignment):
    client.force_login(alice)
    response = _post(client, url, **GOOD, action="submit", evidence=[jpeg("a.jpg"), jpeg("b.jpg")])
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_detail", args=[report.pk])
    assert report.status == ReportStatus.SUBMITTED
    assert sorted(report.evidence.values_list("original_name", flat=True)) == ["a.jpg", "b.jpg"]
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == AssignmentStatus.IN_PROGRESS


def test_an_indicator_report_asks_for_the_value_not_a_percent(client, alice, erin, unit_a, leader):
    from tests.workspace_data import issued_target_of

    target = issued_target_of(
        unit_a, office=erin, leader=leader, target_type="indicator", measure_unit="亿元", target_value=400
    )
    assignment = target.assignments.get()
    client.force_login(alice)
    page = _text(client.get(reverse("report_edit", args=[assignment.pk])))
    assert 'name="actual_value"' in page and 'name="progress_percent"' not in page
    _post(
        client, reverse("report_edit", args=[assignment.pk]), actual_value="100", work_done="完成投资", action="submit"
    )
    report = ProgressReport.objects.get()
    assert report.actual_value == 100 and report.progress_percent == 25


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**GOOD, "progress_percent": "150"}, "进度须在0到100%之间"),
        ({**GOOD, "progress_percent": ""}, "请填写累计进度（%）"),
        ({**GOOD, "work_done": "  "}, "报送前请填写工作进展"),
    ],
    ids=["percent-150", "percent-empty", "work-done-empty"],
)
def test_bad_input_gets_a_chinese_message_and_stores_nothing(client, alice, url, data, message):
    client.force_login(alice)
    response = _post(client, url, **data, action="submit", evidence=[jpeg()])
    assert response.status_code == 200
    assert message in _text(response)
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused_and_nothing_is_stored(client, alice, url, settings):
    settings.ZMD_EVIDENCE_MAX_MB = 1
    client.force_login(alice)
    big = SimpleUploadedFile("大文件.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10), content_type="application/pdf")
    response = _post(client, url, **GOOD, action="submit", evidence=[big])
    assert "大文件.pdf：文件超过1 MB" in _text(response)
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_a_wrong_file_type_is_refused_and_nothing_is_stored(client, alice, url):
    client.force_login(alice)
    program = SimpleUploadedFile("工具.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = _post(client, url, **GOOD, action="save", evidence=[program])
    assert "不接受“exe”类型的文件" in _text(response)
    assert not ProgressReport.objects.exists()


def test_a_returned_report_keeps_what_was_stored_when_the_refile_is_bad(client, alice, erin, lead_assignment, url):
    report = filed_report(lead_assignment, alice)
    from tasks import services

    services.return_report(report, acting_user=erin, reason="佐证材料不全")
    client.force_login(alice)
    response = _post(client, url, D(2018, 6, 26), **{**GOOD, "progress_percent": "150"}, action="submit")
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.progress_percent == 40
    assert report.evidence.count() == 1


def test_a_crafted_post_for_another_units_assignment_is_refused(client, bob, lead_assignment, url):
    client.force_login(bob)
    response = _post(client, url, **GOOD, action="submit")
    assert response.status_code == 404
    assert "不存在" in _text(response)
    assert not ProgressReport.objects.exists()


def test_returned_then_refiled_then_accepted(client, alice, erin, lead_assignment, url):
    client.force_login(alice)
    _post(client, url, **GOOD, action="submit", evidence=[jpeg()])
    report = ProgressReport.objects.get()
    client.force_login(erin)
    with at(D(2018, 6, 26)):
        client.post(reverse("report_return", args=[report.pk]), {"reason": "请补充现场照片"})
    client.force_login(alice)
    page = _text(client.get(url + "?period=2018-06"))
    assert "请补充现场照片" in page
    _post(
        client,
        url,
        D(2018, 6, 27),
        **{**GOOD, "progress_percent": "45"},
        action="submit",
        evidence=[jpeg("新照片.jpg")],
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.return_reason == ""
    client.force_login(erin)
    with at(D(2018, 6, 28)):
        client.post(reverse("report_accept", args=[report.pk]))
    lead_assignment.refresh_from_db()
    assert lead_assignment.progress_percent == 45
    reasons = list(report.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert any("请补充现场照片" in (reason or "") for reason in reasons)


def test_a_return_without_a_reason_is_refused(client, alice, erin, lead_assignment):
    report = filed_report(lead_assignment, alice)
    client.force_login(erin)
    response = client.post(reverse("report_return", args=[report.pk]), {"reason": " "}, follow=True)
    assert "请填写退回原因" in _text(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_unit_head_approves_before_the_office_sees_it(client, alice, carol, erin, unit_a, lead_assignment):
    unit_a.requires_head_approval = True
    unit_a.save()
    report = filed_report(lead_assignment, alice)
    assert report.status == ReportStatus.PENDING_APPROVAL
    client.force_login(erin)
    assert str(report.assignment.target.title) not in _text(client.get(reverse("review_queue")))
    client.force_login(carol)
    assert report.assignment.target.title in _text(client.get(reverse("approvals")))
    with at(D(2018, 6, 26)):
        client.post(reverse("report_approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.approved_by == carol
    client.force_login(erin)
    assert report.assignment.target.title in _text(client.get(reverse("review_queue")))


def test_evidence_downloads_only_for_those_who_see_the_report(client, alice, bob, lead_assignment):
    report = filed_report(lead_assignment, alice)
    evidence = report.evidence.get()
    client.force_login(alice)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 jpeg data"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(bob)
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404


def test_the_lead_unit_sees_its_co_units_reports(client, alice, bob, issued_target, unit_b):
    co_assignment = issued_target.assignments.get(unit=unit_b)
    report = filed_report(co_assignment, bob)
    client.force_login(alice)
    page = _text(client.get(reverse("report_list") + "?co=1"))
    assert reverse("report_detail", args=[report.pk]) in page
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200
    lead = issued_target.assignments.exclude(unit=unit_b).get()
    assert reverse("report_detail", args=[report.pk]) in _text(client.get(reverse("assignment_detail", args=[lead.pk])))


def test_my_reports_list_the_units_history(client, alice, lead_assignment):
    first = filed_report(lead_assignment, alice, day=D(2018, 5, 25), period="2018-05")
    second = filed_report(lead_assignment, alice)
    client.force_login(alice)
    page = _text(client.get(reverse("report_list")))
    assert page.index(second.period) < page.index(first.period)
