"""The office console's Excel pages: upload → dry run → commit, the progress JSON, downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tasks.choices import ImportStatus
from tasks.models import ImportJob, Target
from tests.data.office import OFFICE
from tests.factories import TargetFactory
from tests.sheets import make_sheet, row


def _upload(client, path, **data):
    file = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("excel:import"), {"file": file, "year": 2018, **data})


@pytest.fixture
def sheet(tmp_path, unit_a):
    return make_sheet(tmp_path / "分解表.xlsx", [row(目标任务="压缩审批时限"), row(目标任务="推行一网通办")])


def test_the_office_uploads_sees_the_dry_run_and_commits(client, erin, sheet):
    client.force_login(erin)
    response = _upload(client, sheet)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("excel:import-detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "压缩审批时限" in page and "新建" in page
    assert not Target.objects.exists()
    client.post(reverse("excel:import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Target.objects.count() == 2
    assert Target.objects.first().history.get().history_user == erin


def test_a_refused_file_shows_its_reason_in_chinese(client, erin, tmp_path):
    client.force_login(erin)
    path = tmp_path / "旧表.xls"
    path.write_text("序号,目标任务\n1,压缩审批时限", encoding="gbk")
    page = client.get(_upload(client, path)["Location"]).content.decode()
    assert "这是CSV文件" in page and "另存为" in page and "旧表.xls" in page
    assert ImportJob.objects.get().status == ImportStatus.REFUSED


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_sheet_saved_by_office_software_uploads_and_commits(client, erin, unit_a, unit_b, leader, fmt):
    client.force_login(erin)
    page = client.get(_upload(client, OFFICE / f"breakdown.{fmt}")["Location"]).content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED and job.report["valid"]
    assert "工作表：分解表" in page
    assert "第7行（隐藏）：已经取消的任务" in page  # listed, left out
    client.post(reverse("excel:import-commit", args=[job.pk]))
    assert Target.objects.filter(title="全市固定资产投资").exists()
    assert not Target.objects.filter(title="已经取消的任务").exists()


def test_ticking_include_hidden_rows_checks_the_sheet_again_with_them(client, erin, unit_a, unit_b, leader):
    client.force_login(erin)
    _upload(client, OFFICE / "breakdown.ods")
    job = ImportJob.objects.get()
    client.post(reverse("excel:import-options", args=[job.pk]), {"sheet": "分解表", "include_hidden": "1"})
    job.refresh_from_db()
    assert job.include_hidden and job.report["hidden_rows"] == []
    assert "已经取消的任务" in [row["title"] for row in job.report["rows"]]


def test_include_hidden_rows_can_be_ticked_when_uploading(client, erin, unit_a, unit_b, leader):
    client.force_login(erin)
    _upload(client, OFFICE / "breakdown.xlsx", include_hidden="on")
    job = ImportJob.objects.get()
    assert "已经取消的任务" in [row["title"] for row in job.report["rows"]]


def test_a_workbook_with_two_tables_asks_which_sheet_to_read(client, erin, unit_a, unit_b):
    client.force_login(erin)
    page = client.get(_upload(client, OFFICE / "two_tables.xls")["Location"]).content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHOOSE_SHEET
    assert 'value="县区"' in page and 'value="市直部门"' in page
    assert not Target.objects.exists()
    client.post(reverse("excel:import-options", args=[job.pk]), {"sheet": "市直部门"})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.sheet == "市直部门"
    client.post(reverse("excel:import-commit", args=[job.pk]))
    assert list(Target.objects.values_list("title", flat=True)) == ["部门任务"]


def test_a_sheet_being_saved_cannot_be_checked_again(client, erin, sheet):
    client.force_login(erin)
    _upload(client, sheet)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING)
    response = client.post(reverse("excel:import-options", args=[job.pk]), {"sheet": "Sheet"}, follow=True)
    assert "正在" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING


def test_a_sheet_with_problems_cannot_be_committed(client, erin, tmp_path, unit_a):
    client.force_login(erin)
    path = make_sheet(tmp_path / "bad.xlsx", [row(目标任务="任务", 牵头单位="不存在的局")])
    job_url = _upload(client, path)["Location"]
    page = client.get(job_url).content.decode()
    assert "第3行" in page and "不存在的局" in page
    job = ImportJob.objects.get()
    client.post(reverse("excel:import-commit", args=[job.pk]))
    assert not Target.objects.exists()


def test_a_large_sheet_is_checked_by_a_job_and_the_page_follows_its_progress(
    client, erin, sheet, settings, django_capture_on_commit_callbacks
):
    settings.ZMD_IMPORT_INLINE_KB = 0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from zmd_targets.celery import app

    app.conf.task_always_eager = True
    try:
        client.force_login(erin)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _upload(client, sheet)
        job = ImportJob.objects.get()
        status = client.get(reverse("excel:import-status", args=[job.pk])).json()
        assert status["running"] and status["status"] == "uploaded"
        assert "js/import-progress.js" in client.get(reverse("excel:import-detail", args=[job.pk])).content.decode()
        for callback in callbacks:
            callback()
        status = client.get(reverse("excel:import-status", args=[job.pk])).json()
        assert (status["status"], status["percent"], status["running"]) == ("checked", 100, False)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("excel:import-commit", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == ImportStatus.COMMITTED
    finally:
        app.conf.task_always_eager = False


def test_running_the_check_job_twice_does_nothing_the_second_time(client, erin, sheet):
    from tasks import services

    client.force_login(erin)
    _upload(client, sheet)
    job = ImportJob.objects.get()
    history = job.history.count()
    services.check_import(job.pk)
    services.run_commit(job.pk)
    assert job.history.count() == history
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_only_the_office_may_import(client, request, who, sheet):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("excel:import")).status_code == 403
    assert _upload(client, sheet).status_code == 403


def test_another_offices_job_is_not_found_by_a_unit(client, erin, alice, sheet):
    client.force_login(erin)
    _upload(client, sheet)
    client.force_login(alice)
    job = ImportJob.objects.get()
    assert client.get(reverse("excel:import-status", args=[job.pk])).status_code == 403


def _downloaded_rows(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_the_breakdown_download_has_a_fixed_query_count(client, erin, django_assert_num_queries, unit_a):
    client.force_login(erin)
    url = reverse("excel:export-breakdown") + "?year=2018"
    TargetFactory.create_batch(2)
    client.get(url)  # warm the session and roles
    with django_assert_num_queries(6) as small:
        response = client.get(url)
        rows = _downloaded_rows(response)
    TargetFactory.create_batch(20)
    with django_assert_num_queries(len(small.captured_queries)):
        rows = _downloaded_rows(client.get(url))
    assert len(rows) == 2 + 22


def test_a_unit_downloads_its_own_status_table_but_not_anothers(client, alice, issued_target, unit_a, unit_b):
    client.force_login(alice)
    rows = _downloaded_rows(client.get(reverse("excel:export-unit-status", args=[unit_a.pk]) + "?year=2018"))
    assert rows[2][1] == issued_target.title
    assert client.get(reverse("excel:export-unit-status", args=[unit_b.pk])).status_code == 404
    assert client.get(reverse("excel:export-breakdown")).status_code == 403
