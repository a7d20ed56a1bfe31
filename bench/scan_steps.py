"""Where a scan's time goes: a night (the scan of ``day`` after the untimed scan of the day before,
as ``daily_scan_seconds``) or a first run (``scan_once``), with a timer around each step of the
runner and the heavy parts inside them (judging, drafting, saving, delivering), all rolled back.

Not a measure of ``run_bench`` (the steps overlap: ``apply_warning_rules`` holds ``_draft`` and
``save_issued``); a tool for finding the next cost to remove. From a shell on the benchmark
database::

    ZMD_TODAY=2018-09-30 python manage.py shell -c "from bench.scan_steps import report; report()"

(``report(night=False)`` times a first run on the loaded year.)
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from contextlib import ExitStack
from unittest import mock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accountability.scan import exposure, reminders, run_scan, runner, warnings
from accountability.services import channels, delivery
from tasks.judgment import lateness

from .scales import TODAY
from .scan import scan_once

# (module, function): the runner's steps, then the parts that cost most at province scale.
TIMED = [
    (runner, "backfill_task_notices"),
    (runner, "sync_task_notice_signatures"),
    (runner, "apply_warning_rules"),
    (runner, "propose_exposures"),
    (runner, "backfill_close_out_notices"),
    (runner, "apply_decision_rules"),
    (runner, "send_reminders"),
    (delivery, "resend_stale_emails"),
    (channels, "reroute_recent_messages"),
    (lateness, "heads_late"),
    (warnings, "overdue_instruction_assignments"),
    (warnings, "lagging_conditions"),
    (warnings, "warned_keys"),
    (warnings, "_draft"),
    (warnings, "_close"),
    (warnings, "save_issued"),
    (warnings, "sync_warning_levels"),
    (warnings, "write_warning_levels"),
    (exposure, "_repeated_reds"),
    (exposure, "_overdue_after_red"),
    (exposure, "save_proposed"),
    (reminders, "gather_unit_reminders"),
    (delivery, "deliver_to_units"),
    (delivery, "deliver_digests"),
]


def _timed(function, label: str, seconds: Counter):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - start

    return wrapper


def time_steps(day=TODAY, *, night: bool = True) -> tuple[float, int, Counter]:
    """One rolled-back scan (a night, or a first run): its total seconds, its query count and the
    seconds spent in each timed part."""
    seconds: Counter = Counter()
    with ExitStack() as stack:
        if night:
            stack.enter_context(transaction.atomic())
            with override_settings(ZMD_TODAY=day - dt.timedelta(days=1)):
                run_scan(day - dt.timedelta(days=1))
        for module, name in TIMED:
            label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
            stack.enter_context(mock.patch.object(module, name, _timed(getattr(module, name), label, seconds)))
        queries = stack.enter_context(CaptureQueriesContext(connection))
        start = time.perf_counter()
        scan_once(day)
        total = time.perf_counter() - start
        if night:
            transaction.set_rollback(True)
    return total, len(queries), seconds


def report(repeat: int = 2, day=TODAY, *, night: bool = True) -> None:
    for run in range(repeat):
        total, queries, seconds = time_steps(day, night=night)
        print(f"scan {run + 1}: {total:.2f} s, {queries} queries")
        for label, value in seconds.most_common():
            print(f"  {label:40s} {value:6.2f} s")
