"""Issuing the five lists (五单) and their life: sign-for, answer, verification, close.

Every issuer follows the same order inside one transaction: lock the kind's number counter, *then*
look at what is still to be issued (so a second issuer sees the first one's notices), then save
the notices with history and their inbox entries; emails leave after commit.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.bulk_history import HistoryStamp, insert_rows, write_history
from core.errors import RuleViolation
from core.history import fit_reason
from core.id_lists import AnyOf
from core.lean_models import built_by_django, instance_from_values
from tasks import services as ledger
from tasks.choices import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus
from tasks.models import Assignment, ProgressReport
from tasks.services import save_with_history
from tasks.services.delegation import signed_reason
from tasks.services.unit_completion import bump_units
from tasks.services.warning_levels import clear_warning_levels
from tasks.services.years import refuse_closed_assignment

from ..choices import (
    ANSWERED_KINDS,
    OPEN_NOTICE_STATUSES,
    SIGN_ONLY_KINDS,
    ClosedReason,
    NoticeCause,
    NoticeKind,
    NoticeStatus,
)
from ..models import Notice, SupervisionRules, format_number
from . import delivery, notice_texts
from .duties import refuse_own_approval, refuse_unless_leader
from .notice_texts import Wording
from .numbering import lock_counter, take_serials
from .scoring import score_completion


def draft_notice(
    kind: str,
    assignment: Assignment,
    *,
    cause: str,
    wording: Wording,
    period: str = "",
    level: int | None = None,
    due_date: dt.date | None = None,
    report: ProgressReport | None = None,
    escalated_from: Notice | None = None,
    acting_user,
) -> Notice:
    """An unsaved notice about ``assignment`` (its target and unit are copied for filtering)."""
    moment = _drafting_moment.get() or clock.now()
    return _new_notice(
        {
            "kind": kind,
            "year": clock.today().year,
            "title": wording.title,
            "assignment_id": assignment.pk,
            "target_id": assignment.target_id,
            "unit_id": assignment.unit_id,
            "report_id": report.pk if report is not None else None,
            "cause": cause,
            "period": period,
            "level": level,
            "body": wording.body,
            "required_action": wording.required_action,
            "due_date": due_date,
            "issued_by_id": acting_user.pk if acting_user is not None else None,
            "escalated_from_id": escalated_from.pk if escalated_from is not None else None,
            "created_at": moment,
        },
        # The objects, not only their ids: delivery and texts read them without another query.
        {
            "assignment": assignment,
            "target": assignment.target,
            "unit": assignment.unit,
            "report": report,
            "issued_by": acting_user,
            "escalated_from": escalated_from,
        },
    )


# Inside ``drafting_at()``: the one moment a batch of drafts is created at (``clock.now()`` per
# notice was a tenth of drafting a thousand).
_drafting_moment: ContextVar[dt.datetime | None] = ContextVar("drafting_moment", default=None)


@contextmanager
def drafting_at(moment: dt.datetime) -> Iterator[None]:
    token = _drafting_moment.set(moment)
    try:
        yield
    finally:
        _drafting_moment.reset(token)


def _new_notice(values: dict, related: dict) -> Notice:
    """A notice built as Django builds one (``core.lean_models``: its values put straight into the
    instance; ``Model.__init__`` set each of its 33 fields through ``setattr``, keyword arguments
    through the foreign keys' descriptors, most of a draft's cost); the related objects given are
    cached on it."""
    row = [values.get(attname, default) for attname, default in _defaults()]
    notice = Notice(*row) if built_by_django(Notice) else instance_from_values(Notice, _attnames(), row)
    cache = notice._state.fields_cache
    for name, obj in related.items():
        if obj is not None:
            cache[name] = obj
    return notice


@functools.cache
def _attnames() -> tuple[str, ...]:
    return tuple(attname for attname, _default in _defaults())


@functools.cache
def _defaults() -> tuple[tuple[str, object], ...]:
    """(attname, default) of each stored field of a notice, in order: asked once, not per draft
    (a notice's defaults are constants; a callable one would have to be called per draft)."""
    fields = Notice._meta.concrete_fields
    assert not any(field.has_default() and callable(field.default) for field in fields), "call it per draft"
    return tuple((field.attname, None if field.primary_key else field.get_default()) for field in fields)


# While a scan runs, the ids of the notices it creates and closes, so that the run can be undone.
_recording: ContextVar[dict[str, list[int]] | None] = ContextVar("scan_changes", default=None)


@contextmanager
def recording_changes() -> Iterator[dict[str, list[int]]]:
    """Collect {"issued": [...], "closed": [...]} of the notices saved and closed inside the block."""
    changes: dict[str, list[int]] = {"issued": [], "closed": []}
    token = _recording.set(changes)
    try:
        yield changes
    finally:
        _recording.reset(token)


def _record(what: str, notices) -> None:
    changes = _recording.get()
    if changes is not None:
        changes[what].extend(notice.pk for notice in notices)


def warnings_changed(notices) -> None:
    """A warning issued, closed, stepped down, escalated or withdrawn changes the level in force its
    assignment is judged by: the unit's kept judgments are stale (in the writer's transaction). Rows
    written without ``save()`` call this; the signal below covers the rest."""
    # A notice carries its assignment's unit (copied when drafted; an assignment never changes unit):
    # no query for the units of a night's thousands of assignments.
    bump_units(n.unit_id for n in notices if n.kind == NoticeKind.WARNING and n.assignment_id)


def _notice_saved(sender, instance, **kwargs) -> None:
    warnings_changed([instance])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_notice_saved, sender=Notice, dispatch_uid="kept_judgments.notice")
    post_delete.connect(_notice_saved, sender=Notice, dispatch_uid="kept_judgments.notice.delete")


