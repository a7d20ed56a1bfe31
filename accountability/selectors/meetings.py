"""The progress meeting pack (推进例会): for one leader and one day, what needs the meeting's time.

Three lists, each one query whatever the size of the ledger, over the leader's scope
(tasks/selectors/scope.py; the mayor's is the city): the lagging assignments
(plan against accepted progress as they stood on the day), problems units reported that the
office has not yet followed up, and the leader's instructions (批示) not yet acted on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from tasks.choices import (
    FILED_REPORT_STATUSES,
    FollowUpKind,
    FollowUpTopic,
    TargetStatus,
)
from tasks.judgment.state import judge
from tasks.models import Assignment, FollowUp, Leader, ProgressReport, Target
from tasks.selectors.scope import Scope, leader_scope

from ..rulebook import end_of


@dataclass
class MeetingPack:
    leader: Leader
    day: dt.date
    lagging: list
    open_problems: list
    pending_instructions: list


def _scope(leader: Leader, city: bool) -> Scope:
    """The leader's own scope, or the whole city when the pack is asked for the city (全市)."""
    return Scope(frozenset({leader.pk}), True) if city else leader_scope(leader)


def lagging_assignments(leader: Leader, day: dt.date, city: bool = False) -> list[Assignment]:
    """The leader's assignments the judgment (tasks/judgment/state.py) calls behind (滞后) on the day:
    still open and under a warning in force then, or past their deadline. Each carries ``judged``,
    and ``planned_on``, ``progress_on`` and ``lag`` (its figures then), the highest warning first."""
    candidates = (
        _scope(leader, city)
        .assignments(Assignment.objects.filter(target__year=day.year, issued_at__lt=end_of(day)))
        .exclude(target__status=TargetStatus.DRAFT)
    )
    judged = {pk: judgment for pk, judgment in judge(candidates, day).items() if judgment.behind}
    rows = Assignment.objects.filter(pk__in=list(judged)).select_related("target", "unit")
    for row in rows:
        judgment = row.judged = judged[row.pk]
        row.planned_on, row.progress_on, row.lag = judgment.planned, judgment.actual, judgment.gap
    return sorted(
        rows, key=lambda row: (-row.judged.level, -row.judged.days_late, -row.lag, row.target.code, row.unit.sort_order)
    )


def open_problems(leader: Leader, day: dt.date, city: bool = False):
    """Problems (问题) units reported on the leader's targets with no office follow-up by the day."""
    answered = FollowUp.objects.filter(
        report=OuterRef("pk"), kind=FollowUpKind.OFFICE, topic=FollowUpTopic.PROBLEM, created_at__lt=end_of(day)
    )
    reports = _scope(leader, city).assignments(ProgressReport.objects.all(), prefix="assignment__")
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


def pending_instructions(leader: Leader, day: dt.date, city: bool = False):
    """Instructions on the targets of the leader's scope, or written by the leader on any target, that
    the office has not followed up since."""
    acted_on = FollowUp.objects.filter(
        target=OuterRef("target"),
        kind=FollowUpKind.OFFICE,
        created_at__gt=OuterRef("created_at"),
        created_at__lt=end_of(day),
    )
    return (
        FollowUp.objects.filter(kind=FollowUpKind.LEADER, target__year=day.year, created_at__lt=end_of(day))
        .filter(
            Q(target__in=_scope(leader, city).targets(Target.objects.all()).values("pk"))
            | Q(pk__in=FollowUp.objects.filter(author__roles__leader=leader).values("pk"))
        )
        .exclude(Exists(acted_on))
        .select_related("target", "report__assignment__unit")
        .order_by("-created_at")
    )


def meeting_pack(leader: Leader, day: dt.date, city: bool = False) -> MeetingPack:
    return MeetingPack(
        leader=leader,
        day=day,
        lagging=list(lagging_assignments(leader, day, city)),
        open_problems=list(open_problems(leader, day, city)),
        pending_instructions=list(pending_instructions(leader, day, city)),
    )
