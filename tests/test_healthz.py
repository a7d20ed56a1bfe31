"""/healthz: 200 when the database, the cache, the broker and last night's jobs are fine; 503 with
the failing check named otherwise. No login, no cookie, no personal data."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accountability.models import ScoringRun, SupervisionRun
from accountability.tasks import run_daily_scoring, run_supervision_scan
from zmd_targets.celery import app


@pytest.fixture
def jobs_ran(db):
    """Last night's scan and scoring, run as beat runs them (eagerly, in this process)."""
    run_supervision_scan.apply().get()
    run_daily_scoring.apply().get()
    assert SupervisionRun.objects.filter(finished_at__isnull=False).exists()
    assert ScoringRun.objects.filter(finished_at__isnull=False, error="").exists()


def _health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def _failing(body) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}


def test_all_well_answers_200_with_every_check(client, jobs_ran):
    status, body = _health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "last_scan", "last_scoring"}
    assert _failing(body) == set()


def test_it_needs_no_login_and_sets_no_cookie(client, jobs_ran):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_jobs_that_never_ran_answer_503(client, db):
    status, body = _health(client)
    assert status == 503 and body["status"] == "failing"
    assert _failing(body) == {"last_scan", "last_scoring"}
    assert body["checks"]["last_scan"]["detail"] == "never finished"


def test_a_scan_older_than_its_limit_answers_503(client, jobs_ran, settings):
    settings.ZMD_HEALTH_SCORING_MAX_HOURS = 1000
    with time_machine.travel(timezone.now() + dt.timedelta(hours=settings.ZMD_HEALTH_SCAN_MAX_HOURS + 1)):
        status, body = _health(client)
    assert status == 503 and _failing(body) == {"last_scan"}
    settings.ZMD_HEALTH_SCAN_MAX_HOURS = 1000
    with time_machine.travel(timezone.now() + dt.timedelta(hours=27)):
        assert _health(client)[0] == 200


def test_an_undone_scan_and_a_failed_scoring_run_do_not_count(client, jobs_ran):
    SupervisionRun.objects.update(undone_at=timezone.now())
    ScoringRun.objects.update(error="RuntimeError: boom")
    status, body = _health(client)
    assert status == 503 and _failing(body) == {"last_scan", "last_scoring"}


def test_a_broker_that_does_not_answer_answers_503_within_seconds(client, jobs_ran, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    began = time.monotonic()
    status, body = _health(client)
    assert time.monotonic() - began < 5
    assert status == 503 and _failing(body) == {"broker"}
    assert "Error" in body["checks"]["broker"]["detail"]


def test_a_cache_that_is_away_answers_503_though_pages_forgive_it(client, jobs_ran, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "zmd_targets.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    status, body = _health(client)
    assert status == 503 and _failing(body) == {"cache"}


def test_a_database_that_fails_answers_503(client, jobs_ran, monkeypatch):
    from ops import health

    class Broken:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", Broken())
    status, body = _health(client)
    assert status == 503 and "database" in _failing(body)
    assert "could not connect" in body["checks"]["database"]["detail"]


def test_the_live_check_ignores_the_nightly_jobs(client, db):
    response = client.get(reverse("healthz_live"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
