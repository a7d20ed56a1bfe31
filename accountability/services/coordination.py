"""现场协调快办: a unit asks for coordination, the leader (or the office for them) schedules the
meeting, the meeting's decisions (议定事项) are recorded with an owner unit, a person and a deadline;
the owner reports progress and asks to close, the office closes (办结)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.errors import RuleViolation
from core.permissions import can
from tasks.models import Assignment, Leader, ProgressReport, Unit
from tasks.services import check_evidence_file, save_with_history
from tasks.services.delegation import signed_reason

from ..choices import ClosedReason, CoordinationStatus, DecisionStatus, MessageKind, NoticeCause, NoticeKind
from ..models import Coordination, DecisionItem, DecisionProgress, Notice
from . import delivery
from .notices import close_notices


def request_coordination(
    *,
    unit: Unit,
    blocked: str,
    leader: Leader | None,
    units=(),
    acting_user,
    assignment: Assignment | None = None,
    report: ProgressReport | None = None,
) -> Coordination:
    """申请协调: the unit says what is blocked and which leader and units it needs."""
    if unit.pk not in access_for(acting_user).unit_ids:
        raise RuleViolation(_("Only the unit's own people ask for coordination."))
    errors: dict[str, list[str]] = {}
    blocked = (blocked or "").strip()
    if not blocked:
        errors["blocked"] = [_("Say what is blocked.")]
    if leader is None:
        errors["leader"] = [_("Name the city leader needed.")]
    if assignment is not None and assignment.unit_id != unit.pk:
        errors["assignment"] = [_("Choose one of the unit's own assignments.")]
    if report is not None:
        if assignment is None:
            assignment = report.assignment
        if report.assignment_id != assignment.pk or not report.problems.strip():
            errors.setdefault("__all__", []).append(_("The report raises no problem of this assignment."))
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        coordination = Coordination(
            unit=unit,
            blocked=blocked,
            leader=leader,
            assignment=assignment,
            report=report,
            requested_by=acting_user,
            requested_at=clock.now(),
        )
        save_with_history(coordination, acting_user=acting_user, reason=_("Coordination requested"))
        coordination.units.set([other for other in units if other.pk != unit.pk])
        _tell_office(coordination, lambda: _("Coordination requested by %(unit)s") % {"unit": unit})
    return coordination


def schedule_coordination(
    coordination: Coordination, *, meeting_at: dt.datetime | None, place: str, units, acting_user
) -> Coordination:
    """安排协调: the leader, or the office for them, sets the time, the place and the units called."""
    errors: dict[str, list[str]] = {}
    place = (place or "").strip()
    if meeting_at is None:
        errors["meeting_at"] = [_("Give the time of the meeting.")]
    if not place:
        errors["place"] = [_("Give the place of the meeting.")]
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic():
        coordination = Coordination.objects.select_for_update().get(pk=coordination.pk)
        if not can(acting_user, "coordination.schedule", coordination):
            raise RuleViolation(_("Only the leader asked, or the office for them, schedules a coordination."))
        coordination.meeting_at, coordination.place = meeting_at, place
        coordination.scheduled_by = acting_user
        coordination.status = CoordinationStatus.SCHEDULED
        _leader, reason = signed_reason(_("Coordination scheduled"), acting_user)
        save_with_history(coordination, acting_user=acting_user, reason=reason)
        coordination.units.set([other for other in units if other.pk != coordination.unit_id])
        _tell_units(
            coordination,
            [unit_id for unit_id in (coordination.unit_id, *(other.pk for other in units)) if unit_id],
            lambda: (
                _("Coordination meeting: %(when)s, %(place)s")
                % {"when": timezone.localtime(meeting_at).strftime("%Y-%m-%d %H:%M"), "place": place}
            ),
        )
    return coordination


def hold_progress_meeting(
    *, leader: Leader | None, subject: str, meeting_at: dt.datetime | None, place: str, units=(), acting_user
) -> Coordination:
    """召开推进例会: the office, or a leader for their own post, holds a progress meeting with the
    units called; its decisions are then recorded like a coordination meeting's (``record_decisions``)."""
    errors: dict[str, list[str]] = {}
    subject, place = (subject or "").strip(), (place or "").strip()
    if not subject:
        errors["subject"] = [_("Give the subject of the progress meeting.")]
    if leader is None:
        errors["leader"] = [_("Name the city leader who holds the meeting.")]
    if meeting_at is None:
        errors["meeting_at"] = [_("Give the time of the meeting.")]
    if errors:
        raise RuleViolation(errors)
    if not can(acting_user, "coordination.hold_meeting", leader):
        raise RuleViolation(_("Only the office, or a leader for their own post, holds a progress meeting."))
    units = list(units)
    with transaction.atomic():
        now = clock.now()
        coordination = Coordination(
            unit=None,
            blocked=subject,
            leader=leader,
            status=CoordinationStatus.SCHEDULED,
            meeting_at=meeting_at,
            place=place,
            requested_by=acting_user,
            requested_at=now,
            scheduled_by=acting_user,
        )
        _leader, reason = signed_reason(_("Progress meeting held"), acting_user)
        save_with_history(coordination, acting_user=acting_user, reason=reason)
        coordination.units.set(units)
        _tell_units(
            coordination,
            [unit.pk for unit in units],
            lambda: (
                _("Progress meeting: %(when)s, %(place)s")
                % {"when": timezone.localtime(meeting_at).strftime("%Y-%m-%d %H:%M"), "place": place or "—"}
            ),
        )
    return coordination


