"""The one rule about closed years: once the office has closed a year (年终), nothing of it changes.

Every service that changes a year's targets, assignments, plans, reports, claims, extensions or
proposals asks ``refuse_closed_year`` first; the pages of a closed year stay readable.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Assignment, ClosedYear
from .common import RuleViolation


def is_closed_year(year: int) -> bool:
    return ClosedYear.objects.filter(year=year).exists()


def closed_years() -> set[int]:
    return set(ClosedYear.objects.values_list("year", flat=True))


def refuse_closed_year(year: int) -> None:
    """Raise a clear message when ``year`` has been closed at year end."""
    if is_closed_year(year):
        raise RuleViolation(
            _(
                "The year %(year)s has been closed at year end: its records can still be read, "
                "but they can no longer be changed."
            )
            % {"year": year}
        )


def refuse_closed_assignment(assignment: Assignment) -> None:
    """``refuse_closed_year`` for the year of ``assignment``'s target (read through the id, one query)."""
    if ClosedYear.objects.filter(year__in=Assignment.objects.filter(pk=assignment.pk).values("target__year")).exists():
        refuse_closed_year(assignment.target.year)
