"""The one rule about closed years: once the office has closed a year (年终), nothing of it changes.

Every service that changes a year's targets, assignments, plans, reports, claims, extensions or
proposals asks ``refuse_closed_year`` first; the pages of a closed year stay readable.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import clock
from core.bulk_history import HistoryStamp, write_history
from core.errors import RuleViolation

from ..choices import OPEN_ASSIGNMENT_STATUSES, AssignmentStatus
from ..models import Assignment, ClosedYear
from .common import save_with_history


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


def end_unfinished_assignments(year: int, *, acting_user) -> list[int]:
    """年终: the year's links still open become "unfinished at year end": no more reports are owed,
    warned or scored on them. One UPDATE and one history row each (a year is thousands of links)."""
    ids = list(
        Assignment.objects.filter(target__year=year, status__in=OPEN_ASSIGNMENT_STATUSES).values_list("pk", flat=True)
    )
    if ids:
        Assignment.objects.filter(pk__in=ids).update(status=AssignmentStatus.ENDED)
        write_history(
            Assignment, ids, history_type="~", stamp=HistoryStamp.now(acting_user, _("Unfinished at year end"))
        )
    return ids


def record_closed_year(year: int, *, acting_user, note: str = "") -> ClosedYear:
    """From here on ``refuse_closed_year`` refuses every change to the year."""
    if is_closed_year(year):
        raise RuleViolation(_("The year %(year)s has already been closed.") % {"year": year})
    closed = ClosedYear(year=year, closed_at=clock.now(), closed_by=acting_user, note=note.strip())
    save_with_history(closed, acting_user=acting_user, reason=_("Year closed"))
    return closed