def save_issued(drafts: list[Notice], *, counter, acting_user, reason: str) -> list[Notice]:
    """Number, save and deliver notices of one kind; ``counter`` is the kind's locked counter."""
    if not drafts:
        return []
    moment = clock.now()
    for notice, serial in zip(drafts, take_serials(counter, len(drafts)), strict=True):
        notice.year, notice.serial = counter.year, serial
        notice.number = format_number(notice.kind, counter.year, serial)
        notice.status, notice.issued_at = NoticeStatus.ISSUED, moment
    notices = _create_with_history(drafts, acting_user=acting_user, reason=reason, moment=moment)
    delivery.deliver_to_units(notices)
    return notices


# Every stored column of a notice but its id, in the order ``insert_rows`` writes them.
_NOTICE_COLUMNS = tuple(field.attname for field in Notice._meta.concrete_fields if not field.primary_key)
_notice_row = operator.attrgetter(*_NOTICE_COLUMNS)  # a notice's values as a tuple of those columns


def _create_with_history(drafts: list[Notice], *, acting_user, reason: str, moment) -> list[Notice]:
    """The rows as plain tuples in one multi-row insert (``COPY`` on PostgreSQL), then their history
    rows copied from what was stored by one ``INSERT … SELECT`` (a night's scan issues thousands:
    ``bulk_create`` preparing each value of each row, and building each history instance in
    Python, were most of the scan's time)."""
    stamp = HistoryStamp(user=acting_user, reason=fit_reason(reason), date=moment)
    rows = list(map(_notice_row, drafts))
    ids = insert_rows(Notice, _NOTICE_COLUMNS, rows, stamp=stamp)
    for notice, pk in zip(drafts, ids, strict=True):
        notice.pk = pk
        notice._state.adding, notice._state.db = False, "default"
    warnings_changed(drafts)
    _record("issued", drafts)
    return drafts


def save_proposed(drafts: list[Notice], *, acting_user, reason: str) -> list[Notice]:
    """Exposure candidates: saved without a number and put before the office."""
    if not drafts:
        return []
    for notice in drafts:
        notice.status = NoticeStatus.PROPOSED
    notices = _create_with_history(drafts, acting_user=acting_user, reason=reason, moment=clock.now())
    delivery.ask_office_to_approve(notices)
    return notices


