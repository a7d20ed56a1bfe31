"""Progress as it stood on a past day, for pages that must not change when later reports arrive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from tasks.choices import ClaimStatus, ReportStatus
from tasks.models import CompletionClaim, ProgressReport

from ..rulebook import end_of

PERCENT = DecimalField(max_digits=5, decimal_places=1)
VALUE = DecimalField(max_digits=18, decimal_places=4)


def _latest_accepted(day: dt.date, field: str, assignment_ref: str):
    return (
        ProgressReport.objects.filter(
            assignment=OuterRef(assignment_ref), status=ReportStatus.ACCEPTED, reviewed_at__lt=end_of(day)
        )
        .order_by("-period_end")
        .values(field)[:1]
    )


def _verified_claim(day: dt.date, field: str, assignment_ref: str):
    """The final figures of a completion claim the office had verified by the end of ``day`` and not
    returned for redo by then: from its verification they are the assignment's accepted figures."""
    moment = end_of(day)
    return (
        CompletionClaim.objects.filter(
            assignment=OuterRef(assignment_ref),
            status__in=[ClaimStatus.VERIFIED, ClaimStatus.RETURNED],
            decided_at__lt=moment,
        )
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=moment))
        .order_by("-decided_at")
        .values(field)[:1]
    )


def progress_on(day: dt.date, assignment_ref: str = "pk"):
    """Cumulative percent accepted by the end of ``day``: a verified completion claim's, else the
    latest accepted report's (else 0)."""
    return Coalesce(
        Subquery(_verified_claim(day, "final_percent", assignment_ref)),
        Subquery(_latest_accepted(day, "progress_percent", assignment_ref)),
        Value(Decimal(0)),
        output_field=PERCENT,
    )


def actual_value_on(day: dt.date, assignment_ref: str = "pk"):
    """The indicator's value accepted by then, from the same place (None when it reports percents)."""
    claimed = Subquery(_verified_claim(day, "final_value", assignment_ref))
    return Coalesce(claimed, Subquery(_latest_accepted(day, "actual_value", assignment_ref)), output_field=VALUE)
