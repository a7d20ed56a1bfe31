"""Set-based writes with history rows, for the importer's thousands of rows in one transaction.

``save_with_history`` costs a query and a model instance per row, and Django's ``bulk_create``
still prepares every value of every row in Python (for a 10,000-row breakdown sheet that is
about 200,000 rows with their history, and most of the import's time). Here a batch of rows is
one multi-row ``INSERT … RETURNING id`` of plain tuples, and its history rows are one
``INSERT … SELECT`` from the rows just written: the history holds exactly what was stored, with
the acting user, reason and date that ``save_with_history`` would have written.

Nothing here checks a rule: callers have checked them all, and the database's constraints are
the last guard (an ``IntegrityError`` rolls back the caller's transaction).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models
from simple_history.utils import get_history_model_for_model

from core import clock
from core.history import fit_reason

# Rows per statement. Postgres takes any number of parameters; SQLite allows fewer (see _batch_size).
BATCH_ROWS = 2000
_HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user")
# Field types whose Python values need the backend's conversion (SQLite stores dates as text …).
_CONVERTED = {"DateField", "DateTimeField", "DecimalField", "TimeField", "DurationField", "UUIDField", "JSONField"}


@dataclass(frozen=True)
class HistoryStamp:
    """Who changed the rows, why and when: what ``save_with_history`` writes on each history row."""

    user: object
    reason: str
    date: dt.datetime

    @classmethod
    def now(cls, user, reason) -> HistoryStamp:
        return cls(user=user, reason=fit_reason(reason), date=clock.now())


_collections_lock = threading.Lock()
_collections_paused = {"depth": 0, "threshold": None}


@contextmanager
def fewer_collections(first_threshold: int = 100_000):
    """Raise the cyclic garbage collector's first threshold while a bulk step creates its objects.

    Reading and saving a sheet makes hundreds of thousands of small objects that live until the
    step ends; at the default threshold (700) the collector keeps rescanning them, about a fifth of
    the import's time. The threshold is global to the process: the first caller raises it and the
    last one restores it.
    """
    with _collections_lock:
        if _collections_paused["depth"] == 0:
            _collections_paused["threshold"] = gc.get_threshold()
            old = _collections_paused["threshold"]
            gc.set_threshold(max(first_threshold, old[0]), *old[1:])
        _collections_paused["depth"] += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections_paused["depth"] -= 1
            if _collections_paused["depth"] == 0:
                gc.set_threshold(*_collections_paused["threshold"])


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _batch_size(columns: int, *, extra_params: int = 0) -> int:
    limit = connection.features.max_query_params
    return max(1, min(BATCH_ROWS, (limit - extra_params) // columns)) if limit else BATCH_ROWS


def _batches(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Converter:
    """A column's values as the backend wants them, converted once per distinct value."""

    def __init__(self, field: models.Field):
        self.field = field
        self.seen: dict = {}

    def __call__(self, value):
        if value is None:
            return None
        try:
            return self.seen[value]
        except KeyError:
            converted = self.seen[value] = self.field.get_db_prep_save(value, connection)
            return converted
        except TypeError:  # unhashable (a JSON value): convert each time
            return self.field.get_db_prep_save(value, connection)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    stamp: HistoryStamp | None,
    history: bool = True,
) -> list[int]:
    """Insert ``rows`` (tuples of values in the order of ``columns``, attribute names) and their
    history rows; return the new primary keys in the order of ``rows``.

    Concrete fields not in ``columns`` take their default; ``auto_now`` and ``auto_now_add``
    fields take the stamp's date, as ``save()`` would. ``history=False`` for a model kept without
    history (inbox messages): then ``stamp`` may be None.
    """
    if not rows:
        return []
    meta = model._meta
    fields = {field.attname: field for field in meta.concrete_fields}
    given = [fields[name] for name in columns]
    rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
    tail = tuple(_default(field, stamp) for field in rest)
    all_fields = [*given, *rest]
    converters = [
        (index, _Converter(field)) for index, field in enumerate(given) if field.get_internal_type() in _CONVERTED
    ]
    insert = _copy_batch if connection.vendor == "postgresql" else _values_batch
    ids: list[int] = []
    with connection.cursor() as cursor:
        for batch in _batches(rows, _batch_size(len(all_fields))):
            if converters:
                batch = [_converted(row, converters) for row in batch]
            batch_ids = insert(cursor, meta, all_fields, batch, tail)
            if history:
                write_history(model, batch_ids, history_type="+", stamp=stamp)
            ids.extend(batch_ids)
    return ids


def _converted(row: tuple, converters) -> tuple:
    row = list(row)
    for index, convert in converters:
        row[index] = convert(row[index])
    return tuple(row)


