"""The five lists' issue path under load: task notices issued per second by the Celery job.

The job runs in this process through Celery's own ``apply`` (the worker's code path: argument
serialisation, the task wrapper, the service with its counter lock, history rows and inbox
entries), not through a broker and a separate worker process: a worker would have to commit into
the benchmark year, and this measure leaves it as it was. A batch of assignments loses its task
notices inside a transaction, one job per target gives them back, and everything is rolled back.
The reference is the same notices written bare (``bulk_create``, no numbering lock, no history,
no inbox) in the same transaction. An import sends one job for its whole sheet: measured too.
"""

from __future__ import annotations

import logging
import time
from itertools import groupby

from django.db import transaction
from django.test.utils import override_settings

from accountability import tasks as jobs
from accountability.choices import NoticeKind
from accountability.models import Notice
from tasks.choices import OPEN_ASSIGNMENT_STATUSES
from tasks.models import Assignment, User

from .measure import Result
from .scales import TODAY

SAMPLE = 1000
IMPORT_RATIO_TARGET = 0.5  # of the bare bulk insert


class _Rollback(Exception):
    pass


def _sample(size: int) -> list[list[int]]:
    """Assignments of whole targets, as issuing a breakdown sends them: one job per target."""
    rows = (
        Assignment.objects.filter(status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by("target_id", "pk")
        .values_list("target_id", "pk")[:size]
    )
    return [[pk for _target, pk in group] for _key, group in groupby(rows, key=lambda row: row[0])]


def _issue_through_jobs(batches: list[list[int]], office_id: int) -> tuple[float, int]:
    ids = [pk for batch in batches for pk in batch]
    Notice.objects.filter(kind=NoticeKind.TASK, assignment_id__in=ids).delete()
    started = time.perf_counter()
    issued = sum(jobs.issue_task_notices.apply(args=[batch, office_id]).get() for batch in batches)
    return time.perf_counter() - started, issued


def _issue_bare(batches: list[list[int]]) -> float:
    ids = [pk for batch in batches for pk in batch]
    originals = list(Notice.objects.filter(kind=NoticeKind.TASK, assignment_id__in=ids))
    Notice.objects.filter(pk__in=[notice.pk for notice in originals]).delete()
    for notice in originals:
        notice.pk = None
    started = time.perf_counter()
    Notice.objects.bulk_create(originals, batch_size=500)
    return time.perf_counter() - started


def measure_notice_issue(scale: str, *, sample: int = SAMPLE) -> list[Result]:
    batches = _sample(sample)
    office_id = User.objects.get(username="bench_office").pk
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)  # not a line per job
    with override_settings(ZMD_TODAY=TODAY, CELERY_TASK_ALWAYS_EAGER=True):
        try:
            with transaction.atomic():
                seconds, issued = _issue_through_jobs(batches, office_id)
                raise _Rollback
        except _Rollback:
            pass
        # An import issues its whole sheet at once and sends one job with every assignment.
        try:
            with transaction.atomic():
                import_seconds, import_issued = _issue_through_jobs([[pk for b in batches for pk in b]], office_id)
                raise _Rollback
        except _Rollback:
            pass
        try:
            with transaction.atomic():
                bare = _issue_bare(batches)
                raise _Rollback
        except _Rollback:
            pass
    trace.setLevel(level)
    return [
        Result(
            "five lists: task notices issued per second (Celery job, in-process)",
            scale,
            round(issued / seconds),
            "notices/s",
            "bare bulk insert",
            round(issued / bare),
            note=f"{issued:,} notices in {len(batches)} jobs; Celery apply() in this process, no broker; rolled back",
        ),
        Result(
            "five lists: task notices after an import (one job) per second",
            scale,
            round(import_issued / import_seconds),
            "notices/s",
            "bare bulk insert",
            round(issued / bare),
            target=f"≥ {IMPORT_RATIO_TARGET}× bulk insert",
            met=import_issued / import_seconds >= IMPORT_RATIO_TARGET * issued / bare,
            note=f"{import_issued:,} notices in one job, as an import sends them; rolled back",
        ),
    ]
