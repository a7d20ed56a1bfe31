"""Celery jobs of supervision and accountability: thin wrappers that take ids, reload and call a service.

The five lists' jobs are safe to run twice (natural keys under unique constraints, compare-and-set on emails) and is
retried with backoff only for errors that may pass: a database that is briefly away or deadlocked,
a mail server or network that does not answer. A rule violation or a bug is not retried.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError

from core import clock
from core.errors import RuleViolation
from tasks.jobs import enqueue  # noqa: F401  (the jobs of this app are sent through it)
from tasks.models import User
from tasks.services import system_user
from tasks.services.kept_judgments import warm_kept_figures

from . import scan, services
from .services import channels, delivery, notice_tally, notices, scoring

logger = logging.getLogger(__name__)

# OSError covers SMTP errors, refused connections and timeouts.
TRANSIENT_ERRORS = (DatabaseOperationalError, InterfaceError, OSError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def _acting_user(user_id: int | None):
    return User.objects.filter(pk=user_id).first() if user_id else None


@shared_task(name="accountability.issue_task_notices", **RETRY)
def issue_task_notices(assignment_ids: list[int], acting_user_id: int | None = None) -> int:
    """After an assignment is issued: its task notice."""
    user = _acting_user(acting_user_id) or system_user()
    return len(notices.issue_task_notices(assignment_ids, acting_user=user))


@shared_task(name="accountability.issue_close_out_notices", **RETRY)
def issue_close_out_notices(assignment_ids: list[int], acting_user_id: int | None = None) -> int:
    """After an assignment is closed out anywhere: its close-out notice, unless it has one."""
    user = _acting_user(acting_user_id) or system_user()
    return len(notices.issue_close_out_notices(assignment_ids, acting_user=user))


@shared_task(name="accountability.run_supervision_scan", **RETRY)
def run_supervision_scan(day: str | None = None, triggered_by_id: int | None = None) -> dict:
    """Nightly (beat, ZMD_SUPERVISION_SCAN_TIME) or from the office's console."""
    from .scan.undo import mark_abandoned_runs

    mark_abandoned_runs()  # runs a dead worker left behind; this run completes their work
    try:
        result = scan.run_scan(dt.date.fromisoformat(day) if day else None, triggered_by=_acting_user(triggered_by_id))
    except RuleViolation as refused:  # a day after today, or before the last judged day: said, not retried
        logger.warning("Supervision scan refused: %s", " ".join(refused.messages))
        return {"refused": " ".join(refused.messages)}
    if result.day == clock.today():
        # The morning's pages find today's judgments and completion kept (the scan's warnings
        # made their units' stale): judged here once, not on the first requests.
        warm_kept_figures()
    notice_tally.fold()  # the night's statements' rows summed: the dashboard sums a few hundred
    return dict(result.summary)


@shared_task(name="accountability.send_message_emails", **RETRY)
def send_message_emails(message_ids: list[int]) -> int:
    return delivery.send_message_emails(message_ids)


@shared_task(name="accountability.send_leader_digests", **RETRY)
def send_leader_digests(day: str | None = None) -> dict:
    """Each morning (beat, ZMD_LEADER_DIGEST_TIME): the leaders' digests due today. Run twice, it
    finds them sent (one a person a day, a unique constraint)."""
    from core import clock

    from .services.leader_digest import send_leader_digests as send

    return send(dt.date.fromisoformat(day) if day else clock.today())


@shared_task(name="accountability.deliver_to_channels", **RETRY)
def deliver_to_channels(message_ids: list[int]) -> int:
    """After commit: the deliveries the office's rules call for, then sending them (a retry of a
    half-done run finds the rows made and the ones sent, and does the rest)."""
    return channels.send_deliveries(channels.route_messages(message_ids, fresh_only=True))


@shared_task(name="accountability.send_deliveries", **RETRY)
def send_deliveries(delivery_ids: list[int]) -> int:
    return channels.send_deliveries(delivery_ids)


@shared_task(name="accountability.resend_stale_deliveries", **RETRY)
def resend_stale_deliveries() -> int:
    """Every five minutes (beat): deliveries a lost job or a dead worker left behind."""
    return channels.resend_stale_deliveries()


# --- Scoring ----------------------------------------------------------------------------------


@shared_task(name="accountability.run_scoring")
def run_scoring(run_id: int) -> bool:
    """Work one scoring run (the office's button); a second delivery finds it claimed and stops."""
    return services.execute_run(run_id)


@shared_task(name="accountability.run_daily_scoring")
def run_daily_scoring() -> int:
    """Nightly (beat): score up to yesterday, and work any run the broker failed to deliver."""
    scoring.mark_abandoned_runs()
    services.schedule_nightly_run()
    return sum(1 for run_id in services.queued_run_ids() if services.execute_run(run_id))


# --- The public's channel --------------------------------------------------------------------


@shared_task(name="accountability.erase_feedback_personal_data", **RETRY)
def erase_feedback_personal_data() -> int:
    """Nightly (beat): contacts and photos of clues closed longer ago than the office's period are
    emptied, and address fingerprints older than a day (idempotent: a second run finds nothing)."""
    from .services.public_feedback import erase_personal_data

    return erase_personal_data()
