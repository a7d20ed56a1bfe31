"""The kept latest filed report of each assignment (``HeldReport``): its triggers and the rebuild.

PostgreSQL only (statement triggers with transition tables, as ``notice_tally``). A statement that
inserts, updates or deletes reports recomputes the kept row of each assignment it touched, by the
same probe the scan made per assignment (the latest filed report by period end, on the
``report_filed_latest`` index): a report written costs one probe, and the nightly scan reads
117,000 kept rows by one hash join instead of probing the reports 117,000 times.

Two writers of the same assignment's reports could each recompute from a snapshot that misses the
other's row. Each trigger therefore first locks the assignments it touched (``FOR NO KEY UPDATE``,
held to the end of the transaction, in id order) and only then reads the reports, in a statement
of its own: under READ COMMITTED that statement sees what the other writer committed.
"""

from __future__ import annotations

from django.db import connection, transaction

from core.statement_triggers import create_triggers, drop_triggers

from ..choices import FILED_REPORT_STATUSES
from ..models import Assignment, HeldReport, ProgressReport

REPORTS = ProgressReport._meta.db_table
KEPT = HeldReport._meta.db_table
ASSIGNMENTS = Assignment._meta.db_table
_FILED = ", ".join(f"'{status}'" for status in FILED_REPORT_STATUSES)
COLUMNS = "assignment_id, report_id, period, period_end, progress_percent, held_at, submitted_at"


def _latest(assignments: str) -> str:
    """The kept row of each assignment id in ``assignments`` (a query of ``assignment_id``) that has a
    filed report: the scan's own probe (``tasks.judgment.state.reports_held`` ordered by period end)."""
    return (
        f"SELECT c.assignment_id, r.id, r.period, r.period_end, r.progress_percent, "
        f"COALESCE(r.approved_at, r.submitted_at), r.submitted_at FROM ({assignments}) c "
        f"CROSS JOIN LATERAL (SELECT * FROM {REPORTS} r WHERE r.assignment_id = c.assignment_id "
        f"AND r.status IN ({_FILED}) ORDER BY r.period_end DESC LIMIT 1) r"
    )


def _function(name: str, touched: str) -> str:
    ids = f"SELECT DISTINCT assignment_id FROM ({touched}) t"
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM 1 FROM {ASSIGNMENTS} WHERE id IN ({ids}) ORDER BY id FOR NO KEY UPDATE; "
        f"DELETE FROM {KEPT} WHERE assignment_id IN ({ids}); "
        f"INSERT INTO {KEPT} ({COLUMNS}) {_latest(ids)}; "
        "RETURN NULL; END $$"
    )


INSTALL = [
    _function("zmd_held_report_inserted", "SELECT assignment_id FROM zmd_new"),
    _function("zmd_held_report_deleted", "SELECT assignment_id FROM zmd_old"),
    _function(
        "zmd_held_report_updated", "SELECT assignment_id FROM zmd_new UNION ALL SELECT assignment_id FROM zmd_old"
    ),
    *create_triggers("zmd_held_report", REPORTS),
]

UNINSTALL = drop_triggers("zmd_held_report", REPORTS)


def is_kept() -> bool:
    """Whether this database keeps the rows (PostgreSQL); elsewhere the scan reads the reports."""
    return connection.vendor == "postgresql"


def rebuild() -> int:
    """Every kept row computed afresh (the migration, ``rebuild_kept_figures``); the reports are
    locked against writes meanwhile. Returns the rows kept."""
    if not is_kept():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {REPORTS} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {KEPT}")
        cursor.execute(f"INSERT INTO {KEPT} ({COLUMNS}) {_latest(f'SELECT id AS assignment_id FROM {ASSIGNMENTS}')}")
        return cursor.rowcount


def differences() -> int:
    """Assignments whose kept row differs from their reports (missing, extra or with other values):
    0 when kept = recomputed."""
    if not is_kept():
        return 0
    fresh = _latest(f"SELECT id AS assignment_id FROM {ASSIGNMENTS}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(DISTINCT assignment_id) FROM ((SELECT {COLUMNS} FROM {KEPT} EXCEPT {fresh}) "
            f"UNION ALL ({fresh} EXCEPT SELECT {COLUMNS} FROM {KEPT})) d"
        )
        return cursor.fetchone()[0]
