"""The daily supervision scan: every rule of the five lists, in order, as of one day.

Steps: task notices never issued (the broker was down) and task notices signed with their
assignment; progress warnings; exposure candidates; close-out notices never issued; the day's
reminder digests; emails that never left; and meeting decisions (议定事项), reminded before their
deadline and put under supervision once overdue. Each step is its own transaction and first takes the scan
lock (a PostgreSQL advisory lock; SQLite's IMMEDIATE transactions already let one writer in at a
time), so two scans that start together run one after the other and the second finds nothing left
to do. A worker killed mid-scan loses at most the step it was in, and the next run completes it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core import clock
from core.bulk_history import fewer_collections
from core.errors import RuleViolation
from core.id_lists import AnyOf
from tasks.choices import AssignmentStatus
from tasks.models import Assignment
from tasks.services import system_user

from ..choices import ClosedReason, NoticeKind, NoticeStatus
from ..models import Notice, SupervisionRules, SupervisionRun
from ..services import channels, delivery
from ..services import notices as notice_services
from .conditions import AsOf, as_of
from .decisions import apply_decision_rules
from .exposure import propose_exposures
from .reminders import send_reminders
from .warnings import apply_warning_rules

SCAN_LOCK_KEY = 2018_0409  # any constant: the day of the plenary meeting
# How far before the last finished run's start a night's backfills still look (``backfill_since``):
# a row stamped before that run read the tables but committed after it (an import, a slow request,
# clocks of two machines) is found by the next night. No transaction here stays open for a day.
BACKFILL_MARGIN = dt.timedelta(days=1)


@dataclass
class ScanResult:
    day: dt.date
    dry_run: bool
    summary: Counter = field(default_factory=Counter)
    issued: list[Notice] = field(default_factory=list)

    def describe(self) -> list[str]:
        """One line per notice issued or proposed, for the command and the console."""
        lines = []
        for notice in self.issued:
            label = notice.number or notice.get_status_display()
            lines.append(f"{label} {notice.title} {notice.unit} · {notice.about}")
        return lines


@contextmanager
def scan_step(run: SupervisionRun | None = None, changes: dict | None = None):
    """A transaction holding the scan lock until it ends; with a run, what the step issued and
    closed is written on the run in the same transaction (so an undo finds all of it)."""
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK_KEY])
                # The scan's queries look costly to the planner (a subquery per row) but run on
                # index probes; JIT compiling them took 8 s of a 6.3 s EXPLAIN at city scale. One
                # scan runs at a time (the lock): its hashes of a province's 120,000 assignments and
                # their kept reports fit in memory instead of spilling to disk in batches (the
                # judging statement 0.69–1.17 → 0.43–0.57 s against the default 4 MB).
                cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        yield
        if run is not None and changes is not None:
            SupervisionRun.objects.filter(pk=run.pk).update(changes=changes)


def last_scanned_day() -> dt.date | None:
    """The latest day a finished run judged; an undone run judged nothing."""
    last_run = _last_finished_run()
    return last_run[0] if last_run is not None else None


def _last_finished_run() -> tuple[dt.date, dt.datetime] | None:
    """(day, start) of the latest finished run not undone."""
    runs = SupervisionRun.objects.filter(finished_at__isnull=False, undone_at__isnull=True)
    return runs.order_by("-day", "-created_at", "-pk").values_list("day", "started_at").first()


def backfill_since(asof: AsOf, last_run: tuple[dt.date, dt.datetime] | None) -> dt.datetime | None:
    """The earliest stamp the backfills of this night must look at, or None: look at everything.

    A finished run's backfills left no issued assignment without its task notice and no closed one
    without its close-out notice as of its moment (its start: a replayed day's moment, or a few
    milliseconds after a live run's). So a later night need only look at what was issued or closed
    since then, less ``BACKFILL_MARGIN``: reading every assignment against every notice took
    0.15–0.25 s of a province night and found nothing.

    Narrowed only after a run of an earlier day. A first run (or one whose earlier runs were all
    undone) and a second run of the same day look at everything; so does every run while
    ``ZMD_TODAY`` pins the date (its clock returns to the same day every midnight). Undoing a run
    makes the run before it the last one, so the close-out notices it issued and were withdrawn are
    looked for again from there (a withdrawn task notice is never issued again: ``issue_task_notices``)."""
    if last_run is None:
        return None
    day, started_at = last_run
    if day >= asof.day:
        return None
    return started_at - BACKFILL_MARGIN


def run_scan(
    day: dt.date | None = None, *, dry_run: bool = False, triggered_by=None, reminders: bool = True
) -> ScanResult:
    """Run every rule as of ``day`` (default today). A dry run does the same work and rolls it back."""
    asof = as_of(day)
    if asof.day > clock.today() and not dry_run:
        raise RuleViolation(
            _("%(day)s is after today (%(today)s): a later day can only be tried as a dry run.")
            % {"day": asof.day.isoformat(), "today": clock.today().isoformat()}
        )
    last_run = _last_finished_run()
    latest = last_run[0] if last_run is not None else None
    if latest is not None and asof.day < latest:
        raise RuleViolation(
            _("The scan has already judged %(latest)s; it cannot go back to %(day)s.")
            % {"latest": latest.isoformat(), "day": asof.day.isoformat()}
        )
    with ExitStack() as stack:
        # A night makes tens of thousands of rows, drafts and messages that live until its step
        # ends; at the default threshold the collector rescanned them (a tenth of a city's night).
        stack.enter_context(fewer_collections())
        if not asof.live:
            stack.enter_context(clock.replaying_at(asof.moment))
        since = backfill_since(asof, last_run)
        if not dry_run:
            return _run(asof, dry_run=False, triggered_by=triggered_by, reminders=reminders, since=since)
        with transaction.atomic():
            result = _run(asof, dry_run=True, triggered_by=triggered_by, reminders=reminders, since=since)
            transaction.set_rollback(True)
        return result


def _run(asof: AsOf, *, dry_run: bool, triggered_by, reminders: bool, since: dt.datetime | None) -> ScanResult:
    rules = SupervisionRules.current()
    try:
        system = system_user()
    except IntegrityError:  # another scan created it a moment ago
        system = system_user()
    result = ScanResult(asof.day, dry_run)
    run = SupervisionRun.objects.create(day=asof.day, started_at=clock.now(), triggered_by=triggered_by)
    with notice_services.recording_changes() as changes:
        _steps(run, changes, asof, rules, system, result, reminders=reminders, since=since)
    if asof.live:
        result.summary["emails_requeued"] = delivery.resend_stale_emails()
        channels.reroute_recent_messages()  # a routing job lost with the broker (docs/DELIVERY.md)
    run.finished_at = clock.now()
    run.summary = {key: value for key, value in sorted(result.summary.items()) if value}
    run.save(update_fields=["finished_at", "summary"])
    return result


def _steps(run, changes, asof: AsOf, rules, system, result: ScanResult, *, reminders: bool, since) -> None:
    with scan_step(run, changes):
        task_notices = backfill_task_notices(asof, acting_user=system, since=since)
        result.summary["task_notices_issued"] = len(task_notices)
        result.issued += task_notices
        result.summary["task_notices_signed"] = sync_task_notice_signatures(asof, acting_user=system)
    with scan_step(run, changes):
        missing_reports: dict[int, str] = {}
        heads_late: list = []
        summary, warnings = apply_warning_rules(
            asof, rules, acting_user=system, missing_reports=missing_reports, reports_heads_late=heads_late
        )
        result.summary.update(summary)
        result.issued += warnings
    with scan_step(run, changes):
        candidates = propose_exposures(asof, rules, acting_user=system)
        result.summary["exposure_candidates"] = len(candidates)
        result.issued += candidates
    with scan_step(run, changes):
        close_outs = backfill_close_out_notices(asof, acting_user=system, since=since)
        result.summary["close_out_notices_issued"] = len(close_outs)
        result.issued += close_outs
    with scan_step(run, changes):
        reminded, decision_notices = apply_decision_rules(asof, acting_user=system)
        result.summary["decisions_reminded"] = reminded
        result.summary["decision_notices_issued"] = len(decision_notices)
        result.issued += decision_notices
    if reminders:
        with scan_step(run, changes):
            known = missing_reports if rules.missing_report_warns else None
            result.summary["digests"] = send_reminders(asof, rules, missing_reports=known, heads_late=heads_late)


def backfill_task_notices(asof: AsOf, *, acting_user, since: dt.datetime | None = None) -> list[Notice]:
    """Issued assignments whose task notice never went out (e.g. the broker was down at the time);
    with ``since`` (``backfill_since``), only those issued since then."""
    has_notice = Notice.objects.filter(assignment=OuterRef("pk"), kind=NoticeKind.TASK)
    assignments = Assignment.objects.order_by().filter(issued_at__lte=asof.moment)
    if since is not None:
        assignments = assignments.filter(issued_at__gte=since)
    missing = list(
        assignments.exclude(status=AssignmentStatus.DRAFT).exclude(Exists(has_notice)).values_list("pk", flat=True)
    )
    return notice_services.issue_task_notices(missing, acting_user=acting_user) if missing else []


def backfill_close_out_notices(asof: AsOf, *, acting_user, since: dt.datetime | None = None) -> list[Notice]:
    """Assignments closed out elsewhere (or while the broker was down) without their close-out notice;
    with ``since`` (``backfill_since``), only those closed since then (one closed again after a
    return for redo has its new ``closed_at``)."""
    closed = Assignment.objects.order_by().filter(status=AssignmentStatus.CLOSED, closed_at__lte=asof.moment)
    if since is not None:
        closed = closed.filter(closed_at__gte=since)
    missing = list(notice_services.without_close_out_notice(closed).values_list("pk", flat=True))
    return notice_services.issue_close_out_notices(missing, acting_user=acting_user) if missing else []


def sync_task_notice_signatures(asof: AsOf, *, acting_user) -> int:
    """A unit that signed for the assignment itself has signed its task notice: stop chasing it."""
    signer = (
        Assignment.history.model.objects.filter(id=OuterRef("assignment_id"), status=AssignmentStatus.SIGNED)
        .order_by("history_date")
        .values("history_user_id")[:1]
    )
    # The task notices still issued are few (a unit signs within days) and read by the (kind, status)
    # index first; joined in one statement, PostgreSQL took them for thousands (it multiplies the two
    # conditions' shares) and hashed every signed assignment against them: 0.02–0.13 s for none.
    pending = list(Notice.objects.filter(kind=NoticeKind.TASK, status=NoticeStatus.ISSUED).values_list("pk", flat=True))
    if not pending:
        return 0
    notices = list(
        Notice.objects.filter(AnyOf("pk", pending), assignment__signed_at__lte=asof.moment)
        .annotate(signer_id=Subquery(signer))
        .select_related("assignment")
    )
    for notice in notices:
        notice.status, notice.closed_reason = NoticeStatus.CLOSED, ClosedReason.SIGNED_FOR
        notice.signed_at = notice.closed_at = notice.assignment.signed_at
        notice.signed_by_id = notice.signer_id or acting_user.pk
    bulk_update_with_history(
        notices,
        Notice,
        ["status", "closed_reason", "signed_at", "closed_at", "signed_by"],
        default_user=acting_user,
        default_change_reason=_("Signed for with the assignment"),
        default_date=clock.now(),
    )
    return len(notices)
