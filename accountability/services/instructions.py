"""批示 that must be answered: a leader writes one to units with a due date; each unit answers
once with what it did (落实情况) and files; an answer after the due date is taken but marked late."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.errors import RuleViolation
from tasks.models import Assignment, ProgressReport, Target, Unit
from tasks.services import check_evidence_file, save_with_history
from tasks.services.delegation import signed_reason

from ..models import AnswerState, Instruction, InstructionAnswer, InstructionAnswerFile, answer_state
from .delivery import deliver_instruction, deliver_instruction_answer

# Instructions written before they had due dates (FollowUp rows) stay as they were; this is the
# default a leader's form offers for a new one.
DEFAULT_ANSWER_DAYS = 7


def issue_instruction(
    *,
    target: Target,
    text: str,
    due_date: dt.date | None,
    units,
    acting_user,
    to_office: bool = False,
    assignment: Assignment | None = None,
    report: ProgressReport | None = None,
    on_problem: bool = False,
) -> Instruction:
    """Write the 批示 and put it in every addressed unit's inbox (the emails go after commit)."""
    if not access_for(acting_user).is_leader:
        raise RuleViolation(_("Only a city leader writes instructions."))
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    units = list(units)
    if not text:
        errors["text"] = [_("Write the instruction.")]
    if not units:
        errors["units"] = [_("Address the instruction to at least one unit.")]
    if due_date is None:
        errors["due_date"] = [_("Give the date the units must answer by.")]
    elif due_date < clock.today():
        errors["due_date"] = [_("The answer date cannot be in the past.")]
    if assignment is not None and assignment.target_id != target.pk:
        errors.setdefault("__all__", []).append(_("The assignment is not one of this target's."))
    if report is not None and report.assignment.target_id != target.pk:
        errors.setdefault("__all__", []).append(_("The report is not one of this target's."))
    if on_problem and (report is None or not report.problems.strip()):
        errors.setdefault("__all__", []).append(_("This report raises no problem."))
    if errors:
        raise RuleViolation(errors)
    leader_user, reason = signed_reason(_("Instruction written"), acting_user)
    with transaction.atomic():
        instruction = Instruction(
            author=leader_user or acting_user,
            written_by=acting_user if leader_user else None,
            target=target,
            assignment=assignment or (report.assignment if report else None),
            report=report,
            on_problem=on_problem,
            text=text,
            due_date=due_date,
            to_office=to_office,
            created_at=clock.now(),
        )
        save_with_history(instruction, acting_user=acting_user, reason=reason)
        instruction.units.set(units)
        deliver_instruction(instruction)
    return instruction


def answerable_units(instruction: Instruction, user) -> list[Unit]:
    """The addressed units this person answers for (their staff or head), not yet answered."""
    mine = access_for(user).unit_ids
    answered = instruction.answers.values("unit_id")
    return list(instruction.units.filter(pk__in=mine).exclude(pk__in=answered))


def answer_instruction(instruction: Instruction, *, unit: Unit, text: str, acting_user, files=()) -> InstructionAnswer:
    """The unit's 落实情况. Only an addressed unit answers, once; after the due date the answer is
    still taken (the work may be done late) and shows as answered late."""
    if unit.pk not in access_for(acting_user).unit_ids or not instruction.units.filter(pk=unit.pk).exists():
        raise RuleViolation(_("Only a unit the instruction is addressed to answers it."))
    text = (text or "").strip()
    if not text:
        raise RuleViolation({"text": [_("Say what was done.")]})
    for uploaded in files:
        check_evidence_file(uploaded)
    with transaction.atomic():
        if InstructionAnswer.objects.select_for_update().filter(instruction=instruction, unit=unit).exists():
            raise RuleViolation(_("This unit has already answered the instruction."))
        now = clock.now()
        answer = InstructionAnswer(
            instruction=instruction,
            unit=unit,
            text=text,
            answered_by=acting_user,
            answered_at=now,
            answered_on=clock.today(),
        )
        save_with_history(answer, acting_user=acting_user, reason=_("Instruction answered"))
        for uploaded in files:
            save_with_history(
                InstructionAnswerFile.from_upload(uploaded, acting_user=acting_user, answer=answer),
                acting_user=acting_user,
            )
        deliver_instruction_answer(answer)
    return answer


def unit_states(instruction: Instruction, day: dt.date | None = None) -> list[tuple]:
    """Each addressed unit with its state on ``day`` and its answer (two queries)."""
    day = day or clock.today()
    answers = {answer.unit_id: answer for answer in instruction.answers.prefetch_related("files")}
    rows = []
    for unit in instruction.units.order_by("sort_order", "pk"):
        answer = answers.get(unit.pk)
        rows.append((unit, answer_state(instruction.due_date, answer.answered_on if answer else None, day), answer))
    return rows


def overdue_unanswered(day: dt.date) -> dict[tuple[int, int], dt.date]:
    """{(unit, target): earliest due date} of every addressed unit past the due date without an
    answer: one query, for the scan (its warnings are per assignment, a unit's on a target)."""
    answered = InstructionAnswer.objects.filter(instruction=OuterRef("instruction_id"), unit=OuterRef("unit_id"))
    rows = (
        Instruction.units.through.objects.filter(instruction__due_date__lt=day)
        .exclude(Exists(answered))
        .values_list("unit_id", "instruction__target_id", "instruction__due_date")
    )
    overdue: dict[tuple[int, int], dt.date] = {}
    for unit_id, target_id, due in rows:
        key = (unit_id, target_id)
        overdue[key] = min(due, overdue.get(key, due))
    return overdue


__all__ = [
    "AnswerState",
    "answer_instruction",
    "answerable_units",
    "issue_instruction",
    "overdue_unanswered",
    "unit_states",
]
