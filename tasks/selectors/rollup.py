"""A target's figures from its units' (汇总): what the lead unit sees of its co-units when it reports,
and the one number every page gives for the target (``tasks.measures.rolled_up``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..choices import AssignmentRole, AssignmentStatus
from ..measures import rolled_up
from ..models import Assignment, Target


@dataclass(frozen=True)
class RolledUp:
    target: Target
    links: list[Assignment]  # every unit on the chain, the lead first
    value: Decimal | None
    percent: Decimal | None

    @property
    def co_units(self) -> list[Assignment]:
        return [link for link in self.links if link.role == AssignmentRole.CO]


def target_figures(target: Target) -> RolledUp:
    """The target's accepted figures rolled up from its issued units' (one query)."""
    links = list(
        Assignment.objects.filter(target=target)
        .exclude(status=AssignmentStatus.DRAFT)
        .select_related("unit")
        .order_by("role", "unit__sort_order")
    )
    for link in links:
        link.target = target  # goal_value reads the target: no query per row
    value, percent = rolled_up(target, links)
    return RolledUp(target, links, value, percent)


def co_unit_figures(assignment: Assignment) -> RolledUp | None:
    """For a lead unit's assignment with co-units: their accepted figures and the target's total."""
    if assignment.role != AssignmentRole.LEAD:
        return None
    figures = target_figures(assignment.target)
    return figures if figures.co_units else None