def close_notices(notices: list[Notice], *, reason: str, acting_user, change_reason: str) -> None:
    """Close open notices: one UPDATE for all (they share the reason and the moment) and a history
    row each."""
    if not notices:
        return
    moment = clock.now()
    for notice in notices:
        notice.status, notice.closed_at, notice.closed_reason = NoticeStatus.CLOSED, moment, reason
    Notice.objects.filter(AnyOf("pk", [notice.pk for notice in notices])).update(
        status=NoticeStatus.CLOSED, closed_at=moment, closed_reason=reason
    )
    stamp = HistoryStamp(user=acting_user, reason=fit_reason(change_reason), date=moment)
    write_history(Notice, [notice.pk for notice in notices], history_type="~", stamp=stamp)
    warnings_changed(notices)
    _record("closed", notices)


def end_warnings(assignment_ids: Iterable[int], *, acting_user) -> None:
    """The assignment is no longer worked on (closed out): its open warnings close and its colour clears."""
    assignment_ids = list(assignment_ids)
    open_warnings = list(Notice.objects.open_warnings().filter(assignment_id__in=assignment_ids))
    close_notices(
        open_warnings,
        reason=ClosedReason.ASSIGNMENT_ENDED,
        acting_user=acting_user,
        change_reason=_("The assignment is no longer open"),
    )
    # Bookkeeping (not history): the colour the workspaces show.
    clear_warning_levels(assignment_ids)


# --- Task notices (任务告知单) ----------------------------------------------------------------


def issue_task_notices(assignment_ids: Iterable[int], *, acting_user) -> list[Notice]:
    """The task notice of each issued assignment that does not have one yet (idempotent)."""
    rules = SupervisionRules.current()
    assignment_ids = [int(pk) for pk in assignment_ids]
    with transaction.atomic():
        counter = lock_counter(NoticeKind.TASK, clock.today().year)
        # Those that have theirs, by index probes (read under the counter's lock, as before): an
        # anti-join with the notices made PostgreSQL hash every task notice of the year for an
        # import's thousand assignments.
        have = set(
            Notice.all_notices.filter(AnyOf("assignment_id", assignment_ids), kind=NoticeKind.TASK).values_list(
                "assignment_id", flat=True
            )
        )
        missing = notice_texts.assignments_to_word(
            Assignment.objects.filter(AnyOf("pk", [pk for pk in assignment_ids if pk not in have]))
            .filter(issued_at__isnull=False)
            .exclude(status=AssignmentStatus.DRAFT)
            .order_by("target__code", "role", "unit__sort_order", "pk")
        )
        due = clock.today() + dt.timedelta(days=rules.sign_for_days)
        with notice_texts.rendering_in_bulk(), drafting_at(clock.now()):
            drafts = [
                draft_notice(
                    NoticeKind.TASK,
                    assignment,
                    cause=NoticeCause.ASSIGNMENT_ISSUED,
                    wording=notice_texts.task_wording(assignment, due=due),
                    due_date=due,
                    acting_user=acting_user,
                )
                for assignment in missing
            ]
        return save_issued(drafts, counter=counter, acting_user=acting_user, reason=_("Task notice issued"))


# --- Close-out (任务销号单) --------------------------------------------------------------------


def _close_out_draft(assignment: Assignment, *, acting_user, note: str = "", earlier: int = 0) -> Notice:
    """The close-out notice of ``assignment``'s latest close-out. One closed out again after a return
    for redo gets a notice of its own, keyed by how many came before (``redo1``…)."""
    rules = SupervisionRules.current()
    due = clock.today() + dt.timedelta(days=rules.sign_for_days)
    day = timezone.localdate(assignment.closed_at) if assignment.closed_at else clock.today()
    return draft_notice(
        NoticeKind.CLOSE_OUT,
        assignment,
        cause=NoticeCause.VERIFIED,
        period=f"redo{earlier}" if earlier else "",
        wording=notice_texts.close_out_wording(assignment, day=day, due=due, note=note),
        due_date=due,
        acting_user=acting_user,
    )


def _close_out_notices():
    return Notice.objects.filter(assignment=OuterRef("pk"), kind=NoticeKind.CLOSE_OUT)


