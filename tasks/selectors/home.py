"""The home page's first block for a city leader: what needs them today, over their scope.

New reds in the leader's scope (tasks/selectors/scope.py; the mayor's is the city) and requests in
their scope waiting for a decision (their overdue 批示 and the decisions waiting for them come from
accountability's "today" panels); then
the year's 我分管的 figures. Each figure is counted as the list behind its link counts it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from ..choices import ExtensionStatus, TargetStatus
from ..judgment.state import behind_filter, with_level
from ..models import Assignment, ExtensionRequest, Target
from .assignments import newly_red_filter, with_levels_before
from .scope import Scope


def leader_assignments(user, scope: Scope, day: dt.date) -> QuerySet[Assignment]:
    """The assignments of ``day``'s year in ``scope``, each with ``level_now``, ``level_1`` and
    ``level_7`` (the warning in force on ``day``, the day before and a week before): what the home
    page's and the leader's digest's new reds count (``newly_red_filter``)."""
    mine = scope.assignments(Assignment.objects.for_user(user)).filter(
        target__year=day.year, target__status=TargetStatus.ISSUED
    )
    return with_levels_before(with_level(mine, day), day)


def leader_today(user, scope: Scope, day: dt.date) -> dict:
    """The leader's today and year figures over ``scope``: three queries."""
    counts = leader_assignments(user, scope, day).aggregate(
        red_yesterday=Count("pk", filter=newly_red_filter(1)),
        red_week=Count("pk", filter=newly_red_filter(7)),
        behind=Count("pk", filter=behind_filter(day)),
    )
    counts["targets"] = scope.targets(
        Target.objects.for_user(user).filter(status=TargetStatus.ISSUED, year=day.year)
    ).count()
    # Leaders decide nothing in the ledger yet (the office grants extensions); until they do, what
    # waits for a decision in their scope is the units' extension requests.
    counts["waiting"] = scope.assignments(
        ExtensionRequest.objects.for_user(user).filter(status=ExtensionStatus.PENDING), prefix="assignment__"
    ).count()
    counts["year"] = day.year
    counts["scope"] = "city" if scope.whole_city else "mine"
    return counts
