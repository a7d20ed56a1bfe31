"""A form that fails keeps the files chosen on it (core/staged_uploads.py, core/forms.py): the page
says 已选择：x.pdf, the next submit uses the kept file without choosing it again, and nobody but the
person who chose a file can claim it."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accountability.forms.feedback import PublicFeedbackForm
from core import staged_uploads
from core.access import RoleKind
from core.forms import KeepsUploads
from tasks.forms.reports import ReportForm
from tasks.models import Evidence, ProgressReport
from tests.factories import RoleFactory, UserFactory
from tests.workspace_data import at

D = dt.date
DAY = D(2018, 6, 25)
GOOD = {"progress_percent": "40", "work_done": "完成项目前期手续", "problems": "", "next_plan": "", "suggestions": ""}
TOKEN = re.compile(r'name="evidence__staged" value="([^"]+)"')


def pdf(name="进度说明.pdf", body=b"%PDF-1.4 the progress"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def url(lead_assignment):
    return reverse("report_edit", args=[lead_assignment.pk])


def _post(client, url, **data):
    with at(DAY):
        return client.post(url, data)


def _staged_names() -> list[str]:
    try:
        return default_storage.listdir(staged_uploads.FOLDER)[1]
    except FileNotFoundError:
        return []


def _failed_with_a_file(client, url, **files):
    """Submit without the work done (an error) but with a chosen file; the page comes back."""
    response = _post(client, url, **{**GOOD, "work_done": ""}, action="submit", **(files or {"evidence": pdf()}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_failed_submit_shows_the_chosen_file_and_the_next_submit_stores_it(client, alice, url):
    client.force_login(alice)
    page = _failed_with_a_file(client, url)
    assert "已选择：进度说明.pdf" in page and "移除" in page
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    token = TOKEN.search(page).group(1)

    response = _post(client, url, **GOOD, action="submit", evidence__staged=token)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "进度说明.pdf" and evidence.uploaded_by == alice
    assert evidence.report.status != "draft"
    with evidence.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 the progress"
    assert _staged_names() == []  # the kept copy is gone once used


def test_a_kept_file_and_a_new_one_are_both_stored(client, alice, url):
    client.force_login(alice)
    token = TOKEN.search(_failed_with_a_file(client, url)).group(1)
    _post(client, url, **GOOD, action="submit", evidence__staged=token, evidence=pdf("补充.pdf"))
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["补充.pdf", "进度说明.pdf"]


def test_a_kept_file_ticked_for_removal_is_not_stored(client, alice, url):
    client.force_login(alice)
    token = TOKEN.search(_failed_with_a_file(client, url)).group(1)
    response = _post(client, url, **GOOD, action="submit", evidence__staged=token, evidence__unstage=token)
    assert response.status_code == 302
    assert not Evidence.objects.exists() and _staged_names() == []


def test_a_file_kept_twice_over_two_failures_is_stored_once(client, alice, url):
    client.force_login(alice)
    token = TOKEN.search(_failed_with_a_file(client, url)).group(1)
    page = _post(client, url, **{**GOOD, "work_done": ""}, action="submit", evidence__staged=token).content.decode()
    assert "已选择：进度说明.pdf" in page
    again = TOKEN.search(page).group(1)
    _post(client, url, **GOOD, action="submit", evidence__staged=again)
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["进度说明.pdf"]


def test_a_file_the_upload_checks_refuse_is_not_kept(client, alice, url):
    client.force_login(alice)
    page = _failed_with_a_file(client, url, evidence=SimpleUploadedFile("tool.exe", b"MZ\x90\x00"))
    assert "已选择" not in page and _staged_names() == []


def test_another_persons_token_is_refused_and_nothing_of_theirs_is_read(client, alice, unit_a, url, lead_assignment):
    client.force_login(alice)
    token = TOKEN.search(_failed_with_a_file(client, url)).group(1)
    colleague = RoleFactory(user=UserFactory(username="alice2"), kind=RoleKind.STAFF, unit=unit_a).user
    client.force_login(colleague)

    response = _post(client, url, **GOOD, action="submit", evidence__staged=token)

    page = response.content.decode()
    assert response.status_code == 200 and "已过期或不属于您" in page
    assert "进度说明.pdf" not in page
    assert not Evidence.objects.exists() and len(_staged_names()) == 1  # still alice's, untouched


def test_another_persons_token_is_refused_by_the_form_itself(alice, bob, lead_assignment):
    with at(DAY):
        staged = staged_uploads.stage(pdf(), owner=alice)
        form = ReportForm({**GOOD, "evidence__staged": staged.token}, assignment=lead_assignment, uploader=bob)
        assert not form.is_valid()
        assert "evidence" in form.errors and not form.staged_for("evidence")
        assert staged_uploads.claim(staged.token, owner=bob) is None
        assert staged_uploads.claim(staged.token, owner=None) is None
        assert staged_uploads.claim(staged.token + "x", owner=alice) is None
        assert staged_uploads.claim(staged.token, owner=alice).read() == b"%PDF-1.4 the progress"


def test_a_token_older_than_a_day_is_refused(alice):
    with at(DAY):
        staged = staged_uploads.stage(pdf(), owner=alice)
    with at(DAY + dt.timedelta(days=2)):
        assert staged_uploads.claim(staged.token, owner=alice) is None


def test_the_cleanup_deletes_staged_files_older_than_a_day(alice, capsys):
    staged_uploads.stage(pdf(), owner=alice)
    assert staged_uploads.remove_expired(timezone.now()) == 0 and len(_staged_names()) == 1
    assert staged_uploads.remove_expired(timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert _staged_names() == []
    call_command("clear_staged_uploads")
    assert "0 staged file(s) removed" in capsys.readouterr().out


def test_the_claim_form_keeps_its_evidence_too(client, alice, lead_assignment):
    url = reverse("assignment_claim", args=[lead_assignment.pk])
    client.force_login(alice)
    with at(DAY):
        page = client.post(url, {"final_percent": "100", "statement": "", "evidence": pdf()}).content.decode()
    assert "已选择：进度说明.pdf" in page
    # The file input is no longer required: the kept file answers "attach at least one".
    assert re.search(r'<input type="file" name="evidence"[^>]*required', page) is None


def _form_classes():
    """Every form class defined in our apps (each module imported, migrations aside)."""
    for app in ("tasks", "accountability", "accounts", "core"):
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    seen, todo = set(), [forms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in ("tasks", "accountability", "accounts")]


def test_every_form_with_a_file_field_keeps_its_files():
    with_files = {
        cls for cls in _form_classes() if any(isinstance(field, forms.FileField) for field in cls.base_fields.values())
    }
    assert ReportForm in with_files  # the scan finds them
    # The public's clue form is anonymous: nobody to own a kept file, and the office's storage is
    # not for strangers' unsent photos.
    assert {cls.__name__ for cls in with_files if not issubclass(cls, KeepsUploads)} == {PublicFeedbackForm.__name__}


def test_the_import_form_keeps_the_chosen_sheet_through_a_wrong_year(client, erin, unit_a, tmp_path):
    from tasks.models import ImportJob
    from tests.sheets import make_sheet, row

    sheet = make_sheet(tmp_path / "分解表.xlsx", [row(目标任务="压缩审批时限")])
    client.force_login(erin)
    upload = SimpleUploadedFile(sheet.name, sheet.read_bytes())
    page = client.post(reverse("excel:import"), {"file": upload, "year": 1999}).content.decode()
    assert "已选择：分解表.xlsx" in page
    assert re.search(r'<input type="file" name="file"[^>]*required', page) is None
    token = re.search(r'name="file__staged" value="([^"]+)"', page).group(1)

    response = client.post(reverse("excel:import"), {"file__staged": token, "year": 2018})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.original_name == "分解表.xlsx"
    assert _staged_names() == []


def test_the_appeal_form_keeps_its_evidence_and_refuses_a_program(client, alice, erin, unit_a):
    from accountability.choices import RuleCode
    from accountability.models import Appeal, ScoreEntry
    from tests.scenarios import file_report, issued, link, score

    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    url = reverse("scores:appeal-new", args=[ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE).pk])
    client.force_login(alice)
    with at(D(2018, 8, 2)):
        refused = client.post(url, {"reason": "系统故障", "evidence": SimpleUploadedFile("x.exe", b"MZ\x90")})
        assert "已选择" not in refused.content.decode() and not Appeal.objects.exists()
        page = client.post(url, {"reason": "", "evidence": pdf("报备记录.pdf")}).content.decode()
        assert "已选择：报备记录.pdf" in page
        token = re.search(r'name="evidence__staged" value="([^"]+)"', page).group(1)
        client.post(url, {"reason": "系统故障，已电话报备", "evidence__staged": token})
    assert Appeal.objects.get().evidence_name == "报备记录.pdf"