def without_close_out_notice(assignments):
    """Closed assignments whose latest close-out has no notice yet, with ``earlier_notices``: how many
    close-out notices earlier close-outs (since returned for redo) had."""
    earlier = _close_out_notices().order_by().values("assignment").annotate(n=Count("pk")).values("n")
    return assignments.exclude(Exists(_close_out_notices().filter(created_at__gte=OuterRef("closed_at")))).annotate(
        earlier_notices=Coalesce(Subquery(earlier), 0)
    )


def issue_close_out_notices(assignment_ids: Iterable[int], *, acting_user) -> list[Notice]:
    """The close-out notice of each closed assignment that lacks one (after a close-out made elsewhere)."""
    with transaction.atomic():
        counter = lock_counter(NoticeKind.CLOSE_OUT, clock.today().year)
        closed = without_close_out_notice(
            Assignment.objects.filter(pk__in=list(assignment_ids), status=AssignmentStatus.CLOSED)
        )
        closed = closed.select_related("target", "unit").order_by("closed_at", "pk")
        with notice_texts.rendering_in_bulk():
            drafts = [
                _close_out_draft(assignment, acting_user=acting_user, earlier=assignment.earlier_notices)
                for assignment in closed
            ]
        notices = save_issued(drafts, counter=counter, acting_user=acting_user, reason=_("Close-out notice issued"))
        end_warnings([notice.assignment_id for notice in notices], acting_user=acting_user)
        return notices


def verify_and_close_out(assignment: Assignment, *, acting_user, note: str = "") -> Notice:
    """销号: the office verifies the claimed completion, closes the assignment, issues the close-out
    notice (任务销号单) and writes the points the completion earns."""
    with transaction.atomic():
        counter = lock_counter(NoticeKind.CLOSE_OUT, clock.today().year)
        assignment = Assignment.objects.select_for_update().select_related("target", "unit").get(pk=assignment.pk)
        if assignment.status == AssignmentStatus.CLAIMED:
            ledger.verify_completion(assignment, acting_user=acting_user, note=note)
        if assignment.status != AssignmentStatus.VERIFIED:
            raise RuleViolation(
                _("Only a claimed completion can be verified; this assignment is %(status)s.")
                % {"status": assignment.get_status_display()}
            )
        ledger.close_out(assignment, acting_user=acting_user, reason=note)
        earlier = assignment.notices.filter(kind=NoticeKind.CLOSE_OUT).count()
        notice = _close_out_draft(assignment, acting_user=acting_user, note=note, earlier=earlier)
        [notice] = save_issued([notice], counter=counter, acting_user=acting_user, reason=_("Close-out notice issued"))
        end_warnings([assignment.pk], acting_user=acting_user)
        score_completion(assignment.pk)
    return notice


# --- Issue supervision (问题督查单) --------------------------------------------------------------


def issue_supervision(
    assignment: Assignment,
    *,
    acting_user,
    problem: str,
    required_action: str,
    due_date: dt.date,
    report: ProgressReport | None = None,
) -> Notice:
    """The office orders a unit to rectify a problem by a date; the assignment goes under rectification."""
    errors: dict[str, list[str]] = {}
    if not problem.strip():
        errors["problem"] = [_("Describe the problem to be rectified.")]
    if not required_action.strip():
        errors["required_action"] = [_("Say what the unit must do.")]
    if due_date is None or due_date <= clock.today():
        errors["due_date"] = [_("The rectification date must be after today.")]
    if errors:
        raise RuleViolation(errors)
    if report is not None and report.assignment_id != assignment.pk:
        raise RuleViolation(_("The report does not belong to this assignment."))
    refuse_closed_assignment(assignment)
    with transaction.atomic():
        counter = lock_counter(NoticeKind.SUPERVISION, clock.today().year)
        assignment = Assignment.objects.select_for_update().select_related("target", "unit").get(pk=assignment.pk)
        if assignment.status not in OPEN_ASSIGNMENT_STATUSES:
            raise RuleViolation(
                _("Only an open assignment can be put under rectification; this one is %(status)s.")
                % {"status": assignment.get_status_display()}
            )
        cause, period = (NoticeCause.PROBLEM, report.period) if report else (NoticeCause.FINDING, "")
        if report is not None:
            earlier = assignment.notices.filter(kind=NoticeKind.SUPERVISION, cause=cause, period=period).first()
            if earlier is not None:
                raise RuleViolation(
                    _("Supervision notice %(number)s was already issued for this report's problem.")
                    % {"number": earlier.number}
                )
        if assignment.status != AssignmentStatus.RECTIFYING:
            ledger.start_rectification(assignment, acting_user=acting_user, reason=_("Issue supervision notice"))
        wording = Wording(notice_texts.kind_title(NoticeKind.SUPERVISION), problem.strip(), required_action.strip())
        notice = draft_notice(
            NoticeKind.SUPERVISION,
            assignment,
            cause=cause,
            period=period,
            wording=wording,
            due_date=due_date,
            report=report,
            acting_user=acting_user,
        )
        [notice] = save_issued(
            [notice], counter=counter, acting_user=acting_user, reason=_("Issue supervision notice issued")
        )
    return notice


