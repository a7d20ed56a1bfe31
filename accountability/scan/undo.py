"""Undoing a mistaken scan run (a wrong date, wrong rules), and runs a dead worker left behind.

Undo puts back what the run judged, keeping the record: the notices it issued or put forward are
withdrawn (their numbers stay taken: a withdrawn number is never given again), the warnings it
closed on escalation, stepping down or catching up are open again, points entries written for the
withdrawn notices are reversed by new entries, each unit concerned gets a correction message, and
the run no longer counts as a judged day, so the scan runs again from the right day.

Facts that do not depend on the day judged stay: task notices signed with their assignment, and
warnings closed because the assignment ended.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.bulk_history import HistoryStamp, write_history
from core.errors import RuleViolation
from core.history import fit_reason
from tasks.services.common import SYSTEM_USERNAME

from ..choices import ClosedReason, MessageKind, NoticeStatus, RuleCode
from ..models import Notice, ScoreEntry, SupervisionRun
from ..services import delivery
from ..services.notices import warnings_changed
from ..services.points import reverse_entry
from .runner import scan_step
from .warnings import sync_warning_levels

# Closures a run makes because of the day it judged; undoing the run opens these notices again.
JUDGED_CLOSURES = (ClosedReason.ESCALATED, ClosedReason.STEPPED_DOWN, ClosedReason.CAUGHT_UP)
# A run still unfinished after this long lost its worker (the longest scan takes minutes).
ABANDONED_AFTER = dt.timedelta(hours=1)


@dataclass
class UndoResult:
    run: SupervisionRun
    withdrawn: int
    reopened: int
    reversed_entries: int
    units_told: int


def undoable_runs():
    """Runs that can be undone, newest first: finished or abandoned, not undone yet."""
    return SupervisionRun.objects.filter(undone_at__isnull=True).exclude(finished_at=None, abandoned_at=None)


def undo_scan_run(run: SupervisionRun, *, acting_user, note: str = "") -> UndoResult:
    """Withdraw what ``run`` issued, reopen what it closed, reverse its points, tell the units."""
    if acting_user.username != SYSTEM_USERNAME and not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office can undo a scan."))
    with scan_step():
        run = SupervisionRun.objects.select_for_update().get(pk=run.pk)
        if run.undone_at is not None:
            raise RuleViolation(_("This scan has already been undone."))
        if run.finished_at is None and run.abandoned_at is None:
            raise RuleViolation(_("This scan is still running; wait for it to finish."))
        later = undoable_runs().filter(created_at__gt=run.created_at).exclude(pk=run.pk)
        if later.exists():
            raise RuleViolation(
                _("Later scans built on this one (the latest judged %(day)s): undo them first, newest first.")
                % {"day": later.order_by("-created_at").first().day.isoformat()}
            )
        moment = clock.now()
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Withdrawn: the scan as of %(day)s was undone") % {"day": run.day.isoformat()}
            issued, closed = _changes_of(run)
            withdrawn = _withdraw(issued, moment=moment, acting_user=acting_user, reason=reason)
            reopened = _reopen(closed, moment=moment, acting_user=acting_user, reason=reason)
            reversed_entries = _reverse_points(withdrawn, reason=reason)
            units_told = _tell_units(run, withdrawn, note=note)
        sync_warning_levels()
        run.undone_at, run.undone_by, run.undo_note = moment, acting_user, note.strip()
        run.save(update_fields=["undone_at", "undone_by", "undo_note"])
    return UndoResult(run, len(withdrawn), reopened, reversed_entries, units_told)


def _changes_of(run: SupervisionRun) -> tuple[list[int], list[int]]:
    """What the run issued and closed: as it recorded them, or, for a run made before runs recorded
    their changes, what the system did between its start and its end on the scan's clock."""
    if run.changes:
        return run.changes.get("issued", []), run.changes.get("closed", [])
    end = run.finished_at or run.abandoned_at or run.started_at
    system = Notice.all_notices.filter(issued_by__username=SYSTEM_USERNAME)
    issued = list(system.filter(created_at__gte=run.started_at, created_at__lte=end).values_list("pk", flat=True))
    closed = list(
        Notice.history.filter(
            history_date__gte=run.started_at, history_date__lte=end, history_user__username=SYSTEM_USERNAME,
            status=NoticeStatus.CLOSED, closed_reason__in=JUDGED_CLOSURES,
        ).values_list("id", flat=True)
    )  # fmt: skip
    return issued, closed


