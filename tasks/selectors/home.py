"""The home page's first block for a city leader: what needs them today, over their scope.

New reds in the leader's scope (tasks/selectors/scope.py; the mayor's is the city), instructions
they gave that wait too long for an answer, and requests in their scope waiting for a decision; then
the year's 我分管的 figures. Each figure is counted as the list behind its link counts it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef

from core.access import access_for

from ..choices import ExtensionStatus, FollowUpKind, TargetStatus
from ..judgment.state import behind_filter, end_of, with_level
from ..models import Assignment, ExtensionRequest, FollowUp, Target
from .assignments import newly_red_filter, with_levels_before
from .scope import Scope

# Until instructions carry their own due date (addressed instructions, a later issue), an
# instruction is overdue when the office has not followed it up within this many days.
INSTRUCTION_ANSWER_DAYS = 7


def unanswered_instructions(queryset, day: dt.date):
    """Instructions (批示) with no office follow-up on their target since, written
    ``INSTRUCTION_ANSWER_DAYS`` or more days before ``day``: the hook for "overdue instructions"."""
    answered = FollowUp.objects.filter(
        target=OuterRef("target"), kind=FollowUpKind.OFFICE, created_at__gt=OuterRef("created_at")
    )
    late = end_of(day - dt.timedelta(days=INSTRUCTION_ANSWER_DAYS))
    return queryset.filter(kind=FollowUpKind.LEADER, created_at__lt=late).exclude(Exists(answered))


def leader_today(user, scope: Scope, day: dt.date) -> dict:
    """The leader's today and year figures over ``scope``: four queries."""
    access = access_for(user)
    mine = scope.assignments(Assignment.objects.for_user(user)).filter(
        target__year=day.year, target__status=TargetStatus.ISSUED
    )
    counts = with_levels_before(with_level(mine, day), day).aggregate(
        red_yesterday=Count("pk", filter=newly_red_filter(1)),
        red_week=Count("pk", filter=newly_red_filter(7)),
        behind=Count("pk", filter=behind_filter(day)),
    )
    counts["targets"] = scope.targets(
        Target.objects.for_user(user).filter(status=TargetStatus.ISSUED, year=day.year)
    ).count()
    authors = [user.pk, *access.acting_for_user_ids]
    counts["overdue_instructions"] = unanswered_instructions(
        FollowUp.objects.for_user(user).filter(author__in=authors), day
    ).count()
    # Leaders decide nothing in the ledger yet (the office grants extensions); until they do, what
    # waits for a decision in their scope is the units' extension requests.
    counts["waiting"] = scope.assignments(
        ExtensionRequest.objects.for_user(user).filter(status=ExtensionStatus.PENDING), prefix="assignment__"
    ).count()
    counts["year"] = day.year
    counts["scope"] = "city" if scope.whole_city else "mine"
    return counts
