"""Redis (cache and broker) is never needed to answer: pages and imports with a dead and with a
hung Redis, and imports whose job was lost on the way.

"Dead" is a port where nothing listens; "hung" is a server that accepts the connection and never
answers (a wedged Redis, a half-open firewall). Timeouts are cut to a fraction of a second here.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
import time_machine
from celery.app.task import Task
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accountability import services as acc
from tasks import services
from tasks.choices import ImportStatus
from tasks.models import ImportJob, Target
from tests.notice_helpers import D, at
from tests.scenarios import approving_leader
from tests.sheets import make_sheet, row
from zmd_targets.celery import app

TIMEOUTS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}


@pytest.fixture
def hung_server():
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def _resume_cache():
    from zmd_targets import cache

    getattr(cache, "resume", lambda: None)()


@pytest.fixture(params=["dead", "hung"])
def redis_away(request, settings, monkeypatch):
    """The cache and every job's broker point at a Redis that is dead or hung."""
    url = "redis://127.0.0.1:1/0" if request.param == "dead" else request.getfixturevalue("hung_server")
    backend = getattr(settings, "REDIS_CACHE_BACKEND", "django.core.cache.backends.redis.RedisCache")
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": url, "OPTIONS": TIMEOUTS, "KEY_PREFIX": "t"}}
    _resume_cache()
    broker = app.connection_for_write(url, transport_options={**TIMEOUTS, "max_retries": 0})
    send = Task.apply_async
    monkeypatch.setattr(
        Task, "apply_async", lambda self, *args, **kwargs: send(self, *args, connection=broker, **kwargs)
    )
    yield request.param
    broker.release()
    _resume_cache()


@pytest.fixture
def published(erin, issued_target):
    with at(D(2018, 8, 2)):
        disclosure = acc.prepare_disclosure(month=D(2018, 7, 1), acting_user=erin)
        disclosure = acc.approve_disclosure(disclosure, acting_user=approving_leader())
        return acc.publish_disclosure(disclosure, acting_user=erin)


def test_the_public_pages_answer_without_the_cache(client, published, redis_away):
    assert client.get(reverse("public:index")).status_code == 200
    for _ in range(2):  # the second answer does not wait on Redis again
        response = client.get(reverse("public:detail", args=[published.pk]))
        assert response.status_code == 200 and "驻马店市人民政府督查室发布" in response.content.decode()


def test_the_office_and_a_leader_work_through_their_pages_without_redis(client, erin, dave, issued_target, redis_away):
    from tests.crawl import crawl, seeds

    for person in (erin, dave):
        client.force_login(person)
        walked = crawl(client, ["/", *seeds()], per_pattern=1, limit=25)
        assert walked.server_errors() == {} and 200 in walked.statuses.values()


@pytest.fixture
def sheet(tmp_path, unit_a):
    return make_sheet(tmp_path / "分解表.xlsx", [row(目标任务="压缩审批时限"), row(目标任务="推行一网通办")])


def _upload(client, path):
    return client.post(
        reverse("excel:import"), {"file": SimpleUploadedFile(path.name, path.read_bytes()), "year": 2018}
    )


def test_a_large_import_is_checked_and_saved_at_once_when_the_queue_is_away(
    client, erin, sheet, settings, redis_away, django_capture_on_commit_callbacks
):
    settings.ZMD_IMPORT_INLINE_KB = 0  # every sheet is "large": handed to a job
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, sheet)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("excel:import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and Target.objects.count() == 2


def _queued_and_lost(client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks) -> ImportJob:
    """The broker took the job, and then it was lost (the message, or the worker with it)."""
    settings.ZMD_IMPORT_INLINE_KB = 0
    monkeypatch.setattr("tasks.services.import_jobs.enqueue", lambda task, *args: True)
    client.force_login(erin)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, sheet)
    return ImportJob.objects.get()


def test_an_import_whose_job_was_lost_is_picked_up_by_the_sweep(
    client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks
):
    job = _queued_and_lost(client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks)
    assert services.resume_stalled_imports() == 0  # still within the time a worker may take
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert services.resume_stalled_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_an_import_whose_worker_died_mid_check_or_mid_save_is_taken_back(
    client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks
):
    job = _queued_and_lost(client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, phase="reading", heartbeat_at=long_ago)
    assert services.resume_stalled_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        services.commit_import(job, acting_user=erin)
    ImportJob.objects.filter(pk=job.pk).update(phase="saving", heartbeat_at=long_ago)
    assert services.resume_stalled_imports() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and Target.objects.count() == 2


def test_a_stalled_import_shows_a_retry_button_that_finishes_it(
    client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks
):
    job = _queued_and_lost(client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks)
    detail = reverse("excel:import-detail", args=[job.pk])
    assert "重试" not in client.get(detail).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=5))
    page = client.get(detail).content.decode()
    assert reverse("excel:import-retry", args=[job.pk]) in page and "重试" in page
    client.post(reverse("excel:import-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_a_redelivered_save_does_not_run_beside_the_one_still_working(erin, sheet, client, settings, monkeypatch,
                                                                   django_capture_on_commit_callbacks):  # fmt: skip
    job = _queued_and_lost(client, erin, sheet, settings, monkeypatch, django_capture_on_commit_callbacks)
    services.check_import(job.pk)
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.commit_import(job, acting_user=erin)
    ImportJob.objects.filter(pk=job.pk).update(phase="saving", heartbeat_at=timezone.now())  # another run holds it
    services.run_commit(job.pk)
    assert ImportJob.objects.get().status == ImportStatus.COMMITTING and not Target.objects.exists()
