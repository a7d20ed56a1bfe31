"""Arithmetic of progress: how an indicator's value becomes a percent of the way to its goal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .choices import AssignmentRole, Direction, ShareRule

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


def clamp_percent(value: Decimal) -> Decimal:
    return min(HUNDRED, max(Decimal(0), value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def percent_of_goal(value: Decimal, *, goal: Decimal, baseline: Decimal | None, direction: str) -> Decimal:
    """Cumulative percent of the way from the baseline (or zero) to the goal, within 0–100.

    Higher-is-better without a baseline is a plain ratio (投资完成 300 of 400 亿元 = 75 %). With a
    baseline, progress is the share of the distance covered; lower-is-better needs a baseline to
    have a distance at all, and otherwise compares goal to value.
    """
    value, goal = Decimal(value), Decimal(goal)
    if direction == Direction.HIGHER:
        if baseline is None:
            ratio = value / goal if goal else Decimal(1 if value >= goal else 0)
        else:
            distance = goal - baseline
            ratio = (value - baseline) / distance if distance else Decimal(1 if value >= goal else 0)
    else:
        if baseline is None:
            ratio = goal / value if value > 0 else Decimal(1)
        else:
            distance = baseline - goal
            ratio = (baseline - value) / distance if distance else Decimal(1 if value <= goal else 0)
    return clamp_percent(ratio * HUNDRED)


def value_at_fraction(fraction: Decimal, *, goal: Decimal, baseline: Decimal | None) -> Decimal:
    """The cumulative value planned once ``fraction`` of the time has passed (straight line)."""
    start = baseline if baseline is not None else Decimal(0)
    return (start + (Decimal(goal) - start) * fraction).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def rolled_up(target, links, *, value: str = "actual_value", percent: str = "progress_percent"):
    """The target's own figures from its units' accepted ones: ``(value, percent)``.

    Under shares that add up (``sum``), the target's actual is the sum of the accepted figures of
    the units that carry a share (a lead that only coordinates carries none); otherwise the lead
    unit answers for the target and its figure is the target's. ``links`` are the target's
    assignments; ``value`` and ``percent`` name the attributes holding their figures (the live ones,
    or those as of a day).
    """
    links = list(links)
    lead = next((link for link in links if link.role == AssignmentRole.LEAD), None)
    carrying = [link for link in links if link.share is not None]
    if target.share_rule == ShareRule.SUM and carrying:
        values = [getattr(link, value) for link in carrying if getattr(link, value) is not None]
        if not values:
            return None, Decimal(0)
        total = sum(values, Decimal(0))
        if not target.target_value:
            return total, None
        baseline = target.progress_baseline
        return total, percent_of_goal(total, goal=target.target_value, baseline=baseline, direction=target.direction)
    if lead is None:
        return None, None
    return getattr(lead, value), getattr(lead, percent)
