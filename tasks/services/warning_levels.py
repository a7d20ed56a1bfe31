"""The warning colour the ledger keeps on each assignment (``Assignment.warning_level``).

Supervision decides the warnings; the ledger stores the resulting colour so that lists can sort and
colour without a join. Both writes here are bookkeeping (no history row) and set-based: one
statement whatever the number of assignments, never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from ..choices import WarningLevel
from ..models import Assignment


def set_warning_levels(levels: QuerySet) -> int:
    """Make every assignment's colour the ``level`` given for it by ``levels`` (green where none).

    ``levels`` is a queryset of rows with ``assignment_id`` and ``level`` (the open warnings). On
    PostgreSQL two UPDATEs write only the rows that differ; elsewhere one UPDATE per colour with a
    semi-join. Returns the rows changed.
    """
    levels = levels.order_by()
    if connection.vendor == "postgresql":
        # Two statements that read only the warned rows, never the whole table: the colours from the
        # open warnings (a probe of the primary key each), then back to green the coloured rows
        # (index ``assignment_lagging_order`` on ``warning_level``) that no longer have one. (One
        # ``UPDATE … FROM`` joining every assignment to its level hashed the table twice: 90 ms of
        # a city night, for the few hundred rows that change.)
        levels_sql, params = levels.values("assignment_id", "level").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tasks_assignment SET warning_level = levels.level "  # SQL built by Django
                f"FROM ({levels_sql}) levels WHERE tasks_assignment.id = levels.assignment_id "
                "AND tasks_assignment.warning_level <> levels.level",
                params,
            )
            changed = cursor.rowcount
            cursor.execute(
                "UPDATE tasks_assignment SET warning_level = %s WHERE warning_level > %s "  # SQL built by Django
                f"AND NOT EXISTS (SELECT 1 FROM ({levels_sql}) levels "
                "WHERE levels.assignment_id = tasks_assignment.id)",
                [WarningLevel.GREEN, WarningLevel.GREEN, *params],
            )
            return changed + cursor.rowcount
    changed = (
        Assignment.objects.exclude(warning_level=WarningLevel.GREEN)
        .exclude(pk__in=levels.values("assignment_id"))
        .update(warning_level=WarningLevel.GREEN)
    )
    for level in (WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED):
        warned = levels.filter(level=level).values("assignment_id")
        changed += Assignment.objects.filter(pk__in=warned).exclude(warning_level=level).update(warning_level=level)
    return changed


def clear_warning_levels(assignment_ids: Iterable[int]) -> int:
    """Green for these assignments (their warnings ended with them)."""
    return (
        Assignment.objects.filter(pk__in=list(assignment_ids))
        .exclude(warning_level=WarningLevel.GREEN)
        .update(warning_level=WarningLevel.GREEN)
    )
