"""The scoring job on a real worker (Redis in CI, the filesystem transport on a laptop), and beat's entry."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accountability import services as acc
from accountability.models import ScoringRun
from tests.scenarios import D, at, file_report, issued, link
from zmd_targets.celery import app


@pytest.fixture
def worker(transactional_db):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_office_button_enqueues_a_run_that_a_worker_scores(erin, alice, unit_a, worker):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    with at(D(2018, 7, 31)):
        run = acc.request_scoring(month=D(2018, 7, 1), acting_user=erin)  # enqueued on commit
    assert _wait_for(lambda: ScoringRun.objects.get(pk=run.pk).state == "done")
    assert ScoringRun.objects.get(pk=run.pk).added == {"report_late": 1}


def test_beat_runs_the_scoring_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-scoring"]
    assert entry["task"] == "accountability.run_daily_scoring"
    assert entry["task"] in app.tasks
