"""The warning colour the ledger keeps on each assignment (``Assignment.warning_level``).

Supervision decides the warnings; the ledger stores the resulting colour so that lists can sort and
colour without a join. Both writes here are bookkeeping (no history row) and set-based: one
statement whatever the number of assignments, never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.id_lists import AnyOf

from ..choices import WarningLevel
from ..models import Assignment


def set_warning_levels(levels: QuerySet, only: Iterable[int] | None = None) -> int:
    """Make every assignment's colour the ``level`` given for it by ``levels`` (green where none);
    with ``only``, of those assignments alone.

    ``levels`` is a queryset of rows with ``assignment_id`` and ``level`` (the open warnings). On
    PostgreSQL one ``UPDATE … FROM`` joins the assignments to their level and writes only the rows
    that differ; elsewhere one UPDATE per colour with a semi-join. Returns the rows changed.
    """
    levels = levels.order_by()
    assignments = Assignment.objects.order_by()
    if only is not None:
        only = sorted(set(only))
        if not only:
            return 0
    if connection.vendor == "postgresql":
        if only is not None:
            return _set_chosen_levels(levels, only)
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
    if only is not None:
        levels, assignments = levels.filter(assignment_id__in=only), assignments.filter(pk__in=only)
    changed = (
        assignments.exclude(warning_level=WarningLevel.GREEN)
        .exclude(pk__in=levels.values("assignment_id"))
        .update(warning_level=WarningLevel.GREEN)
    )
    for level in (WarningLevel.YELLOW, WarningLevel.ORANGE, WarningLevel.RED):
        warned = levels.filter(level=level).values("assignment_id")
        changed += assignments.filter(pk__in=warned).exclude(warning_level=level).update(warning_level=level)
    return changed


def _set_chosen_levels(levels: QuerySet, only: list[int]) -> int:
    """PostgreSQL, a few thousand assignments (a night's): each found by its primary key (the ids
    as one array parameter) and its level read by a probe of its open warning. Joined to the
    levels instead, the planner hashed them against a read of every assignment (120,000 at
    province scale, a third of the statement)."""
    level = Coalesce(
        Subquery(levels.filter(assignment_id=OuterRef("pk")).values("level")[:1]), Value(WarningLevel.GREEN)
    )
    chosen = Assignment.objects.order_by().filter(AnyOf("pk", only)).alias(new_level=level)
    return chosen.exclude(warning_level=F("new_level")).update(warning_level=level)


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