def _withdraw(ids: list[int], *, moment, acting_user, reason: str) -> list[Notice]:
    notices = list(
        Notice.all_notices.filter(pk__in=ids).exclude(status=NoticeStatus.WITHDRAWN).select_related("target", "unit")
    )
    if not notices:
        return []
    Notice.all_notices.filter(pk__in=[n.pk for n in notices]).update(
        status=NoticeStatus.WITHDRAWN, closed_at=moment, is_published=False
    )
    stamp = HistoryStamp(user=acting_user, reason=fit_reason(reason), date=moment)
    write_history(Notice, [notice.pk for notice in notices], history_type="~", stamp=stamp)
    warnings_changed(notices)
    return notices


def _reopen(ids: list[int], *, moment, acting_user, reason: str) -> int:
    """Warnings the run closed as of its day are open again, in the state they were in before."""
    closed = list(Notice.objects.filter(pk__in=ids, status=NoticeStatus.CLOSED, closed_reason__in=JUDGED_CLOSURES))
    by_state: dict[str, list[int]] = defaultdict(list)
    for notice in closed:
        state = NoticeStatus.ISSUED
        if notice.responded_at:
            state = NoticeStatus.ANSWERED
        elif notice.signed_at:
            state = NoticeStatus.SIGNED
        by_state[state].append(notice.pk)
    for state, pks in by_state.items():
        Notice.objects.filter(pk__in=pks).update(status=state, closed_at=None, closed_reason="")
    stamp = HistoryStamp(user=acting_user, reason=fit_reason(reason), date=moment)
    write_history(Notice, [notice.pk for notice in closed], history_type="~", stamp=stamp)
    warnings_changed(closed)
    return len(closed)


def _reverse_points(withdrawn: list[Notice], *, reason: str) -> int:
    entries = ScoreEntry.objects.filter(notice__in=[n.pk for n in withdrawn], reversal__isnull=True).exclude(
        rule__code=RuleCode.REVERSAL
    )
    count = 0
    for entry in entries:
        reverse_entry(entry, reason=f"{reason}: {entry.reason}")
        count += 1
    return count


def _tell_units(run: SupervisionRun, withdrawn: list[Notice], *, note: str) -> int:
    """One correction message to every staff member and head of each unit that had a notice withdrawn."""
    by_unit: dict[int, list[Notice]] = defaultdict(list)
    for notice in withdrawn:
        if notice.issued_at is not None:  # a candidate never reached the unit
            by_unit[notice.unit_id].append(notice)
    people = delivery.unit_people(by_unit)
    messages = []
    for unit_id, notices in by_unit.items():
        subject = _("Correction: %(count)s notices withdrawn") % {"count": len(notices)}
        lines = [
            _(
                "The supervision scan as of %(day)s was run by mistake and has been undone. These notices are "
                "withdrawn and ask nothing of your unit; their numbers will not be used again:"
            )
            % {"day": run.day.isoformat()},
            *(f"· {n.number} {n.title}：{n.target.title}" for n in notices),
        ]
        if note.strip():
            lines.append(note.strip())
        for user_id, email in people[unit_id].items():
            messages.append(
                delivery._message(
                    user_id, email, kind=MessageKind.CORRECTION, subject=subject[:200], body="\n".join(lines)
                )
            )
    delivery._save_and_send(messages)
    return len(by_unit)


def mark_abandoned_runs(now: dt.datetime | None = None) -> int:
    """Runs whose worker died mid-scan (unfinished, started longer ago than any scan takes) are
    marked abandoned: the console shows them, and the next scan completes what they left (each
    step is its own transaction, and the rules find what is still to do)."""
    now = now or timezone.now()
    return SupervisionRun.objects.filter(
        finished_at=None, abandoned_at=None, undone_at=None, created_at__lte=now - ABANDONED_AFTER
    ).update(abandoned_at=now)
