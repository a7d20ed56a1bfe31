"""Plans (路线图、时间表): milestones per assignment, built backwards from the deadline (倒排工期)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import DateField, DecimalField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import clock
from core.errors import RuleViolation
from core.periods import coarsest_granularity_ending_on, period_ends_between

from .. import signals
from ..choices import AssignmentStatus, MeasureKind
from ..measures import ONE_DECIMAL, value_at_fraction
from ..models import Assignment, Milestone
from .year_progress import keeping_year_progress
from .years import refuse_closed_assignment


def plan_start(assignment: Assignment) -> dt.date:
    return assignment.target.start_date


def propose_milestones(assignment: Assignment, *, granularity: str, start: dt.date | None = None) -> list[Milestone]:
    """Milestones from ``start`` (default today) to the deadline, evenly spread over the time.

    Every period end at ``granularity`` and coarser becomes a node, each labelled by the largest
    period it closes. Progress is planned in proportion to the time passed since the target
    started, so a plan made in April for a December deadline already expects April's share.
    """
    origin = plan_start(assignment)
    start = max(start or clock.today(), origin)
    deadline = assignment.deadline
    if start >= deadline:
        raise RuleViolation(_("The deadline has passed or is today; there is nothing to plan backwards from."))
    dates = period_ends_between(start, deadline, granularity)
    if not dates or dates[-1] != deadline:
        dates.append(deadline)
    total_days = Decimal((deadline - origin).days or 1)
    goal = assignment.goal_value if assignment.reports_value else None
    # A rate (GDP growth 8.5 %) is expected at its goal all year; an amount grows with time.
    level = assignment.target.measure_kind == MeasureKind.LEVEL
    milestones = []
    for due in dates:
        fraction = Decimal(1) if level else Decimal((due - origin).days) / total_days
        percent = (fraction * 100).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        planned_value = None
        if goal is not None:
            baseline = None if level else assignment.target.baseline
            planned_value = value_at_fraction(fraction, goal=goal, baseline=baseline)
        milestones.append(
            Milestone(
                assignment=assignment,
                due_date=due,
                granularity=coarsest_granularity_ending_on(due) if due != deadline else granularity,
                planned_percent=percent,
                planned_value=planned_value,
            )
        )
    return milestones


def _announce_plan_change(assignment: Assignment, changes: dict, *, acting_user) -> None:
    """An issued assignment's plan is part of its unit's responsibility letter: the receivers of
    ``assignment_changing`` may refuse the change (a signed letter does, without an approved request)."""
    if assignment.status != AssignmentStatus.DRAFT:
        signals.assignment_changing.send(Assignment, assignment=assignment, changes=changes, acting_user=acting_user)


def generate_milestones(
    assignment: Assignment, *, granularity: str, acting_user, start: dt.date | None = None
) -> list[Milestone]:
    """Replace the plan from ``start`` on with the proposed one; nodes already past are kept."""
    refuse_closed_assignment(assignment)
    milestones = propose_milestones(assignment, granularity=granularity, start=start)
    effective_start = max(start or clock.today(), plan_start(assignment))
    with transaction.atomic(), keeping_year_progress(assignment_ids=[assignment.pk]):
        _announce_plan_change(assignment, {"plan": granularity}, acting_user=acting_user)
        for stale in assignment.milestones.filter(due_date__gt=effective_start):
            stale._history_user = acting_user
            stale.delete()
        kept = assignment.milestones.order_by("-due_date").first()
        if kept and kept.planned_percent > milestones[0].planned_percent:
            raise RuleViolation(_("The new plan would go below a milestone already passed."))
        created = bulk_create_with_history(
            milestones, Milestone, default_user=acting_user, default_change_reason=_("Plan generated backwards")
        )
        _plan_changed(assignment)
        refresh_planned_progress(assignment_ids=[assignment.pk])
    return created


def _plan_changed(assignment: Assignment) -> None:
    """Nodes inserted without ``save()``: the unit's kept judgments read the old plan."""
    from .unit_completion import bump_units  # it imports the judgment, which imports this module

    bump_units([assignment.unit_id])


