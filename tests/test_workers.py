"""Workers that die: a lost job comes back within minutes, runs they left unfinished are marked
abandoned and shown, and the next nightly job catches up."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accountability.models import Notice, ScoringRun, SupervisionRun
from accountability.tasks import run_daily_scoring, run_supervision_scan
from tests.notice_helpers import D, at, file_report


def test_a_lost_job_is_redelivered_in_minutes_and_no_job_outlives_its_visibility():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.JOB_VISIBILITY_SECONDS <= 15 * 60  # was 3,600 s: a killed scan waited an hour
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < settings.JOB_VISIBILITY_SECONDS
    assert settings.CELERY_TASK_TIME_LIMIT >= 5 * 60  # far above the longest job (a minute or two)
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == settings.JOB_VISIBILITY_SECONDS


def test_a_scan_its_worker_left_unfinished_is_marked_abandoned_shown_and_caught_up(
    client, erin, alice, lead_assignment
):
    file_report(lead_assignment, alice, D(2018, 1, 25), 5, accept_by=erin)
    with at(D(2018, 3, 1), 2):  # the worker died a minute into the night's scan
        dead = SupervisionRun.objects.create(day=D(2018, 3, 1), started_at=timezone.now())
    with at(D(2018, 3, 2), 1, 45):  # a scan the office started a quarter of an hour ago, still running
        fresh = SupervisionRun.objects.create(day=D(2018, 3, 1), started_at=timezone.now())
    with at(D(2018, 3, 2), 2):
        summary = run_supervision_scan.run()
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.abandoned_at is not None and fresh.abandoned_at is None
    assert summary.get("warnings_issued")  # the next run did the work the dead one never finished
    assert Notice.objects.filter(kind="warning", assignment=lead_assignment).exists()
    client.force_login(erin)
    with at(D(2018, 3, 2)):
        page = client.get(reverse("notices:register")).content.decode()
    assert "已中断" in page and reverse("notices:scan_undo", args=[dead.pk]) in page


def test_a_scoring_run_its_worker_left_running_is_closed_and_the_night_scores_again(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 3, 5), 20)  # late: the ledger gets an entry
    with at(D(2018, 3, 10), 22):
        stuck = ScoringRun.objects.create(
            kind="scheduled", up_to=D(2018, 3, 9), requested_by=erin, requested_at=timezone.now(),
            started_at=timezone.now(),
        )  # fmt: skip
    with at(D(2018, 3, 11), 3):
        run_daily_scoring.run()
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "已中断" in stuck.error  # written in the office's language
    nightly = ScoringRun.objects.get(up_to=D(2018, 3, 10))
    assert nightly.state == "done"