# --- Exposure (落实情况曝光单) -------------------------------------------------------------------


def propose_exposure(assignment: Assignment, *, acting_user, reason: str) -> Notice:
    """The office puts an exposure forward by hand; like the scan's candidates it waits for approval."""
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say what the unit failed to do.")]})
    refuse_closed_assignment(assignment)
    due = clock.today() + dt.timedelta(days=SupervisionRules.current().red_response_days)
    notice = draft_notice(
        NoticeKind.EXPOSURE,
        assignment,
        cause=NoticeCause.MANUAL,
        wording=notice_texts.exposure_wording(assignment, cause=NoticeCause.MANUAL, due=due, reason=reason.strip()),
        due_date=due,
        acting_user=acting_user,
    )
    with transaction.atomic():
        [notice] = save_proposed([notice], acting_user=acting_user, reason=_("Exposure proposed"))
    return notice


def approve_exposure(notice: Notice, *, acting_user, note: str = "") -> Notice:
    """A city leader approves a candidate the office prepared (never their own): it is numbered,
    issued to the unit and published."""
    refuse_unless_leader(acting_user, _("an exposure"))
    rules = SupervisionRules.current()
    with transaction.atomic():
        counter = lock_counter(NoticeKind.EXPOSURE, clock.today().year)
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.kind != NoticeKind.EXPOSURE or notice.status != NoticeStatus.PROPOSED:
            raise RuleViolation(_("Only an exposure awaiting approval can be approved."))
        refuse_own_approval(notice.issued_by_id, acting_user)  # who put it forward
        refuse_closed_assignment(notice.assignment)
        moment = clock.now()
        due = clock.today() + dt.timedelta(days=rules.red_response_days)
        notice.year, [notice.serial] = counter.year, take_serials(counter, 1)
        notice.number = format_number(notice.kind, notice.year, notice.serial)
        notice.status, notice.issued_at, notice.issued_by = NoticeStatus.ISSUED, moment, acting_user
        notice.due_date, notice.required_action = due, notice_texts.exposure_action(due)
        notice.is_published, notice.published_at = True, moment
        notice.verification_note = note.strip()
        save_with_history(
            notice, acting_user=acting_user, reason=signed_reason(_("Exposure approved and published"), acting_user)[1]
        )
        delivery.deliver_to_units([notice])
    return notice


def dismiss_exposure(notice: Notice, *, acting_user, reason: str) -> Notice:
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the exposure is not approved.")]})
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.kind != NoticeKind.EXPOSURE or notice.status != NoticeStatus.PROPOSED:
            raise RuleViolation(_("Only an exposure awaiting approval can be turned down."))
        refuse_closed_assignment(notice.assignment)
        notice.status, notice.closed_at = NoticeStatus.DISMISSED, clock.now()
        notice.verified_by, notice.verified_at, notice.verification_note = acting_user, clock.now(), reason.strip()
        save_with_history(notice, acting_user=acting_user, reason=_("Exposure not approved"))
    return notice


# --- The unit's side: sign for, answer; the office's: verify -----------------------------------


