"""Job counts and durations for Prometheus, from Celery's own signals.

``zmd_job_runs_total{job, state}`` counts every run of a job by how it ended (SUCCESS, FAILURE,
RETRY …) and ``zmd_job_duration_seconds{job}`` times it. The numbers live in the process that ran
the job: in development and tests (eager jobs, the test worker's thread) the web's /metrics shows
them; in production the worker serves its own on ``ZMD_WORKER_METRICS_PORT`` (started below when the
worker is ready), its pool's processes sharing them through ``PROMETHEUS_MULTIPROC_DIR``, as
prometheus_client's multiprocess mode does for gunicorn's. See docs/OPERATIONS.md.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from celery.signals import task_postrun, task_prerun, worker_ready
from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server

logger = logging.getLogger(__name__)

JOB_RUNS = Counter("zmd_job_runs", "Celery jobs run, by job name and how they ended.", ["job", "state"])
JOB_DURATION = Histogram(
    "zmd_job_duration_seconds",
    "How long a Celery job ran, by job name.",
    ["job"],
    # From a notice's email (a tenth of a second) to a province-scale scan or import (minutes).
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)

_started: dict[str, float] = {}
_lock = threading.Lock()


def _on_prerun(task_id=None, **_kwargs) -> None:
    with _lock:
        _started[task_id] = time.monotonic()


def _on_postrun(task_id=None, task=None, state=None, **_kwargs) -> None:
    with _lock:
        began = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    JOB_RUNS.labels(job=name, state=state or "UNKNOWN").inc()
    if began is not None:
        JOB_DURATION.labels(job=name).observe(time.monotonic() - began)


def _serve_worker_metrics(**_kwargs) -> None:
    port = settings.ZMD_WORKER_METRICS_PORT
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, registry=registry)
    logger.info("Job metrics served on port %d", port)


def connect() -> None:
    task_prerun.connect(_on_prerun, weak=False, dispatch_uid="zmd-job-metrics-prerun")
    task_postrun.connect(_on_postrun, weak=False, dispatch_uid="zmd-job-metrics-postrun")
    worker_ready.connect(_serve_worker_metrics, weak=False, dispatch_uid="zmd-job-metrics-server")
