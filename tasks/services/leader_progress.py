"""Each leader post's weekly trend (我分管的), kept as it changes (``LeaderProgressDay``).

Two kinds of change move a leader's days:
- a change to an assignment's plan, accepted reports, status, year, target or unit: the services
  already wrap it in ``keeping_year_progress``, which adds the difference of each assignment's
  increases to the days of the leaders whose scope holds it before and after (``add_to_leaders``);
  an assignment moved to another unit, or a target given another leader or other fields inside that
  block, leaves the old leaders' days and enters the new ones' by the same difference;
- a change to the scope itself from the leader's side (his fields or units, a field or unit deleted,
  a target's fields changed outside a service's block): ``bump_leaders`` raises his stamp in the
  change's transaction and the next read rebuilds his days (``leader_days``), one INSERT … SELECT.

A rebuild and a service's difference never lose each other: both lock the leader's row first, so a
rebuild either sees the service's committed change or the service adds its difference to the
rebuilt days afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from ..models import Leader, LeaderProgressDay, LeaderTrendStamp
from ..selectors.scope import leaders_of

LeaderIncreases = dict[tuple[int, int, object], tuple]  # {(leader, year, day): (planned, actual)}

# Each issued assignment's increases on each day: how much its plan (a milestone) and its accepted
# progress (a report's period end) rise over its previous row. ``{where}`` narrows the assignments.
INCREASES_SQL = """
    SELECT m.assignment_id AS assignment_id, t.year AS year, m.due_date AS day,
           m.planned_percent - COALESCE(LAG(m.planned_percent)
           OVER (PARTITION BY m.assignment_id ORDER BY m.due_date), 0) AS planned, 0 AS actual
    FROM tasks_milestone m
    JOIN tasks_assignment a ON a.id = m.assignment_id JOIN tasks_target t ON t.id = a.target_id
    WHERE a.status <> 'draft' {where}
    UNION ALL
    SELECT r.assignment_id, t.year, r.period_end, 0, r.progress_percent - COALESCE(LAG(r.progress_percent)
           OVER (PARTITION BY r.assignment_id ORDER BY r.period_end), 0)
    FROM tasks_progressreport r
    JOIN tasks_assignment a ON a.id = r.assignment_id JOIN tasks_target t ON t.id = a.target_id
    WHERE a.status <> 'draft' AND r.status = 'accepted' {where}
"""

# Rounded to the percents' tenth: SQLite adds decimals as floats (see year_progress._add).
_UPSERT_SQL = """
INSERT INTO tasks_leaderprogressday (leader_id, year, day, planned_increase, actual_increase) VALUES {rows}
ON CONFLICT (leader_id, year, day) DO UPDATE SET
    planned_increase = ROUND(tasks_leaderprogressday.planned_increase + excluded.planned_increase, 1),
    actual_increase = ROUND(tasks_leaderprogressday.actual_increase + excluded.actual_increase, 1)
"""


def _lock(leader_ids: Iterable[int]) -> None:
    """The leaders' rows, in one order (two writers never wait on each other in a cycle)."""
    list(
        Leader.objects.filter(pk__in=sorted(set(leader_ids)))
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )


