"""The kept tally of notices (``NoticeTally``): its triggers, the nightly fold, the rebuild.

PostgreSQL only (statement triggers with transition tables). Each trigger adds one grouped row
per distinct value of the counted columns among the rows its statement touched, so the cost is a
few rows per statement, not per notice; an update adds the new values and takes away the old, and
the pairs that cancel (a changed text, a signature) are not written at all.
"""

from __future__ import annotations

from django.db import connection, transaction

from core.statement_triggers import create_triggers, drop_triggers

from ..models import Notice, NoticeTally

NOTICES = Notice._meta.db_table
TALLY = NoticeTally._meta.db_table
COLUMNS = "year, kind, status, level, is_published, issued, serial"


def _grouped(rows: str, sign: str) -> str:
    """The counted columns of ``rows`` (a table of notices), with ``sign`` × their number."""
    return (
        "SELECT year, kind, status, level, is_published, issued_at IS NOT NULL AS issued, "
        f"CASE WHEN serial IS NULL THEN NULL ELSE 0 END AS serial, {sign}COUNT(*) AS n FROM {rows} "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def _summed(rows: str) -> str:
    return f"SELECT {COLUMNS}, SUM(n) FROM ({rows}) AS t GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(n) <> 0"


def _function(name: str, rows: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {TALLY} ({COLUMNS}, n) {_summed(rows)}; RETURN NULL; END $$"
    )


INSTALL = [
    _function("zmd_notice_tally_inserted", _grouped("zmd_new", "")),
    _function("zmd_notice_tally_deleted", _grouped("zmd_old", "-")),
    _function("zmd_notice_tally_updated", f"{_grouped('zmd_new', '')} UNION ALL {_grouped('zmd_old', '-')}"),
    *create_triggers("zmd_notice_tally", NOTICES),
]

UNINSTALL = drop_triggers("zmd_notice_tally", NOTICES)


def is_kept() -> bool:
    """Whether this database keeps the tally (PostgreSQL); elsewhere the notices are counted."""
    return connection.vendor == "postgresql"


def rebuild() -> int:
    """The tally counted afresh from the notices (the migration, ``rebuild_kept_figures``); the
    notices are locked against writes meanwhile, so no statement's rows are counted twice or lost.
    Returns the number of notices counted."""
    if not is_kept():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {NOTICES} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TALLY}")
        cursor.execute(f"INSERT INTO {TALLY} ({COLUMNS}, n) {_summed(_grouped(NOTICES, ''))}")
        cursor.execute(f"SELECT COALESCE(SUM(n), 0) FROM {TALLY}")
        return cursor.fetchone()[0]


def fold() -> None:
    """The tally's rows summed into one per distinct value (the nightly job): exactly the rows
    deleted are summed, so a statement's rows committed meanwhile are neither lost nor counted twice."""
    if not is_kept():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {TALLY} RETURNING {COLUMNS}, n) "
            f"INSERT INTO {TALLY} ({COLUMNS}, n) {_summed('SELECT * FROM gone')}"
        )