def record_decisions(coordination: Coordination, *, rows: list[dict], minutes: str = "", acting_user) -> list:
    """记录议定事项: each row a decision with its owner unit, responsible person and deadline. A row
    without one of them is refused, naming what is missing; nothing is saved unless all rows are whole."""
    rows = [row for row in rows if any(row.get(key) for key in ("text", "owner", "person", "deadline"))]
    if not rows:
        raise RuleViolation(_("Record at least one decision."))
    problems = []
    for number, row in enumerate(rows, start=1):
        missing = [
            label
            for key, label in (
                ("text", _("the decision")),
                ("owner", _("the owner unit")),
                ("person", _("the responsible person")),
                ("deadline", _("the deadline")),
            )
            if not (row.get(key).strip() if key == "text" else row.get(key))
        ]
        if missing:
            problems.append(
                _("Decision %(number)s: %(missing)s missing.") % {"number": number, "missing": "、".join(missing)}
            )
            continue
        if row["person"].unit_id != row["owner"].pk:
            problems.append(
                _("Decision %(number)s: %(person)s is not one of %(unit)s's people.")
                % {"number": number, "person": row["person"].name, "unit": row["owner"]}
            )
        if row["deadline"] < clock.today():
            problems.append(_("Decision %(number)s: the deadline cannot be in the past.") % {"number": number})
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        coordination = Coordination.objects.select_for_update().get(pk=coordination.pk)
        if not can(acting_user, "coordination.record", coordination):
            raise RuleViolation(_("Decisions are recorded once the meeting is scheduled, by its leader or the office."))
        now = clock.now()
        items = []
        for row in rows:
            item = DecisionItem(
                coordination=coordination,
                text=row["text"].strip(),
                owner=row["owner"],
                person=row["person"],
                deadline=row["deadline"],
                created_by=acting_user,
                created_at=now,
            )
            save_with_history(item, acting_user=acting_user, reason=_("Decision recorded"))
            items.append(item)
        coordination.status, coordination.decided_at = CoordinationStatus.DECIDED, now
        if minutes.strip():
            coordination.minutes = minutes.strip()
        save_with_history(coordination, acting_user=acting_user, reason=_("Decisions recorded"))
        for item in items:
            _tell_units(
                coordination,
                [item.owner_id],
                lambda item=item: (
                    _("Meeting decision for you, due %(deadline)s: %(text)s")
                    % {"deadline": item.deadline.isoformat(), "text": item.text}
                ),
            )
    return items


