"""The home page's figures for a city leader: 我分管的, what the leader's own fields hold today.

A later issue brings the leader's full summary (scope, reds, instructions, approvals); until then
this is what the ledger already knows, each figure counted exactly as the list behind its link
counts it (``with_level`` and ``behind_filter`` are the assignment list's own filters).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from ..choices import OPEN_ASSIGNMENT_STATUSES, FollowUpKind, TargetStatus, WarningLevel
from ..judgment.state import behind_filter, with_level
from ..models import Assignment, FollowUp, Target


def leader_fields(user, leader_ids, day: dt.date) -> dict:
    """The year's targets the leader leads, their open assignments under a red warning or behind,
    and the instructions (批示) the person wrote: three queries. The year is ``day``'s, as in the
    links (``?year=``) to the lists behind the figures."""
    mine = {"target__leader__in": leader_ids, "target__status": TargetStatus.ISSUED, "target__year": day.year}
    assignments = with_level(Assignment.objects.for_user(user).filter(**mine), day)
    counts = assignments.aggregate(
        red=Count("pk", filter=Q(status__in=OPEN_ASSIGNMENT_STATUSES, level_now=WarningLevel.RED)),
        behind=Count("pk", filter=behind_filter(day)),
    )
    counts["targets"] = (
        Target.objects.for_user(user).filter(leader__in=leader_ids, status=TargetStatus.ISSUED, year=day.year).count()
    )
    counts["instructions"] = FollowUp.objects.for_user(user).filter(kind=FollowUpKind.LEADER, author=user).count()
    counts["leader_id"] = min(leader_ids, default=None)
    counts["year"] = day.year
    return counts
