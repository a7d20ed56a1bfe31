"""The target ledger (目标台账): filters, search and per-target figures from the assignments."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Assignment, Target
from .dashboard import target_figures


def filter_targets(queryset: QuerySet[Target], filters: dict) -> QuerySet[Target]:
    q = filters.get("q")
    if q:
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(code__icontains=q) | Q(description__icontains=q) | Q(remarks__icontains=q)
        )
    for name in ("year", "source", "target_type", "status", "leader"):
        if name in filters:
            queryset = queryset.filter(**{name: filters[name]})
    if "unit" in filters:
        queryset = queryset.filter(pk__in=Assignment.objects.filter(unit=filters["unit"]).values("target_id"))
    if "colour" in filters:
        queryset = queryset.filter(worst_level=filters["colour"])
    return queryset


def ledger(queryset: QuerySet[Target], filters: dict) -> QuerySet[Target]:
    """The filtered ledger, newest year first, each target with its figures."""
    return filter_targets(target_figures(queryset.select_related("parent")), filters).order_by("-year", "code")
