"""Progress as it stood on a past day, for pages that must not change when later reports arrive."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from tasks.choices import ReportStatus
from tasks.models import ProgressReport

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


def progress_on(day: dt.date, assignment_ref: str = "pk"):
    """Cumulative percent of the latest report the office had accepted by the end of ``day`` (else 0)."""
    return Coalesce(
        Subquery(_latest_accepted(day, "progress_percent", assignment_ref)), Value(Decimal(0)), output_field=PERCENT
    )


def actual_value_on(day: dt.date, assignment_ref: str = "pk"):
    """The indicator's value in that report (None when none was accepted, or it reports percents)."""
    return Subquery(_latest_accepted(day, "actual_value", assignment_ref), output_field=VALUE)
