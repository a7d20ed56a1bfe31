"""The warning colour the ledger keeps on each assignment (``Assignment.warning_level``).

Supervision decides the warnings; the ledger stores the resulting colour so that lists can sort and
colour without a join. The writes here are bookkeeping (no history row) and set-based: one
statement per colour at most, whatever the number of assignments, never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from core.id_lists import AnyOf

from ..choices import WarningLevel
from ..models import Assignment


def set_warning_levels(levels: QuerySet) -> int:
    """Make every assignment's colour the ``level`` given for it by ``levels`` (green where none).

    ``levels`` is a queryset of rows with ``assignment_id`` and ``level`` (the open warnings). On
    PostgreSQL one ``UPDATE … FROM`` joins the assignments to their level and writes only the rows
    that differ; elsewhere one UPDATE per colour with a semi-join. Returns the rows changed.
    """
    levels = levels.order_by()
    assignments = Assignment.objects.order_by()
    if connection.vendor == "postgresql":
        levels_sql, params = levels.values("assignment_id", "level").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tasks_assignment SET warning_level = levels.level FROM ("  # SQL built by Django
                "SELECT a.id, COALESCE(w.level, %s) AS level FROM tasks_assignment a "
                f"LEFT JOIN ({levels_sql}) w ON w.assignment_id = a.id) levels "
                "WHERE tasks_assignment.id = levels.id AND tasks_assignment.warning_level <> levels.level",
                [WarningLevel.GREEN, *params],
            )
            return cursor.rowcount
    changed = (
        assignments.exclude(warning_level=WarningLevel.GREEN)
        .exclude(pk__in=levels.values("assignment_id"))
        .update(warning_level=WarningLevel.GREEN)
    )
    for level in (WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED):
        warned = levels.filter(level=level).values("assignment_id")
        changed += assignments.filter(pk__in=warned).exclude(warning_level=level).update(warning_level=level)
    return changed


def write_warning_levels(levels: dict[int, int]) -> int:
    """Each assignment's colour from ``levels`` ({assignment: level}), where it differs: one UPDATE
    per colour, each finding its assignments by primary key. For a writer that already knows the
    colours (a night's scan: the level of the warning it issued, green where it closed one), so
    that nothing is read back. Returns the rows changed."""
    by_level: dict[int, list[int]] = {}
    for assignment_id, level in levels.items():
        by_level.setdefault(level, []).append(assignment_id)
    changed = 0
    for level, assignment_ids in sorted(by_level.items()):
        chosen = Assignment.objects.order_by().filter(AnyOf("pk", sorted(assignment_ids)))
        changed += chosen.exclude(warning_level=level).update(warning_level=level)
    return changed


def clear_warning_levels(assignment_ids: Iterable[int]) -> int:
    """Green for these assignments (their warnings ended with them)."""
    return (
        Assignment.objects.filter(pk__in=list(assignment_ids))
        .exclude(warning_level=WarningLevel.GREEN)
        .update(warning_level=WarningLevel.GREEN)
    )
