"""``field = ANY(%s)``: a long list of ids as one array parameter on PostgreSQL; ``= ANY(ARRAY(subquery))``.

Django writes ``pk__in=ids`` as one placeholder per id and resolves each value in Python; with the
thousands of ids a night's scan hands around (5,700 notices at province scale), building and
parsing those lists cost more than the statements themselves. Elsewhere (SQLite) the same
``IN (…)`` list as ``__in``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet, Subquery


class AnyOf(Expression):
    """A condition for ``filter()``: the column ``field`` is one of ``ids`` (integers)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, ids: Iterable[int]):
        super().__init__()
        self.column = F(field)
        self.ids = [int(pk) for pk in ids]

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if not self.ids:
            raise EmptyResultSet  # as ``__in=[]``: Django then runs no query at all
        condition, ids = any_of_sql(column, self.ids)
        return condition, [*params, *ids]


def any_of_sql(column: str, ids: list[int]) -> tuple[str, list]:
    """``AnyOf`` for a hand-written statement: the condition on ``column`` (already quoted) and its
    parameters; ``ids`` not empty."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def in_bulk(queryset: QuerySet, ids: Iterable[int]) -> dict:
    """``queryset.in_bulk(ids)`` with the ids as one array parameter (``AnyOf``)."""
    return {row.pk: row for row in queryset.order_by().filter(AnyOf("pk", ids))}


class _AmongArray(Func):
    """``lhs = ANY(ARRAY(subquery))``: PostgreSQL probes the primary key for each of a scope's
    2,000 pks, where ``IN (subquery)`` hash-joined them against a scan of the year's 120,000
    (province scale: 57 -> 11 ms). A condition of its own: an ``=`` lookup would bracket ``ANY``."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()


def pk_among(path: str, pks: QuerySet):
    """``path`` is one of ``pks`` (a queryset of values): ``= ANY(ARRAY(…))`` on PostgreSQL."""
    if connection.vendor == "postgresql":
        return _AmongArray(F(path), Subquery(pks))
    return Q(**{f"{path}__in": pks})