def _values_batch(cursor, meta, fields, batch, tail) -> list[int]:
    """One multi-row ``INSERT … VALUES … RETURNING id`` (any backend)."""
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params: list = []
    for row in batch:
        params.extend(row)
        params.extend(tail)
    cursor.execute(
        f"INSERT INTO {_quote(meta.db_table)} ({', '.join(_quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([one_row] * len(batch))} RETURNING {_quote(meta.pk.column)}",
        params,
    )
    return [pk for (pk,) in cursor.fetchall()]


def _copy_batch(cursor, meta, fields, batch, tail) -> list[int]:
    """PostgreSQL: the batch's ids from the table's sequence, then one ``COPY`` of the rows.

    A ``VALUES`` list of tens of thousands of parameters costs the server more to parse than
    to store; ``COPY`` reads plain text.
    """
    table, pk = meta.db_table, meta.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, len(batch)]
    )
    ids = [pk_value for (pk_value,) in cursor.fetchall()]
    tail_text = "".join("\t" + _copy_text(value) for value in tail)
    lines = [
        f"{pk_value}\t" + "\t".join(map(_copy_text, row)) + tail_text for pk_value, row in zip(ids, batch, strict=True)
    ]
    columns = ", ".join(_quote(c) for c in [pk, *(f.column for f in fields)])
    sql = f"COPY {_quote(table)} ({columns}) FROM STDIN"
    started = time.monotonic()
    with connection.wrap_database_errors:  # psycopg2's errors as Django's (IntegrityError …), as execute() does
        cursor.cursor.copy_expert(sql, io.StringIO("\n".join(lines) + "\n"))
    if connection.queries_logged:  # COPY bypasses Django's cursor wrapper: count it like any query
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return ids


def _copy_text(value) -> str:
    """A value in COPY's text format (NULL is \\N; backslash, tab and line breaks escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # Chained replaces, not ``str.translate`` (which maps character by character in Python:
        # a night's thousands of two-line message bodies spent a tenth of a second there).
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\t" in value:
            value = value.replace("\t", "\\t")
        if "\n" in value:
            value = value.replace("\n", "\\n")
        if "\r" in value:
            value = value.replace("\r", "\\r")
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # dates and aware datetimes: ISO 8601, which Postgres reads
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    raise TypeError(f"no COPY text for {type(value).__name__}")  # a new field type: add it here


def _default(field: models.Field, stamp: HistoryStamp):
    """The value ``Model()`` and ``save()`` would give a field the caller left out, ready for the database."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = stamp.date if stamp is not None else clock.now()
    else:
        value = field.get_default()  # the declared default, None when nullable, "" for text
    return None if value is None else field.get_db_prep_save(value, connection)


def write_history(model: type[models.Model], ids: Sequence[int], *, history_type: str, stamp: HistoryStamp) -> None:
    """One history row per id, copied from the stored row: ``+`` created, ``~`` changed."""
    if not ids:
        return
    history = get_history_model_for_model(model)
    tracked = [field.column for field in history.tracked_fields]
    own = {field.attname for field in history._meta.concrete_fields} - {f.attname for f in history.tracked_fields}
    expected = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    if own != expected:  # a history model with extra fields needs them filled: not done here
        raise NotImplementedError(f"{history.__name__} has fields this writer does not fill: {sorted(own - expected)}")
    stamp_fields = [history._meta.get_field(name) for name in _HISTORY_COLUMNS]
    stamp_values = [
        stamp_fields[0].get_db_prep_save(stamp.date, connection),
        stamp.reason,
        history_type,
        stamp.user.pk if stamp.user is not None else None,
    ]
    target_columns = ", ".join(_quote(c) for c in [*tracked, *(f.column for f in stamp_fields)])
    source_columns = ", ".join(_quote(c) for c in tracked)
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    insert = f"INSERT INTO {_quote(history._meta.db_table)} ({target_columns}) SELECT {source_columns}, %s, %s, %s, %s"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the ids as one array: no list of thousands to parse
            cursor.execute(f"{insert} FROM {table} WHERE {pk} = ANY(%s) ORDER BY {pk}", [*stamp_values, list(ids)])
            return
        for batch in _batches(list(ids), _batch_size(1, extra_params=len(stamp_values))):
            cursor.execute(
                f"{insert} FROM {table} WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*stamp_values, *batch],
            )


def update_rows(objs: Sequence[models.Model], fields: Iterable[str], *, stamp: HistoryStamp) -> None:
    """``bulk_update`` the changed fields of ``objs`` and write a ``~`` history row for each."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    model.objects.bulk_update(objs, sorted(set(fields)), batch_size=500)
    write_history(model, [obj.pk for obj in objs], history_type="~", stamp=stamp)
