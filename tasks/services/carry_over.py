"""结转: an unfinished target carried into the next year, linked to the old one (``carried_from``).

The new target is a draft of the next year with what is left of the old one: the units that had not
finished (the lead always, who answers for the target), each with what is left of its share where
the shares add up, and the whole year as its time. The office adjusts it and issues it like any
draft; the old target stays as it was.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation

from ..choices import AssignmentRole, AssignmentStatus, MeasureKind, ShareRule, TargetStatus
from ..measures import rolled_up
from ..models import Target
from .breakdown import add_assignment, create_target

SUFFIX = "-结转"


def carried_code(target: Target) -> str:
    return f"{target.code}{SUFFIX}"[:32]


def _left(goal: Decimal | None, done: Decimal | None) -> Decimal | None:
    if goal is None:
        return None
    return max(Decimal(0), goal - (done or Decimal(0)))


def carry_over_target(target: Target, *, acting_user, parent: Target | None = None) -> Target:
    """The draft of next year that carries ``target`` on (refused if it is done or carried already)."""
    if target.status == TargetStatus.CLOSED:
        raise RuleViolation(_("“%(code)s” is finished: there is nothing to carry over.") % {"code": target.code})
    year = target.year + 1
    if (
        Target.objects.filter(carried_from=target).exists()
        or Target.objects.filter(year=year, code=carried_code(target)).exists()
    ):
        raise RuleViolation(
            _("“%(code)s” has already been carried into %(year)s.") % {"code": target.code, "year": year}
        )
    links = list(target.assignments.exclude(status=AssignmentStatus.DRAFT).select_related("unit"))
    unfinished = [a for a in links if a.status != AssignmentStatus.CLOSED or a.role == AssignmentRole.LEAD]
    cumulative_sum = target.share_rule == ShareRule.SUM and target.measure_kind == MeasureKind.CUMULATIVE
    shares = {a.pk: (_left(a.share, a.actual_value) if cumulative_sum else a.share) for a in unfinished}
    if target.share_rule == ShareRule.SUM:
        carried_shares = [share for share in shares.values() if share is not None]
        if carried_shares:
            value = sum(carried_shares, Decimal(0))
        else:  # no unit carries a share: what is left of the target's own value
            value = _left(target.target_value, rolled_up(target, links)[0])
    elif target.measure_kind == MeasureKind.CUMULATIVE and target.target_value is not None:
        value = _left(target.target_value, rolled_up(target, links)[0])
    else:
        value = target.target_value
    note = _("Carried over from %(year)s: “%(code)s %(title)s”.") % {
        "year": target.year,
        "code": target.code,
        "title": target.title,
    }
    with transaction.atomic():
        carried = create_target(
            acting_user=acting_user,
            reason=note,
            year=year,
            code=carried_code(target),
            title=target.title,
            description=f"{note}\n{target.description}".strip(),
            parent=parent,
            source=target.source,
            target_type=target.target_type,
            is_key=target.is_key,
            measure_unit=target.measure_unit,
            baseline=target.baseline,
            target_value=value,
            direction=target.direction,
            measure_kind=target.measure_kind,
            share_rule=target.share_rule,
            leader=target.leader,
            task_force=target.task_force,
            start_date=dt.date(year, 1, 1),
            deadline=dt.date(year, 12, 31),
            report_frequency=target.report_frequency,
            remarks=target.remarks,
            carried_from=target,
        )
        for link in sorted(unfinished, key=lambda a: (a.role != AssignmentRole.LEAD, a.unit.sort_order)):
            add_assignment(
                carried,
                unit=link.unit,
                role=link.role,
                acting_user=acting_user,
                share=shares[link.pk],
                person=link.person,
                duty=link.duty,
                responsible_person=link.responsible_person,
                responsible_phone=link.responsible_phone,
                check_breakdown=False,
            )
    return carried


def carry_over(targets, *, acting_user) -> list[Target]:
    """Carry several targets over, a sub-target under its carried parent where both go."""
    targets = sorted(targets, key=lambda t: (t.parent_id is not None, t.code))
    carried: dict[int, Target] = {}
    for target in targets:
        carried[target.pk] = carry_over_target(target, acting_user=acting_user, parent=carried.get(target.parent_id))
    return list(carried.values())