def add_to_leaders(deltas: LeaderIncreases) -> None:
    """Add these differences to the leaders' days: one INSERT … ON CONFLICT per 500 days, adding to
    what is stored, so two services on the same day do not overwrite each other."""
    deltas = {key: value for key, value in deltas.items() if any(value)}
    if not deltas:
        return
    _lock(leader for leader, _year, _day in deltas)
    rows = sorted(deltas.items())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params = [value for (leader, year, day), (plan, done) in chunk for value in (leader, year, day, plan, done)]
            cursor.execute(_UPSERT_SQL.format(rows=", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))), params)


def bump_leaders(leader_ids: Iterable[int | None]) -> None:
    """Mark these leaders' kept days stale (in the caller's transaction): their scope changed."""
    ids = sorted({pk for pk in leader_ids if pk})
    if not ids:
        return
    LeaderTrendStamp.objects.bulk_create([LeaderTrendStamp(leader_id=pk) for pk in ids], ignore_conflicts=True)
    LeaderTrendStamp.objects.filter(leader_id__in=ids).update(version=F("version") + 1)


def rebuild_leader_progress(leader_ids: Iterable[int] | None = None) -> int:
    """Recompute these leaders' days (all: None) from the plans and accepted reports of their scopes,
    set-based; returns the number of days written."""
    ids = None if leader_ids is None else sorted(set(leader_ids))
    pairs_sql, pairs_params = leaders_of(leader_ids=ids).query.sql_with_params()
    where, where_params = "", []
    if ids is not None:  # only the scopes' own assignments: LAG is per assignment, so their rows suffice
        where = f"AND a.id IN (SELECT zmd_assignment FROM ({pairs_sql}) scoped)"
        where_params = list(pairs_params)
    increases = INCREASES_SQL.format(where=where)
    sql = (
        "INSERT INTO tasks_leaderprogressday (leader_id, year, day, planned_increase, actual_increase) "
        "SELECT pairs.zmd_leader, increases.year, increases.day, SUM(increases.planned), SUM(increases.actual) "
        f"FROM ({pairs_sql}) pairs JOIN ({increases}) increases ON increases.assignment_id = pairs.zmd_assignment "
        "GROUP BY pairs.zmd_leader, increases.year, increases.day"
    )
    with transaction.atomic():
        stamps = LeaderTrendStamp.objects.all()
        if ids is None:
            LeaderTrendStamp.objects.bulk_create(
                [LeaderTrendStamp(leader_id=pk) for pk in Leader.objects.values_list("pk", flat=True)],
                ignore_conflicts=True,
            )
            LeaderProgressDay.objects.all().delete()
        else:
            _lock(ids)
            LeaderTrendStamp.objects.bulk_create([LeaderTrendStamp(leader_id=pk) for pk in ids], ignore_conflicts=True)
            stamps = stamps.filter(leader_id__in=ids)
            LeaderProgressDay.objects.filter(leader_id__in=ids).delete()
        # The version read before the days are computed: a scope change committed after it leaves
        # the stamp apart again, and the next read rebuilds.
        versions = dict(stamps.values_list("leader_id", "version"))
        with connection.cursor() as cursor:
            cursor.execute(sql, [*pairs_params, *where_params, *where_params])
            written = cursor.rowcount
        for version in set(versions.values()):
            stamps.filter(leader_id__in=[pk for pk, v in versions.items() if v == version]).update(kept_version=version)
    return written


def leader_days(leader_id: int, year: int) -> list[tuple]:
    """The leader's kept (day, planned increase, actual increase) of ``year``, rebuilt first if his
    scope changed since they were kept."""
    stamp = LeaderTrendStamp.objects.filter(leader_id=leader_id).values_list("version", "kept_version").first()
    if stamp is None or stamp[0] != stamp[1]:
        rebuild_leader_progress([leader_id])
    return list(
        LeaderProgressDay.objects.filter(leader_id=leader_id, year=year).values_list(
            "day", "planned_increase", "actual_increase"
        )
    )


# --- what changes a scope from the leader's side: raise the leaders' stamps ------------------------


def _leaders_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A leader's units or fields (``Leader.units`` / ``Leader.fields``, from either side)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        bump_leaders([instance.pk])
    elif action == "pre_clear":
        bump_leaders(instance.leaders.values_list("pk", flat=True))
    else:
        bump_leaders(pk_set or ())


def _target_fields_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A target's fields changed outside a service's ``keeping_year_progress`` (a field's leaders
    gain or lose the target's assignments). Inside one it is already kept; the bump only costs one
    rebuild of those leaders on their next read."""
    from ..models import Assignment, Field

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # instance: a field; pk_set: targets
        targets = list(pk_set or instance.targets.values_list("pk", flat=True))
        fields = [instance.pk]
    else:
        targets = [instance.pk]
        fields = list(pk_set) if action != "pre_clear" else list(instance.fields.values_list("pk", flat=True))
    if fields and Assignment.objects.filter(target__in=targets).exclude(status="draft").exists():
        bump_leaders(Field.leaders.through.objects.filter(field__in=fields).values_list("leader_id", flat=True))


def _unit_or_field_deleted(sender, instance, **kwargs) -> None:
    """Deleting a unit or field drops its leaders' rows without an m2m signal."""
    bump_leaders(instance.leaders.values_list("pk", flat=True))


def connect() -> None:
    from django.db.models.signals import m2m_changed, pre_delete

    from ..models import Field, Target, Unit

    for through in (Leader.units.through, Leader.fields.through):
        m2m_changed.connect(_leaders_changed, sender=through, dispatch_uid=f"leader_progress.{through.__name__}")
    m2m_changed.connect(_target_fields_changed, sender=Target.fields.through, dispatch_uid="leader_progress.target")
    for model in (Unit, Field):
        pre_delete.connect(_unit_or_field_deleted, sender=model, dispatch_uid=f"leader_progress.{model.__name__}")