def set_milestones(assignment: Assignment, rows: Iterable[dict], *, acting_user) -> list[Milestone]:
    """Save the office's edited plan.

    ``rows`` hold due_date and planned_percent, optionally planned_value, granularity and
    description. Existing nodes are updated in place so that their history continues.
    """
    refuse_closed_assignment(assignment)
    rows = sorted(rows, key=lambda row: row["due_date"])
    errors = []
    seen = set()
    previous = Decimal(0)
    for row in rows:
        due, percent = row["due_date"], Decimal(row["planned_percent"])
        if due in seen:
            errors.append(_("Two milestones fall on %(day)s.") % {"day": due})
        seen.add(due)
        if not plan_start(assignment) <= due <= assignment.deadline:
            errors.append(_("The milestone on %(day)s is outside the assignment's time.") % {"day": due})
        if not 0 <= percent <= 100:
            errors.append(_("Planned progress must be between 0 and 100 percent."))
        if percent < previous:
            errors.append(_("Planned progress cannot go down (on %(day)s).") % {"day": due})
        previous = percent
    if errors:
        raise RuleViolation(errors)
    with transaction.atomic(), keeping_year_progress(assignment_ids=[assignment.pk]):
        _announce_plan_change(assignment, {"plan": rows}, acting_user=acting_user)
        existing = {m.due_date: m for m in assignment.milestones.select_for_update()}
        saved = []
        for row in rows:
            milestone = existing.pop(row["due_date"], None) or Milestone(
                assignment=assignment,
                due_date=row["due_date"],
                granularity=coarsest_granularity_ending_on(row["due_date"]),
            )
            for name in ("planned_percent", "planned_value", "granularity", "description"):
                if name in row:
                    setattr(milestone, name, row[name])
            milestone.description = milestone.description or ""
            milestone._history_user = acting_user
            milestone._change_reason = _("Plan edited")
            milestone.save()
            saved.append(milestone)
        for milestone in existing.values():
            milestone._history_user = acting_user
            milestone.delete()
        refresh_planned_progress(assignment_ids=[assignment.pk])
    return saved


def planned_percent_at(assignment: Assignment, day: dt.date) -> Decimal:
    """Planned cumulative progress at ``day``: the last milestone due on or before it, else 0.

    Units are judged at their milestones, not between them, so a unit is not "behind" in the middle
    of a month it may still finish on time.
    """
    milestone = assignment.milestones.filter(due_date__lte=day).order_by("-due_date").first()
    return milestone.planned_percent if milestone else Decimal(0)


def _latest_node(day, assignment_ref: str):
    return Milestone.objects.filter(assignment=OuterRef(assignment_ref), due_date__lte=day).order_by("-due_date")


def planned_percent_subquery(day, assignment_ref: str = "pk"):
    """The same answer as ``planned_percent_at`` as an SQL expression, for set-based queries
    (``day``: a date, or an expression of the outer row)."""
    latest = _latest_node(day, assignment_ref).values("planned_percent")[:1]
    return Coalesce(Subquery(latest), Value(Decimal(0)), output_field=DecimalField(max_digits=5, decimal_places=1))


def plan_node_subquery(day, assignment_ref: str = "pk"):
    """The due date of the plan node ``planned_percent_subquery`` reads (NULL before the first)."""
    return Subquery(_latest_node(day, assignment_ref).values("due_date")[:1], output_field=DateField())


def refresh_planned_progress(day: dt.date | None = None, assignment_ids: Iterable[int] | None = None) -> int:
    """Write today's planned percent (and the plan node it is read from) onto every assignment in one
    UPDATE (nightly and after edits).

    Closed assignments are refreshed too: dashboards average plan against actual over all links,
    and a link closed early must not count as planned at 0 %. A bookkeeping field: no history
    rows, the plan itself carries the history.
    """
    day = day or clock.today()
    assignments = Assignment.objects.all()
    if assignment_ids is not None:
        assignments = assignments.filter(pk__in=list(assignment_ids))
    return assignments.update(
        planned_percent=planned_percent_subquery(day), planned_node_due=plan_node_subquery(day), planned_as_of=day
    )


def stretch_plan(
    assignment: Assignment, *, old_deadline: dt.date, new_deadline: dt.date, acting_user, reason: str
) -> list[Milestone]:
    """A granted extension: the plan nodes still ahead spread over the longer time.

    Each node after today (after the day before the old deadline, if that has passed) keeps its
    planned progress and moves in proportion, the node on the old deadline onto the new one. The
    nodes are updated in place, latest first (no two ever share a day), so their history shows the move.
    """
    anchor = min(clock.today(), old_deadline - dt.timedelta(days=1))
    old_span, new_span = (old_deadline - anchor).days, (new_deadline - anchor).days
    if old_span <= 0 or new_span <= old_span:
        return []
    moved = []
    with transaction.atomic(), keeping_year_progress(assignment_ids=[assignment.pk]):
        for node in assignment.milestones.filter(due_date__gt=anchor).order_by("-due_date"):
            offset = (node.due_date - anchor).days
            if node.due_date >= old_deadline:
                day = new_deadline + (node.due_date - old_deadline)
            else:
                day = anchor + dt.timedelta(days=int((Decimal(offset) * new_span / old_span).to_integral_value()))
            node.due_date = day
            node._history_user, node._change_reason = acting_user, str(reason)
            node._history_date = clock.now()
            node.save(update_fields=["due_date"])
            moved.append(node)
        refresh_planned_progress(assignment_ids=[assignment.pk])
    return moved
