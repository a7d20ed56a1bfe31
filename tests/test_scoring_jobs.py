"""The scoring job on a real worker (Redis in CI, the filesystem transport on a laptop), and beat's entry."""

from django.conf import settings
from django.utils import timezone

from accountability import services as acc
from accountability.models import ScoringRun
from tests.scenarios import D, at, file_report, issued, link
from zmd_targets.celery import app


def test_the_office_button_enqueues_a_run_that_a_worker_scores(erin, alice, unit_a, worker):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    with at(D(2018, 7, 31)):
        run = acc.request_scoring(month=D(2018, 7, 1), acting_user=erin)  # enqueued on commit
    assert worker.wait_for("accountability.run_scoring") == [True]
    assert ScoringRun.objects.get(pk=run.pk).state == "done"
    assert ScoringRun.objects.get(pk=run.pk).added == {"report_late": 1}


def test_beat_runs_the_scoring_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["daily-scoring"]
    assert entry["task"] == "accountability.run_daily_scoring"
    assert entry["task"] in app.tasks


def test_two_runs_at_once_write_each_entry_once(erin, alice, bob, unit_a, unit_b, transactional_db):
    """Two workers scoring the same days concurrently (threads, each with its own connection)."""
    import threading

    from django.db import connection

    from accountability.choices import RunKind
    from accountability.models import ScoreEntry

    target = issued(erin, unit_a, [unit_b])
    for day, period in ((D(2018, 7, 1), "2018-06"), (D(2018, 8, 1), "2018-07")):
        file_report(link(target, unit_a), alice, day, period=period)
    with at(D(2018, 8, 31), 20):  # two runs of the same days, as two schedulers would make them
        runs = [
            ScoringRun.objects.create(kind=RunKind.MANUAL, up_to=D(2018, 8, 31), requested_by=erin, requested_at=now())
            for now in (timezone.now, timezone.now)
        ]
    barrier = threading.Barrier(2)
    errors = []

    def work(run_id):
        try:
            barrier.wait(timeout=10)
            acc.execute_run(run_id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    keys = list(ScoreEntry.objects.values_list("rule__code", "cause_key"))
    assert len(keys) == len(set(keys)) == 4  # A late twice; B missing June and July
    added = [ScoringRun.objects.get(pk=run.pk).added for run in runs]
    assert sum(sum(counts.values()) for counts in added) == 4
