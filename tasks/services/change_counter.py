"""Pages kept per the database's count of changes (``tasks.models.changes``), not per their inputs.

The leader dashboard validated its kept figures by reading their inputs (a digest of the scope's
assignments and their kept facts, 13 ms at city; "my targets", 5 ms): most of a page whose
reference SQL takes 21 ms. A count of every change is cheaper to read than any digest: a
statement trigger on every table adds a row to the count (``install``), and a page's figures are
kept under the count read *before* them. What is kept under a count was computed from the
database as of that count or later, so it is never older than what the count names; any change
committed since makes a new count, and the figures are computed again.

Kept only where that holds: on PostgreSQL with the counter installed, read outside a transaction
(a transaction that wrote and rolls back would leave figures of rows that never were under a
count that a later change reaches again). Elsewhere (SQLite, a request inside ``atomic``) the
page computes its figures as before: the same code, the same page. The key also names the
database (its oid: a restored or copied database is a new one), the server's start (a physical
restore) and the counter's epoch (drawn again when a test run's flush empties it).
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
from django.db import ProgrammingError, connection

LOG = "tasks_changecount"
EPOCH = "tasks_changeepoch"
FUNCTION = "zmd_changed"
PREFIX = "changes:v1:"
# A key names its count: once a change moves it, no page asks for the key again. An hour bounds
# what a busy day's superseded keys hold (a province's completion tables are in every one).
TIMEOUT = 3600
FOLD_AT = 200  # rows summed by every read: folded into one beyond this
# Tables written on every sign-in or every few requests whose rows no kept figure reads: counted,
# they would make every key new. Everything else is counted, whatever reads it (new tables too:
# ``install`` runs after every migrate).
UNCOUNTED = frozenset(
    {
        LOG,
        EPOCH,
        "django_session",
        "accounts_usersession",
        "accounts_loginevent",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        # Written only by the reports' triggers, in the statement that changed a report (counted).
        "tasks_heldreport",
    }
)

_FUNCTION_SQL = (
    f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN INSERT INTO {LOG} (n) VALUES (1); RETURN NULL; END $$"
)
_UNCOUNTED_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND ns.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)"""


def is_kept() -> bool:
    return connection.vendor == "postgresql"


def install(using=None) -> list[str]:
    """The trigger on every table of the schema that lacks it (but ``UNCOUNTED``), and the epoch
    if there is none (PostgreSQL; the migration and every migrate after it). Returns the tables."""
    from django.db import connections

    conn = connections[using] if using else connection
    if conn.vendor != "postgresql":
        return []
    with conn.cursor() as cursor:
        cursor.execute(_FUNCTION_SQL)
        cursor.execute(_UNCOUNTED_TABLES, [FUNCTION])
        tables = sorted(name for (name,) in cursor.fetchall() if name not in UNCOUNTED)
        for table in tables:
            cursor.execute(
                f"CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {conn.ops.quote_name(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        cursor.execute(
            f"INSERT INTO {EPOCH} (token) SELECT %s WHERE NOT EXISTS (SELECT 1 FROM {EPOCH})", [secrets.token_hex(16)]
        )
    return tables


def uninstall(schema_editor) -> None:
    schema_editor.execute(
        f"DO $$ DECLARE r record; BEGIN FOR r IN SELECT tgrelid::regclass AS t FROM pg_trigger WHERE tgname = "
        f"'{FUNCTION}' LOOP EXECUTE format('DROP TRIGGER {FUNCTION} ON %s', r.t); END LOOP; END $$"
    )
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def installed_after_migrate(sender, using=None, **kwargs) -> None:
    """``post_migrate``: tables created since (a later migration's) are counted too."""
    if sender.name == "tasks":
        install(using)


def count() -> tuple | None:
    """(epoch, database, server start, changes): one query; None where pages are not kept by it."""
    if not is_kept() or connection.in_atomic_block:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT token FROM {EPOCH} ORDER BY id LIMIT 1), "
                "(SELECT oid FROM pg_database WHERE datname = current_database()), "
                f"pg_postmaster_start_time(), COALESCE(SUM(n), 0), COUNT(*) FROM {LOG}"
            )
            epoch, database, started, changes, rows = cursor.fetchone()
    except ProgrammingError:  # not migrated yet (code deployed first): computed, as without the count
        return None  # (autocommit, outside a transaction: nothing is left aborted)
    if epoch is None:  # emptied (a flush): nothing names the state until the epoch is drawn again
        return None
    if rows > FOLD_AT:
        fold()
    return epoch, database, started.isoformat(), changes


def fold() -> None:
    """The count's rows summed into one: exactly the rows deleted are summed, so a statement's row
    committed meanwhile is neither lost nor counted twice (the sum, and so every key, is unchanged)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {LOG} RETURNING n) "
            f"INSERT INTO {LOG} (n) SELECT SUM(n) FROM gone HAVING COUNT(*) > 0"
        )


def kept(name: str, parts, make):
    """``make()``, kept under the count of changes read now and ``parts`` (everything else it
    depends on: the reader's roles, the page's choices, today, the language, the code); computed
    each time where the count does not hold (``count``)."""
    counted = count()
    if counted is None:
        return make()
    key = f"{PREFIX}{name}:{hashlib.sha256(repr((counted, parts)).encode()).hexdigest()[:32]}"
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, TIMEOUT)
    return value
