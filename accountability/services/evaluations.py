"""常态问政: the office opens an evaluation round, evaluators fill their sheets, the office publishes.

A round's subjects are the units chosen (their work as a whole) and the targets chosen (each through
its lead unit). Evaluators are city leaders and NPC deputies / CPPCC members with a login; an
evaluator without one hands in a paper sheet, which the office types in. Publishing closes the round:
sheets not submitted by then are left out, the results are frozen (the sheets can no longer change),
and where a result's rule carries points (off until the office sets them) the unit's ledger gets one
entry per subject.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.access import RoleKind
from core.errors import RuleViolation
from core.permissions import can
from tasks.choices import AssignmentRole
from tasks.models import Assignment, Role
from tasks.services import save_with_history, validate_and_save

from ..choices import EvaluatorKind, Rating, RoundStatus, SheetStatus
from ..constants import RESULT_BAND_RULES
from ..models import (
    EvaluationMark,
    EvaluationRound,
    EvaluationSheet,
    EvaluationSubject,
    ScoreEntry,
    ScoreRule,
)
from ..rulebook import RuleBook
from ..selectors.evaluations import round_results
from .delivery import deliver_evaluation_results, deliver_evaluation_sheets
from .duties import refuse_unless_office
from .points import recount_unit_months
from .rules import ensure_default_rules

COMMENT_MAX = 1000
ROLE_EVALUATOR_KINDS = {
    RoleKind.LEADER: EvaluatorKind.LEADER,
    RoleKind.NPC_DEPUTY: EvaluatorKind.NPC_DEPUTY,
    RoleKind.CPPCC_MEMBER: EvaluatorKind.CPPCC_MEMBER,
}


def evaluator_kind_of(user) -> str | None:
    """What the person evaluates as: a city leader (a post of their own), an NPC deputy or a CPPCC member."""
    kinds = set(Role.objects.filter(user=user, kind__in=ROLE_EVALUATOR_KINDS).values_list("kind", flat=True))
    for role_kind, kind in ROLE_EVALUATOR_KINDS.items():
        if role_kind in kinds:
            return kind
    return None


def possible_evaluators():
    """Active logins that may be named as evaluators (leaders, deputies, members), by role then name."""
    from tasks.models import User

    return (
        User.objects.filter(is_active=True, roles__kind__in=ROLE_EVALUATOR_KINDS)
        .distinct()
        .order_by("display_name", "username")
    )


def _subjects(units, targets) -> list[tuple]:
    """(unit, target or None) in the order they will be listed: each unit, then each target by its lead unit."""
    lines = [(unit, None) for unit in units]
    leads = {
        assignment.target_id: assignment.unit
        for assignment in Assignment.objects.filter(target__in=targets, role=AssignmentRole.LEAD).select_related("unit")
    }
    missing = [target for target in targets if target.pk not in leads]
    if missing:
        names = "、".join(f"{target.code} {target.title}" for target in missing)
        raise RuleViolation(
            {"targets": [_("These targets have no lead unit to evaluate: %(targets)s.") % {"targets": names}]}
        )
    lines += [(leads[target.pk], target) for target in targets]
    return lines


def open_round(
    *, name: str, period_start, period_end, units, targets=(), evaluators=(), acting_user
) -> EvaluationRound:
    """A new round with its subjects and one empty sheet per evaluator login."""
    refuse_unless_office(acting_user)
    units, targets, evaluators = list(units), list(targets), list(evaluators)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the round, e.g. 2018年第三季度问政.")]
    elif EvaluationRound.objects.filter(name=name).exists():
        errors["name"] = [_("A round with this name exists already.")]
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("The period must end on or after the day it starts.")]
    if not units and not targets:
        errors["units"] = [_("Choose at least one unit or target to evaluate.")]
    kinds = {user.pk: evaluator_kind_of(user) for user in evaluators}
    strangers = [str(user) for user in evaluators if kinds[user.pk] is None]
    if strangers:
        errors["evaluators"] = [
            _("Only city leaders, NPC deputies and CPPCC members evaluate: %(names)s.")
            % {"names": "、".join(strangers)}
        ]
    if errors:
        raise RuleViolation(errors)
    lines = _subjects(units, targets)
    with transaction.atomic():
        round_ = EvaluationRound(
            name=name, period_start=period_start, period_end=period_end, opened_by=acting_user, opened_at=clock.now()
        )
        validate_and_save(round_, acting_user=acting_user, reason=_("Evaluation round opened"))
        EvaluationSubject.objects.bulk_create(
            [
                EvaluationSubject(round=round_, unit=unit, target=target, sort_order=order)
                for order, (unit, target) in enumerate(dict.fromkeys(lines), start=1)
            ]
        )
        for user in evaluators:
            _new_sheet(
                round_,
                evaluator=user,
                name=user.display_name or user.username,
                kind=kinds[user.pk],
                acting_user=acting_user,
            )
        deliver_evaluation_sheets(round_, [user.pk for user in evaluators])
    return round_


def _refuse_closed(round_: EvaluationRound) -> None:
    if round_.status != RoundStatus.OPEN:
        raise RuleViolation(_("The round's results are published; its sheets can no longer change."))


def _new_sheet(round_, *, evaluator, name: str, kind: str, acting_user, entered_by=None) -> EvaluationSheet:
    sheet = EvaluationSheet(
        round=round_, evaluator=evaluator, evaluator_name=name[:100], evaluator_kind=kind, entered_by=entered_by
    )
    save_with_history(sheet, acting_user=acting_user, reason=_("Evaluator added"))
    return sheet


def add_evaluator(round_: EvaluationRound, user, *, acting_user) -> EvaluationSheet:
    """Give an evaluator login a sheet in an open round (once)."""
    _refuse_closed(round_)
    refuse_unless_office(acting_user)
    kind = evaluator_kind_of(user)
    if kind is None:
        raise RuleViolation(
            _("Only city leaders, NPC deputies and CPPCC members evaluate: %(names)s.") % {"names": user}
        )
    if EvaluationSheet.objects.filter(round=round_, evaluator=user).exists():
        raise RuleViolation(_("%(name)s already has a sheet in this round.") % {"name": user})
    with transaction.atomic():
        sheet = _new_sheet(
            round_, evaluator=user, name=user.display_name or user.username, kind=kind, acting_user=acting_user
        )
        deliver_evaluation_sheets(round_, [user.pk])
    return sheet


def add_paper_sheet(round_: EvaluationRound, *, name: str, kind: str, acting_user) -> EvaluationSheet:
    """A sheet handed in on paper (代录纸质评议表): the office types it in for the evaluator named."""
    _refuse_closed(round_)
    refuse_unless_office(acting_user)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Enter the evaluator's name as written on the paper sheet.")]
    if kind not in EvaluatorKind.values:
        errors["kind"] = [_("Choose who the evaluator is.")]
    if errors:
        raise RuleViolation(errors)
    return _new_sheet(round_, evaluator=None, name=name, kind=kind, acting_user=acting_user, entered_by=acting_user)


def _mark_value(value, label: str, subject) -> int | None:
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = 0
    if value not in Rating.values:
        raise RuleViolation(
            _("%(subject)s: the mark for %(criterion)s must be from 1 to 5.") % {"subject": subject, "criterion": label}
        )
    return value


def save_sheet(sheet: EvaluationSheet, marks: dict, *, submit: bool, acting_user) -> EvaluationSheet:
    """Keep the marks ``{subject id: (progress, effect, comment)}``; with ``submit`` every subject needs
    both marks and the sheet is handed in (it can no longer change). A refusal stores nothing."""
    round_ = sheet.round
    _refuse_closed(round_)
    subjects = list(round_.subjects.select_related("unit", "target"))
    cleaned = {}
    for subject in subjects:
        progress, effect, comment = marks.get(subject.pk, (None, None, ""))
        comment = (comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise RuleViolation(
                _("%(subject)s: a comment is at most %(count)d characters.")
                % {"subject": subject, "count": COMMENT_MAX}
            )
        cleaned[subject.pk] = (
            _mark_value(progress, _("progress"), subject),
            _mark_value(effect, _("effect"), subject),
            comment,
        )
    if submit:
        unmarked = [str(subject) for subject in subjects if None in cleaned[subject.pk][:2]]
        if unmarked:
            raise RuleViolation(
                _("Mark the progress and the effect of every unit and target before submitting; not yet: %(names)s.")
                % {"names": "、".join(unmarked)}
            )
    with transaction.atomic():
        sheet = EvaluationSheet.objects.select_for_update().select_related("round").get(pk=sheet.pk)
        _refuse_closed(sheet.round)
        if sheet.is_submitted:
            raise RuleViolation(_("This sheet has been submitted; it can no longer change."))
        if not can(acting_user, "evaluation.fill", sheet):
            raise RuleViolation(_("Only the sheet's evaluator, or the office for a paper sheet, fills it in."))
        existing = {mark.subject_id: mark for mark in sheet.marks.all()}
        for subject in subjects:
            progress, effect, comment = cleaned[subject.pk]
            mark = existing.get(subject.pk) or EvaluationMark(sheet=sheet, subject=subject)
            if mark.pk and (mark.progress, mark.effect, mark.comment) == (progress, effect, comment):
                continue
            mark.progress, mark.effect, mark.comment = progress, effect, comment
            save_with_history(mark, acting_user=acting_user, reason=_("Evaluation sheet saved"))
        if submit:
            sheet.status, sheet.submitted_at = SheetStatus.SUBMITTED, clock.now()
            reason = _("Paper evaluation sheet entered") if sheet.is_paper else _("Evaluation sheet submitted")
            save_with_history(sheet, acting_user=acting_user, reason=reason, update_fields=["status", "submitted_at"])
    return sheet


def publish_round(round_: EvaluationRound, *, acting_user) -> EvaluationRound:
    """Close the round and publish its results to the units; sheets not submitted are left out.
    Where a result's rule gives points on the day, each unit's ledger gets them, once per subject."""
    with transaction.atomic():
        round_ = EvaluationRound.objects.select_for_update().get(pk=round_.pk)
        _refuse_closed(round_)
        refuse_unless_office(acting_user)
        if not round_.sheets.filter(status=SheetStatus.SUBMITTED).exists():
            raise RuleViolation(_("No sheet has been submitted yet; there is nothing to publish."))
        round_.status, round_.published_by, round_.published_at = RoundStatus.PUBLISHED, acting_user, clock.now()
        save_with_history(
            round_,
            acting_user=acting_user,
            reason=_("Evaluation results published"),
            update_fields=["status", "published_by", "published_at"],
        )
        _score(round_)
        deliver_evaluation_results(round_, set(round_.subjects.values_list("unit_id", flat=True)))
    return round_


def _score(round_: EvaluationRound) -> list[ScoreEntry]:
    ensure_default_rules()
    today, book = clock.today(), RuleBook()
    rules = {rule.code: rule for rule in ScoreRule.objects.filter(code__in=RESULT_BAND_RULES.values())}
    entries = []
    for result in round_results(round_):
        code = RESULT_BAND_RULES.get(result.band)
        amount = book.amount_on(code, today) if code else None
        if not amount:
            continue
        entries.append(
            ScoreEntry(
                unit_id=result.subject.unit_id,
                rule=rules[code],
                amount=amount,
                occurred_on=today,
                reason=(
                    _("Evaluation %(round)s: %(result)s (average %(average)s)")
                    % {"round": round_.name, "result": result.band_label, "average": result.overall}
                )[:300],
                cause_key=f"evaluation:{result.subject.pk}",
                target_id=result.subject.target_id,
                evaluation_subject=result.subject,
                created_at=clock.now(),
            )
        )
    ScoreEntry.objects.bulk_create(entries)  # once: the round is published once, under its lock
    recount_unit_months([(entry.unit_id, entry.occurred_on) for entry in entries])
    return entries
