"""The file paths on both storages: the local folder (the default) and S3-compatible object storage
(MinIO in production), here moto's S3 server started in a thread of this process. An evidence file
filed with a report and downloaded through its page, a breakdown sheet uploaded and read back by the
importer's child process, and a generated file (a clue's re-encoded photo) shown to the office. On
S3 nothing is written to the local folder."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accountability.models import PublicFeedback
from tasks.choices import ImportStatus
from tasks.models import Evidence, ImportJob, Target
from tests.data.make_sample import LEADERS as SAMPLE_LEADERS
from tests.data.make_sample import UNITS as SAMPLE_UNITS
from tests.data.office import office_file
from tests.factories import LeaderFactory, UnitFactory
from tests.feedback.conftest import published, road, send  # noqa: F401 - fixtures of the clue's path
from tests.workspace_data import at, jpeg

D = dt.date
SAMPLE_TARGETS = 7  # the sample's targets with the section rows they sit under
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Stored:
    """What the chosen storage holds, asked of the storage itself (the bucket, or the folder)."""

    def __init__(self, kind, settings, endpoint=None):
        self.kind, self.settings, self.endpoint = kind, settings, endpoint
        if kind == "s3":
            self.bucket = f"zmd-test-{uuid.uuid4().hex[:12]}"
            self.client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                                       aws_secret_access_key="testing", region_name="us-east-1")  # fmt: skip
            self.client.create_bucket(Bucket=self.bucket)
            options = {"endpoint_url": endpoint, "bucket_name": self.bucket, "addressing_style": "path",
                       "file_overwrite": False, "default_acl": None, "querystring_auth": True, **KEYS}  # fmt: skip
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            }

    def has(self, name: str) -> bytes | None:
        if self.kind == "s3":
            try:
                return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
            except self.client.exceptions.NoSuchKey:
                return None
        path = self.settings.MEDIA_ROOT / name
        return path.read_bytes() if path.exists() else None

    def local_files(self) -> list:
        return [path for path in self.settings.MEDIA_ROOT.rglob("*") if path.is_file()]


@pytest.fixture(params=["local", "s3"])
def stored(request, settings):
    endpoint = request.getfixturevalue("s3_endpoint") if request.param == "s3" else None
    return Stored(request.param, settings, endpoint)


def test_evidence_filed_with_a_report_downloads_through_its_page(stored, client, alice, bob, lead_assignment):
    client.force_login(alice)
    data = {"progress_percent": "40", "work_done": "完成前期手续", "problems": "", "next_plan": "推进",
            "suggestions": "", "action": "submit", "evidence": [jpeg("现场照片.jpg")]}  # fmt: skip
    with at(D(2018, 6, 25)):
        assert client.post(reverse("report_edit", args=[lead_assignment.pk]), data).status_code == 302
    evidence = Evidence.objects.get()
    assert stored.has(evidence.file.name) == b"\xff\xd8\xff\xe0 jpeg data"
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 jpeg data"
    client.force_login(bob)
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    if stored.kind == "s3":
        assert stored.local_files() == []


def test_an_uploaded_sheet_is_read_back_checked_and_saved(stored, client, erin):
    """The office's sample breakdown as LibreOffice saved it (tests/data/office/sample.xlsx, the
    sample of tests/data re-saved by LibreOffice Calc: shared strings, its styles, merged cells), as
    real users' files are, not a sheet this project's own writer made."""
    for name in SAMPLE_UNITS:
        UnitFactory(name=name)
    for post in SAMPLE_LEADERS:
        LeaderFactory(post=post)
    sheet = office_file("sample", "xlsx")
    client.force_login(erin)
    upload = SimpleUploadedFile("驻马店市2018年目标任务分解表.xlsx", sheet.read_bytes())
    assert client.post(reverse("excel:import"), {"file": upload, "year": 2018}).status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED, job.message
    assert stored.has(job.file.name) == sheet.read_bytes()
    client.post(reverse("excel:import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED, job.message
    growth = Target.objects.get(title="规模以上工业增加值增长9%")
    assert growth.parent.title == "中央和省下达目标任务"
    assert Target.objects.count() == SAMPLE_TARGETS


def test_a_clue_s_generated_photo_is_stored_and_shown_to_the_office(stored, client, erin, published, road):  # noqa: F811
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(picture, format="PNG")
    photo = SimpleUploadedFile("照片.png", picture.getvalue(), content_type="image/png")
    assert send(client, published, road, photo=photo).status_code == 302
    clue = PublicFeedback.objects.get()
    kept = stored.has(clue.photo.name)
    assert kept is not None and kept.startswith(b"\xff\xd8")  # re-encoded as a JPEG, by us
    client.force_login(erin)
    response = client.get(reverse("public_feedback:photo", args=[clue.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == kept


def test_the_backup_archives_the_storage_s_files(stored, lead_assignment, alice, tmp_path):
    import tarfile

    from ops.backup import _archive_media
    from tests.workspace_data import filed_report

    report = filed_report(lead_assignment, alice)
    name = report.evidence.get().file.name
    assert _archive_media(tmp_path / "media.tar") == 1
    with tarfile.open(tmp_path / "media.tar") as archive:
        assert archive.extractfile(name).read() == stored.has(name) == b"\xff\xd8\xff\xe0 jpeg data"
