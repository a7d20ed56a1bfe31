"""Scoring runs: beat asks every night, the office asks for a month; a worker writes the entries.

Running twice changes nothing: every finder skips causes already scored, the ledger's unique
constraint (rule × cause) drops what a concurrent run wrote first, and a run is claimed by a
compare-and-set on ``started_at`` so a job delivered twice works once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from core.periods import month_end
from tasks.models import Target
from tasks.services import closed_years, system_user

from ..choices import RunKind
from ..models import ScoreEntry, ScoreRule, ScoringRun
from ..rulebook import RuleBook
from .points import recount_unit_months
from .rules import ensure_default_rules
from .scoring_events import FINDERS, completions

logger = logging.getLogger(__name__)


def scoring_window(up_to: dt.date) -> tuple[dt.date, dt.date]:
    """From 1 January (of last year while January lasts, to catch December's stragglers) to ``up_to``."""
    return dt.date((up_to - dt.timedelta(days=31)).year, 1, 1), up_to


def score_events(*, up_to: dt.date, run: ScoringRun) -> dict[str, int]:
    """Write the entries of every event up to ``up_to`` not scored yet; return how many per rule."""
    ensure_default_rules()
    since, up_to = scoring_window(up_to)
    with translation.override(settings.LANGUAGE_CODE):
        drafts = [draft for finder in FINDERS for draft in finder(since, up_to)]
    write_entries(drafts, run=run)
    counted = ScoreEntry.objects.filter(run=run).values_list("rule__code").annotate(n=Count("pk"))
    return dict(counted)


def write_entries(drafts, *, run: ScoringRun | None) -> list[ScoreEntry]:
    """The entries of these drafts at the amounts the rule book gives on their days (a rule not in
    force that day writes nothing), skipping causes scored already, and the months they touch recounted.
    Nothing is written for a year the office has closed: its points are frozen."""
    book = RuleBook()
    rules = {rule.code: rule for rule in ScoreRule.objects.all()}
    frozen = closed_years()
    frozen_targets = set()
    if frozen:
        target_ids = {draft.links.get("target_id") for draft in drafts} - {None}
        frozen_targets = set(Target.objects.filter(pk__in=target_ids, year__in=frozen).values_list("pk", flat=True))
    now = clock.now()
    entries = []
    for draft in drafts:
        if draft.occurred_on.year in frozen or draft.links.get("target_id") in frozen_targets:
            continue
        amount = book.amount_on(draft.code, draft.occurred_on)
        if amount is None:  # the rule was not in force on the day of the event
            continue
        entries.append(
            ScoreEntry(
                unit_id=draft.unit_id,
                rule=rules[draft.code],
                amount=amount,
                occurred_on=draft.occurred_on,
                reason=draft.reason[:300],
                cause_key=draft.cause_key,
                run=run,
                created_at=now,
                **draft.links,
            )
        )
    with transaction.atomic():
        ScoreEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=500)
        recount_unit_months({(entry.unit_id, entry.occurred_on) for entry in entries})
    return entries


def score_completion(assignment_id: int) -> list[ScoreEntry]:
    """The points a close-out earns, written at once when the office verifies it (the nightly run
    would find the same entries and skip them)."""
    ensure_default_rules()
    today = clock.today()
    with translation.override(settings.LANGUAGE_CODE):
        drafts = completions(*scoring_window(today), assignment_ids=[assignment_id])
    return write_entries(drafts, run=None)


def request_scoring(*, month: dt.date, acting_user) -> ScoringRun:
    """The office's button: score everything up to the end of ``month`` (or today), in the background."""
    first = month.replace(day=1)
    today = clock.today()
    if first > today:
        raise RuleViolation({"month": [_("This month has not begun; it cannot be scored yet.")]})
    run = ScoringRun.objects.create(
        kind=RunKind.MANUAL,
        month=first,
        up_to=min(month_end(first), today),
        requested_by=acting_user,
        requested_at=clock.now(),
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from ..tasks import run_scoring  # the job module imports the services

    try:
        run_scoring.delay(run_id)
    except Exception:  # the broker is down: the nightly job picks up runs still queued
        logger.exception("could not enqueue scoring run %s", run_id)


def schedule_nightly_run(day: dt.date | None = None) -> ScoringRun | None:
    """The nightly run scores up to yesterday; a second scheduler on the same night gets None."""
    up_to = day or clock.today() - dt.timedelta(days=1)
    try:
        with transaction.atomic():
            return ScoringRun.objects.create(
                kind=RunKind.SCHEDULED, up_to=up_to, requested_by=system_user(), requested_at=clock.now()
            )
    except IntegrityError:
        return None


# A scoring run takes seconds to a minute; one still running after this lost its worker.
ABANDONED_AFTER = dt.timedelta(hours=1)


def mark_abandoned_runs() -> int:
    """Runs a dead worker left "running" are closed as failed (the page says so); the nightly run
    that follows scores the same days again, and scoring twice adds nothing twice."""
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Abandoned: its worker stopped before it finished; the next run scores these days.")
    return ScoringRun.objects.filter(started_at__lt=clock.now() - ABANDONED_AFTER, finished_at__isnull=True).update(
        error=message, finished_at=clock.now()
    )


def queued_run_ids() -> list[int]:
    return list(
        ScoringRun.objects.filter(started_at__isnull=True).order_by("requested_at").values_list("pk", flat=True)
    )


def execute_run(run_id: int) -> bool:
    """Claim the run (compare-and-set) and score; False when another worker has it already."""
    claimed = ScoringRun.objects.filter(pk=run_id, started_at__isnull=True).update(started_at=clock.now())
    if not claimed:
        return False
    run = ScoringRun.objects.get(pk=run_id)
    try:
        added = score_events(up_to=run.up_to, run=run)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        ScoringRun.objects.filter(pk=run_id).update(error=message, finished_at=clock.now())
        raise
    ScoringRun.objects.filter(pk=run_id).update(added=added, finished_at=clock.now())
    return True


def run_scoring_now(*, up_to: dt.date, acting_user, kind: str = RunKind.MANUAL) -> ScoringRun:
    """Score in this process (the command and the demo): create the run and work it at once."""
    month = up_to.replace(day=1) if kind == RunKind.MANUAL else None
    run = ScoringRun.objects.create(
        kind=kind, month=month, up_to=up_to, requested_by=acting_user, requested_at=clock.now()
    )
    execute_run(run.pk)
    run.refresh_from_db()
    return run
