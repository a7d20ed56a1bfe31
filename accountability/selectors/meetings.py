"""The progress meeting pack (推进例会): for one leader and one day, what needs the meeting's time.

Three lists, each one query whatever the size of the ledger, over the leader's scope
(tasks/selectors/scope.py; the mayor's is the city): the lagging assignments
(plan against accepted progress as they stood on the day), problems units reported that the
office has not yet followed up, and the leader's instructions (批示) some addressed unit has not answered;
then the decisions (议定事项) of the leader's coordination meetings, open, overdue and done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q

from tasks.choices import (
    FILED_REPORT_STATUSES,
    FollowUpKind,
    FollowUpTopic,
    TargetStatus,
)
from tasks.judgment.state import Judgment, judge_behind
from tasks.models import Assignment, FollowUp, Leader, ProgressReport, Role, Target, Unit
from tasks.selectors.scope import Scope, leader_scope

from ..models.coordination import DecisionItem
from ..models.instructions import AnswerState, Instruction, InstructionAnswer, answer_state
from ..rulebook import end_of


@dataclass
class MeetingPack:
    leader: Leader
    day: dt.date
    lagging: list
    open_problems: list
    pending_instructions: list
    decisions: list


def _scope(leader: Leader, city: bool) -> Scope:
    """The leader's own scope, or the whole city when the pack is asked for the city (全市)."""
    return Scope(frozenset({leader.pk}), True) if city else leader_scope(leader)


@dataclass
class LaggingRow:
    """One lagging assignment as the pack shows it: read as values (a province leader's list runs to
    hundreds of rows, and three model instances a row cost more than the rows' query)."""

    pk: int
    target_id: int
    code: str
    title: str
    unit_id: int
    unit_name: str
    unit_sort_order: int
    deadline: dt.date
    judged: Judgment
    planned_on: Decimal  # its figures on the day
    progress_on: Decimal
    lag: Decimal

    @property
    def target(self) -> Target:
        """The target, holding the fields the row read (any other loads when asked for)."""
        return Target.from_db(None, ["id", "code", "title"], [self.target_id, self.code, self.title])

    @property
    def unit(self) -> Unit:
        """The unit, likewise."""
        return Unit.from_db(None, ["id", "name", "sort_order"], [self.unit_id, self.unit_name, self.unit_sort_order])

    def shown(self) -> tuple:
        """Everything the row shows (what its kept markup is keyed by)."""
        figures = (self.planned_on, self.progress_on, self.lag)
        return (self.pk, self.code, self.title, self.unit_name, self.deadline, self.judged, *figures)


_SHOWN = ("target_id", "target__code", "target__title", "unit_id", "unit__name", "unit__sort_order", "deadline")


def lagging_assignments(leader: Leader, day: dt.date, city: bool = False) -> list[LaggingRow]:
    """The leader's assignments the judgment (tasks/judgment/state.py) calls behind (滞后) on the day:
    still open and under a warning in force then, or past their deadline. Each carries ``judged``,
    and ``planned_on``, ``progress_on`` and ``lag`` (its figures then), the highest warning first."""
    candidates = (
        _scope(leader, city)
        .assignments(Assignment.objects.filter(target__year=day.year, issued_at__lt=end_of(day)))
        .exclude(target__status=TargetStatus.DRAFT)
    )
    # The columns the pack shows come in the judging query (its target and unit are joined there
    # already): a second query for 490 rows hashed a province's 15,000 targets.
    shown: dict[int, tuple] = {}
    judged = judge_behind(candidates, day, carry=_SHOWN, carried=shown)
    rows = []
    for pk, judgment in judged.items():
        target_id, code, title, unit_id, unit_name, unit_sort_order, deadline = shown[pk]
        figures = (judgment.planned, judgment.actual, judgment.gap)
        rows.append(
            LaggingRow(pk, target_id, code, title, unit_id, unit_name, unit_sort_order, deadline, judgment, *figures)
        )
    # The key's pk last: rows that tie come in the same order every time (their kept markup with them).
    return sorted(
        rows,
        key=lambda row: (-row.judged.level, -row.judged.days_late, -row.lag, row.code, row.unit_sort_order, row.pk),
    )


