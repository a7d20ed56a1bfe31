"""What the import plan will save for one sheet row: the target, the links and plan nodes to create
or change, and the words that describe each change in the check (the preview)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from core.periods import coarsest_granularity_ending_on

from ..choices import AssignmentStatus, Direction, ShareRule
from ..models import Assignment, Milestone, ResponsiblePerson, Target, Unit
from .vocabulary import SOURCE_NAMES, TYPE_NAMES

if TYPE_CHECKING:  # the rows are read by the columns, which build this work
    from .rows import RowPlan


@dataclass(slots=True)
class NewLink:
    """An assignment to create, kept light until saving (a sheet can hold tens of thousands)."""

    target: Target
    unit: Unit
    role: str
    share: Decimal | None
    deadline: dt.date
    responsible_person: str
    person: ResponsiblePerson | None = None
    duty: str = ""
    status: str = AssignmentStatus.DRAFT
    pk: int | None = None  # set once saved

    goal_value = Assignment.goal_value


@dataclass(slots=True)
class NewNode:
    """A quarter-end milestone to create for an assignment (stored or new)."""

    assignment: Assignment | NewLink
    due_date: dt.date
    planned_percent: Decimal
    planned_value: Decimal | None
    description: str

    @property
    def granularity(self) -> str:
        return granularity(self.due_date)


@dataclass
class TargetWork:
    """What saving one row will do."""

    row: RowPlan
    target: Target
    is_new: bool
    old_deadline: dt.date | None = None
    fields: list[str] = field(default_factory=list)
    new_assignments: list[NewLink] = field(default_factory=list)
    changed_assignments: list[tuple[Assignment, list[str]]] = field(default_factory=list)
    removed_assignments: list[Assignment] = field(default_factory=list)
    new_milestones: list[NewNode] = field(default_factory=list)
    changed_milestones: list[tuple[Milestone, list[str]]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    assignments: list[Assignment] | None = None  # the chain after saving (None: not touched)

    @property
    def action(self) -> str:
        if self.row.problems:
            return "error"
        if self.is_new:
            return "create"
        return "update" if self.changes else "unchanged"

    def describe(self, text: str) -> None:
        """Say what changes on a stored target (a new one is described by its row)."""
        if not self.is_new:
            self.changes.append(text)


@functools.cache
def granularity(day: dt.date) -> str:
    return coarsest_granularity_ending_on(day)


def display(value) -> str:
    """A value as the check shows it: — for nothing, numbers without trailing zeros, Chinese labels."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value in _LABELS:
        return str(_LABELS[value])
    return str(value)


_LABELS = {
    **{key: names[0] for key, names in SOURCE_NAMES.items()},
    **{key: names[0] for key, names in TYPE_NAMES.items()},
    **dict(ShareRule.choices),
    **dict(Direction.choices),
}