def report_decision_progress(
    item: DecisionItem, *, text: str, acting_user, file=None, asks_close: bool = False
) -> DecisionProgress:
    """报告进展: the owner unit says what it did; with ``asks_close`` it asks the office to close it."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation({"text": [_("Say what progress was made.")]})
    if file is not None:
        check_evidence_file(file)
    with transaction.atomic():
        item = DecisionItem.objects.select_for_update().get(pk=item.pk)
        if not can(acting_user, "decision.report", item):
            raise RuleViolation(_("Only the owner unit reports on an open decision."))
        progress = DecisionProgress(
            item=item,
            text=text,
            asks_close=asks_close,
            uploaded_by=acting_user,
            uploaded_at=clock.now(),
            content_type="",
        )
        if file is not None:
            progress = DecisionProgress.from_upload(file, acting_user=acting_user, item=item)
            progress.text, progress.asks_close = text, asks_close
        save_with_history(progress, acting_user=acting_user, reason=_("Decision progress reported"))
        if asks_close and item.status == DecisionStatus.OPEN:
            item.status = DecisionStatus.CLOSE_REQUESTED
            save_with_history(item, acting_user=acting_user, reason=_("Completion requested"))
            _tell_office(
                item.coordination,
                lambda: _("%(unit)s asks to close a decision: %(text)s") % {"unit": item.owner, "text": item.text},
            )
    return progress


def close_decision(item: DecisionItem, *, acting_user, close: bool = True, note: str = "") -> DecisionItem:
    """办结 by the office; or, refusing a completion request, back to the owner with the reason.
    Closing ends the item's open notices."""
    note = (note or "").strip()
    if not close and not note:
        raise RuleViolation({"note": [_("Say why the decision is not completed yet.")]})
    with transaction.atomic():
        item = DecisionItem.objects.select_for_update().get(pk=item.pk)
        if not can(acting_user, "decision.close", item):
            raise RuleViolation(_("Only the office closes an open decision."))
        if close:
            item.status, item.closed_by, item.closed_at, item.closed_on = (
                DecisionStatus.CLOSED,
                acting_user,
                clock.now(),
                clock.today(),
            )
            item.close_note = note
            save_with_history(item, acting_user=acting_user, reason=_("Decision completed"))
            close_notices(
                list(Notice.objects.open().filter(decision_item=item)),
                reason=ClosedReason.DECISION_CLOSED,
                acting_user=acting_user,
                change_reason=_("The decision was completed"),
            )
        else:
            if item.status != DecisionStatus.CLOSE_REQUESTED:
                raise RuleViolation(_("Only a requested completion can be sent back."))
            item.status, item.close_note = DecisionStatus.OPEN, note
            save_with_history(item, acting_user=acting_user, reason=_("Completion not accepted"))
            _tell_units(
                item.coordination, [item.owner_id], lambda: _("Completion not accepted: %(note)s") % {"note": note}
            )
    return item


def decision_notice_exists():
    """The natural key of a decision's overdue notice: one per item (the scan's idempotence)."""
    return Notice.all_notices.filter(kind=NoticeKind.SUPERVISION, cause=NoticeCause.DECISION_OVERDUE)


# --- Inbox ---------------------------------------------------------------------------------------


# The subject is a callable: it is worded in the site's language, whoever's request this is.


def _tell_units(coordination: Coordination, unit_ids, subject) -> None:
    people = delivery.unit_people(unit_ids)
    recipients = {user_id: email for unit_people in people.values() for user_id, email in unit_people.items()}
    _send(recipients, subject, coordination.blocked)


def _tell_office(coordination: Coordination, subject) -> None:
    _send(delivery.office_people(), subject, coordination.blocked)


def _send(recipients: dict[int, str], subject, body: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        text = str(subject())[:200]
    delivery.deliver_plain(recipients, kind=MessageKind.COORDINATION, subject=text, body=body)


__all__ = [
    "close_decision",
    "hold_progress_meeting",
    "record_decisions",
    "report_decision_progress",
    "request_coordination",
    "schedule_coordination",
]
