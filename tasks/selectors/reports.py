"""Report lists: history, the review queue, the approval queue and open problems (两跟进)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..choices import FollowUpKind, FollowUpTopic, ReportStatus
from ..models import FollowUp, ProgressReport

SHOWN_TO_FOLLOW_UP = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED)


def report_rows(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    return queryset.select_related("assignment__target", "assignment__unit", "author")


def _answered(kind: str, topic: str) -> Exists:
    return Exists(FollowUp.objects.filter(report=OuterRef("pk"), kind=kind, topic=topic))


def with_follow_up_state(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """Whether the office and a leader have answered the report's problems and its suggestions."""
    return queryset.annotate(
        problem_office=_answered(FollowUpKind.OFFICE, FollowUpTopic.PROBLEM),
        problem_leader=_answered(FollowUpKind.LEADER, FollowUpTopic.PROBLEM),
        suggestion_office=_answered(FollowUpKind.OFFICE, FollowUpTopic.SUGGESTION),
        suggestion_leader=_answered(FollowUpKind.LEADER, FollowUpTopic.SUGGESTION),
    )


OPEN_PROBLEM = ~Q(problems="") & Q(problem_office=False)
OPEN_SUGGESTION = ~Q(suggestions="") & Q(suggestion_office=False)


def follow_up_reports(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """Filed reports that raise a problem or a suggestion, open ones first."""
    raised = queryset.filter(status__in=SHOWN_TO_FOLLOW_UP).filter(~Q(problems="") | ~Q(suggestions=""))
    return with_follow_up_state(raised)


def open_follow_up_reports(queryset: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """A problem or suggestion stays open until the office has followed it up (督查跟进)."""
    return follow_up_reports(queryset).filter(OPEN_PROBLEM | OPEN_SUGGESTION)
