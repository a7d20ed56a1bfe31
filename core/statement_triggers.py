"""Statement triggers with transition tables (PostgreSQL): the shape the kept tables share.

A kept table (``NoticeTally``, ``HeldReport``) is written by three functions, ``<name>_inserted``,
``<name>_deleted`` and ``<name>_updated``, each reading the rows its statement touched from the
transition tables ``zmd_new`` and ``zmd_old``. These are the triggers that call them and the
statements that remove both.
"""

from __future__ import annotations

_EVENTS = (("insert", "inserted"), ("delete", "deleted"), ("update", "updated"))
_TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS zmd_new",
    "delete": "REFERENCING OLD TABLE AS zmd_old",
    "update": "REFERENCING OLD TABLE AS zmd_old NEW TABLE AS zmd_new",
}


def create_triggers(name: str, table: str) -> list[str]:
    """``<name>_insert``, ``_delete`` and ``_update`` on ``table``, each calling its function once per statement."""
    return [
        f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} {_TRANSITIONS[event]} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}_{function}()"
        for event, function in _EVENTS
    ]


def drop_triggers(name: str, table: str) -> list[str]:
    """The triggers, then their functions."""
    return [f"DROP TRIGGER IF EXISTS {name}_{event} ON {table}" for event, _function in _EVENTS] + [
        f"DROP FUNCTION IF EXISTS {name}_{function}()" for _event, function in _EVENTS
    ]
