"""A real Celery round trip: a worker started by the test consumes from the configured broker
(Redis in CI, the filesystem transport on a bare laptop) and runs a job against the database."""

from django.conf import settings

from tasks import services
from tasks.models import Assignment
from tasks.tasks import refresh_planned_progress
from zmd_targets.celery import app


def test_the_broker_is_redis_when_redis_url_is_set():
    transport = app.connection_for_write().transport_cls
    if settings.REDIS_URL:
        assert transport == "redis"
    else:
        assert transport == "filesystem"


def test_a_worker_runs_the_nightly_plan_refresh(issued_target, worker):
    Assignment.objects.update(planned_percent=0, planned_as_of=None)
    refresh_planned_progress.delay()
    [refreshed] = worker.wait_for("tasks.refresh_planned_progress")
    assert refreshed == Assignment.objects.count()
    assert not Assignment.objects.filter(planned_as_of=None).exists()
    # Every milestone of the 2018 plan is in the past now: the whole plan is due.
    assert set(Assignment.objects.values_list("planned_percent", flat=True)) == {100}


def test_the_job_run_twice_gives_the_same_answer(issued_target):
    first = services.refresh_planned_progress()
    values = list(Assignment.objects.order_by("pk").values_list("planned_percent", "planned_as_of"))
    second = services.refresh_planned_progress()
    assert first == second
    assert list(Assignment.objects.order_by("pk").values_list("planned_percent", "planned_as_of")) == values
