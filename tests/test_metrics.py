"""/metrics: Prometheus's page with request and job metrics; only with the bearer token in production."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accountability.tasks import run_daily_scoring

JOB = "accountability.run_daily_scoring"


def _value(page: str, metric: str) -> float:
    found = re.search(rf"^{re.escape(metric)} (\S+)$", page, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _page(client, **headers) -> str:
    response = client.get(reverse("metrics"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_job_run_is_counted_and_timed(client, db):
    runs = f'zmd_job_runs_total{{job="{JOB}",state="SUCCESS"}}'
    timed = f'zmd_job_duration_seconds_count{{job="{JOB}"}}'
    before = _page(client)
    run_daily_scoring.apply().get()
    after = _page(client)
    assert _value(after, runs) == _value(before, runs) + 1
    assert _value(after, timed) == _value(before, timed) + 1


def test_a_failed_job_is_counted_as_failed(client, db, monkeypatch):
    from accountability.services import scoring

    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(scoring, "mark_abandoned_runs", broken)
    failed = f'zmd_job_runs_total{{job="{JOB}",state="FAILURE"}}'
    before = _value(_page(client), failed)
    run_daily_scoring.apply()
    assert _value(_page(client), failed) == before + 1


def test_requests_are_measured(client, db):
    client.get(reverse("login"))
    assert "django_http_requests_total_by_view_transport_method_total" in _page(client)


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    return settings


def test_production_refuses_it_without_a_token_set(client, db, production):
    production.ZMD_METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 403


def test_production_asks_for_the_bearer_token(client, db, production):
    production.ZMD_METRICS_TOKEN = "s3cret-token-of-the-monitoring"
    assert client.get(reverse("metrics")).status_code == 403
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Token s3cret-token-of-the-monitoring").status_code == 403
    assert "zmd_job_runs" in _page(client, HTTP_AUTHORIZATION="Bearer s3cret-token-of-the-monitoring")
