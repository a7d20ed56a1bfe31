"""A real Celery worker for tests, and a wait that ends when the worker says a job is done.

The worker runs in a thread of the test process (``celery.contrib.testing.worker.start_worker``)
and consumes from the configured broker (Redis in CI, the filesystem transport on a laptop).
Nothing polls the database or sleeps: the worker's own ``task_postrun`` signal reports each job it
finished, and a test waits on a condition for the job it expects. A job that failed is reported
with its error, so a failure reads as the job's exception and not as a timeout.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from celery import states
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from kombu.exceptions import OperationalError

from zmd_targets.celery import app

# Long enough for a loaded CI runner; a healthy job here takes well under a second.
JOB_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class FinishedJob:
    name: str
    state: str
    result: object


class Worker:
    """The jobs the test's worker has finished, in order, as its ``task_postrun`` reported them."""

    def __init__(self) -> None:
        self.finished: list[FinishedJob] = []
        self._changed = threading.Condition()

    def _on_postrun(self, task=None, retval=None, state=None, **_kwargs) -> None:
        with self._changed:
            self.finished.append(FinishedJob(task.name, state, retval))
            self._changed.notify_all()

    def _done(self, name: str) -> list[FinishedJob]:
        # A retried job reports RETRY and runs again; only its last run ends it.
        return [job for job in self.finished if job.name == name and job.state in states.READY_STATES]

    def wait_for(self, name: str, count: int = 1, timeout: float = JOB_TIMEOUT_SECONDS) -> list:
        """Block until the worker has finished ``count`` runs of the job ``name``; return their
        results. A run that failed raises here with its error."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._done(name)) >= count, timeout=timeout):
                seen = [(job.name, job.state) for job in self.finished]
                raise AssertionError(
                    f"the worker did not finish {count} run(s) of {name} in {timeout} s; it ran {seen}"
                )
            done = self._done(name)[:count]
        for job in done:
            if job.state != states.SUCCESS:
                raise AssertionError(f"{name} ended {job.state}: {job.result!r}") from (
                    job.result if isinstance(job.result, BaseException) else None
                )
        return [job.result for job in done]


@contextmanager
def running_worker() -> Iterator[Worker]:
    """A solo worker in a thread for the duration of the block, on a queue emptied first
    (messages left by an earlier run name rows that no longer exist)."""
    worker = Worker()
    app.control.purge()
    task_postrun.connect(worker._on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield worker
    finally:
        task_postrun.disconnect(worker._on_postrun)


def broker_of_this_run(run_prefix: str) -> None:
    """Give this test run a queue of its own (and on the filesystem transport a folder of its own), so
    that two runs side by side (pytest-xdist's processes, or two runs in one checkout sharing var/ or
    one Redis) never take, or purge, each other's jobs: a job run against another run's database
    finds no rows, and the run that queued it waits for a job that never comes."""
    app.conf.task_default_queue = f"celery-{run_prefix}"
    if app.conf.broker_url.startswith("filesystem"):
        folder = tempfile.mkdtemp(prefix=f"zmd-{run_prefix}-broker-")
        options = {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}
        app.conf.broker_transport_options = {**app.conf.broker_transport_options, **options}


def forget_broker_of_this_run() -> None:
    """Remove what this run left at the broker: its folder, or its Redis queue (jobs queued by tests
    that started no worker) and binding."""
    options = app.conf.broker_transport_options
    if app.conf.broker_url.startswith("filesystem"):
        shutil.rmtree(options["data_folder_in"], ignore_errors=True)
        return
    try:
        queue = app.conf.task_default_queue
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            # A fresh channel knows no bindings, and kombu deletes a queue through them: bind first.
            channel.exchange_declare(queue, type="direct")
            channel.queue_bind(queue, exchange=queue, routing_key=queue)
            channel.queue_delete(queue)
    except (OSError, OperationalError) as error:  # Redis went away: a few keys stay behind, nothing worse
        print(f"Could not delete the test queue {app.conf.task_default_queue}: {error}", file=sys.stderr)