def _locked(notice: Notice) -> Notice:
    """The notice, locked; a notice of a year closed at year end takes no more steps."""
    # Only the notice's row is locked: its assignment is an outer join (a decision's notice has none),
    # which PostgreSQL does not lock.
    notice = Notice.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=notice.pk)
    if notice.assignment_id is not None:  # a meeting decision's notice belongs to no year's ledger
        refuse_closed_assignment(notice.assignment)
    return notice


def sign_for_notice(notice: Notice, *, acting_user) -> Notice:
    """签收. A task notice signs for its assignment too; a task or close-out notice is done once signed."""
    with transaction.atomic():
        notice = _locked(notice)
        if notice.status != NoticeStatus.ISSUED:
            raise RuleViolation(_("This notice has already been signed for."))
        _sign(notice, acting_user=acting_user)
        save_with_history(notice, acting_user=acting_user, reason=_("Signed for"))
    return notice


def _sign(notice: Notice, *, acting_user) -> None:
    notice.signed_by, notice.signed_at = acting_user, clock.now()
    notice.status = NoticeStatus.SIGNED
    if notice.kind in SIGN_ONLY_KINDS:
        notice.status, notice.closed_at, notice.closed_reason = (
            NoticeStatus.CLOSED,
            notice.signed_at,
            ClosedReason.SIGNED_FOR,
        )
    if notice.kind == NoticeKind.TASK and notice.assignment.status == AssignmentStatus.ISSUED:
        ledger.sign_for_assignment(notice.assignment, acting_user=acting_user)


def answer_notice(notice: Notice, *, acting_user, response: str) -> Notice:
    """The unit answers: what it did about the warning, the problem or the exposure."""
    if not response.strip():
        raise RuleViolation({"response": [_("Write the answer before sending it.")]})
    with transaction.atomic():
        notice = _locked(notice)
        if notice.kind in SIGN_ONLY_KINDS:
            raise RuleViolation(_("This notice only needs to be signed for."))
        if notice.status not in (NoticeStatus.ISSUED, NoticeStatus.SIGNED, NoticeStatus.ANSWERED):
            raise RuleViolation(_("This notice is closed and takes no more answers."))
        if notice.status == NoticeStatus.ISSUED:
            _sign(notice, acting_user=acting_user)
        notice.response = response.strip()
        notice.responded_by, notice.responded_at = acting_user, clock.now()
        notice.status = NoticeStatus.ANSWERED
        save_with_history(notice, acting_user=acting_user, reason=_("Answered"))
    return notice


def verify_answer(notice: Notice, *, acting_user, accepted: bool, note: str = "") -> Notice:
    """The office checks the answer: accepted closes the notice (and ends the rectification); refused
    sends it back to the unit with the reason."""
    if not accepted and not note.strip():
        raise RuleViolation({"note": [_("Say why the answer is not accepted.")]})
    with transaction.atomic():
        notice = _locked(notice)
        if notice.kind not in ANSWERED_KINDS or notice.status != NoticeStatus.ANSWERED:
            raise RuleViolation(_("Only an answered supervision or exposure notice can be verified."))
        notice.verified_by, notice.verified_at, notice.verification_note = acting_user, clock.now(), note.strip()
        if accepted:
            notice.status, notice.closed_at, notice.closed_reason = (
                NoticeStatus.CLOSED,
                clock.now(),
                ClosedReason.VERIFIED,
            )
            save_with_history(notice, acting_user=acting_user, reason=_("Answer verified"))
            _end_rectification(notice, acting_user=acting_user)
        else:
            notice.status = NoticeStatus.SIGNED
            save_with_history(notice, acting_user=acting_user, reason=_("Answer not accepted"))
    return notice


def _end_rectification(notice: Notice, *, acting_user) -> None:
    """The assignment leaves rectification once no supervision notice on it is still open."""
    if notice.kind != NoticeKind.SUPERVISION or notice.assignment_id is None:
        return
    assignment = Assignment.objects.select_for_update().get(pk=notice.assignment_id)
    still_open = assignment.notices.filter(kind=NoticeKind.SUPERVISION, status__in=OPEN_NOTICE_STATUSES).exists()
    if assignment.status == AssignmentStatus.RECTIFYING and not still_open:
        ledger.mark_in_progress(assignment, acting_user=acting_user, reason=_("Rectification verified"))