def open_problems(leader: Leader, day: dt.date, city: bool = False):
    """Problems (问题) units reported on the leader's targets with no office follow-up by the day."""
    answered = FollowUp.objects.filter(
        report=OuterRef("pk"), kind=FollowUpKind.OFFICE, topic=FollowUpTopic.PROBLEM, created_at__lt=end_of(day)
    )
    reports = _scope(leader, city).assignments(ProgressReport.objects.all(), prefix="assignment__", few=True)
    return (
        reports.filter(
            assignment__target__year=day.year,
            status__in=FILED_REPORT_STATUSES,
            submitted_at__lt=end_of(day),
        )
        .exclude(problems="")
        .exclude(Exists(answered))
        .select_related("assignment__target", "assignment__unit")
        .order_by("-period_end", "assignment__target__code")
    )


def pending_instructions(leader: Leader, day: dt.date, city: bool = False) -> list[Instruction]:
    """Instructions (批示) on the targets of the leader's scope, or written by the leader on any target,
    that some addressed unit had not answered by the day (the one answer rule is ``answer_state``).
    Each carries ``waiting_units``: the addressed units still owing an answer then, and ``overdue``."""
    answered_by_day = InstructionAnswer.objects.filter(
        instruction=OuterRef("instruction_id"), unit=OuterRef("unit_id"), answered_on__lte=day
    )
    owing = Instruction.units.through.objects.filter(instruction=OuterRef("pk")).exclude(Exists(answered_by_day))
    rows = list(
        Instruction.objects.filter(target__year=day.year, created_at__lt=end_of(day))
        .filter(
            Q(target__in=_scope(leader, city).targets(Target.objects.all()).values("pk"))
            | Q(author__in=Role.objects.filter(leader=leader).values("user"))
        )
        .filter(Exists(owing))
        .select_related("target")
        .prefetch_related(
            Prefetch("units", queryset=Unit.objects.order_by("sort_order", "pk")),
            Prefetch("answers", queryset=InstructionAnswer.objects.filter(answered_on__lte=day)),
        )
        .order_by("due_date", "-created_at")
    )
    for instruction in rows:
        answered = {answer.unit_id for answer in instruction.answers.all()}
        instruction.waiting_units = [unit for unit in instruction.units.all() if unit.pk not in answered]
        instruction.overdue = answer_state(instruction.due_date, None, day) == AnswerState.OVERDUE
    return rows


def meeting_decisions(leader: Leader, day: dt.date, city: bool = False) -> list[DecisionItem]:
    """The decisions (议定事项) of the leader's coordination meetings (every leader's for the city)
    recorded in the day's year by the day, each with ``state_on``: done, overdue or open as on the
    day; the overdue first, then the open by deadline, then the done."""
    rows = DecisionItem.objects.filter(created_at__lt=end_of(day), created_at__year=day.year)
    if not _scope(leader, city).whole_city:
        rows = rows.filter(coordination__leader=leader)
    rows = list(rows.select_related("owner", "person", "coordination"))
    order = {"overdue": 0, "open": 1, "done": 2}
    for item in rows:
        done = item.closed_on is not None and item.closed_on <= day
        item.state_on = "done" if done else "overdue" if item.is_overdue_on(day) else "open"
    return sorted(rows, key=lambda item: (order[item.state_on], item.deadline, item.pk))


def meeting_pack(leader: Leader, day: dt.date, city: bool = False) -> MeetingPack:
    return MeetingPack(
        leader=leader,
        day=day,
        lagging=lagging_assignments(leader, day, city),
        open_problems=list(open_problems(leader, day, city)),
        pending_instructions=pending_instructions(leader, day, city),
        decisions=meeting_decisions(leader, day, city),
    )
