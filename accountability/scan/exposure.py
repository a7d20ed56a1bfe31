"""Exposure candidates (落实情况曝光单): repeated failure goes to the office, which approves or not.

Two rules (thresholds in ``SupervisionRules``):

- a unit that has received N red warnings in a year (default two) — one candidate per unit and
  year, about the assignment of its N-th red (fixed once that red exists, so two scans that race
  build the same natural key);
- an assignment still open past its deadline after a red warning given before the deadline.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.id_lists import AnyOf, in_bulk
from tasks.choices import WarningLevel
from tasks.models import Assignment

from ..choices import NoticeCause, NoticeKind
from ..models import Notice, SupervisionRules
from ..services import notice_texts
from ..services.notices import draft_notice, save_proposed
from .conditions import AsOf, open_assignments


def _reds():
    return Notice.objects.filter(kind=NoticeKind.WARNING, level=WarningLevel.RED, serial__isnull=False)


def propose_exposures(asof: AsOf, rules: SupervisionRules, *, acting_user) -> list[Notice]:
    """Put new candidates before the office; call inside a transaction that holds the scan lock."""
    due = asof.day + dt.timedelta(days=rules.red_response_days)
    drafts = _repeated_reds(asof, rules, due=due, acting_user=acting_user)
    if rules.exposure_overdue_after_red:
        drafts += _overdue_after_red(asof, due=due, acting_user=acting_user)
    return save_proposed(drafts, acting_user=acting_user, reason=_("Exposure candidate found by the daily scan"))


def _repeated_reds(asof: AsOf, rules: SupervisionRules, *, due, acting_user) -> list[Notice]:
    year = asof.day.year
    already = Notice.objects.filter(kind=NoticeKind.EXPOSURE, cause=NoticeCause.TWO_REDS, period=str(year))
    units = (
        _reds()
        .filter(year=year)
        .exclude(unit__in=already.values("unit_id"))
        .values("unit_id")
        .annotate(reds=Count("pk"))
        .filter(reds__gte=rules.exposure_red_count)
        .values_list("unit_id", flat=True)
    )
    # Every red of those units is named in the wording, but only the N-th of each is linked to: read
    # the others as (id, number) pairs. (Whole notices for the ~24,000 reds of a province took 0.5 s.)
    ordered_reds = _reds().filter(year=year, unit__in=list(units)).order_by("unit_id", "issued_at", "serial")
    reds_by_unit = defaultdict(list)
    for unit_id, red_id, number in ordered_reds.values_list("unit_id", "pk", "number"):
        reds_by_unit[unit_id].append((red_id, number))
    trigger_ids = {unit_id: pairs[rules.exposure_red_count - 1][0] for unit_id, pairs in reds_by_unit.items()}
    triggers = Notice.objects.in_bulk(list(trigger_ids.values()))
    assignments = Assignment.objects.select_related("target", "unit").in_bulk(
        [red.assignment_id for red in triggers.values()]
    )
    drafts = []
    for unit_id, trigger_id in sorted(trigger_ids.items()):
        trigger = triggers[trigger_id]
        assignment = assignments[trigger.assignment_id]
        numbers = [number for _red_id, number in reds_by_unit[unit_id]]
        wording = notice_texts.exposure_wording(assignment, cause=NoticeCause.TWO_REDS, due=due, red_numbers=numbers)
        drafts.append(
            draft_notice(
                NoticeKind.EXPOSURE,
                assignment,
                cause=NoticeCause.TWO_REDS,
                period=str(year),
                wording=wording,
                due_date=due,
                escalated_from=trigger,
                acting_user=acting_user,
            )
        )
    return drafts


def _overdue_after_red(asof: AsOf, *, due, acting_user) -> list[Notice]:
    red_before_deadline = (
        _reds()
        .filter(assignment=OuterRef("pk"), issued_at__date__lte=OuterRef("deadline_then"))
        .exclude(cause=NoticeCause.OVERDUE)
    )
    rows = list(
        open_assignments(asof)
        .filter(deadline_then__lt=asof.day)
        .filter(Exists(red_before_deadline))
        .values_list("pk", "deadline_then")
    )
    keys = {(pk, deadline.isoformat()) for pk, deadline in rows}
    used = set(
        Notice.objects.filter(
            AnyOf("assignment_id", [pk for pk, _ in keys]),
            kind=NoticeKind.EXPOSURE,
            cause=NoticeCause.OVERDUE_AFTER_RED,
        ).values_list("assignment_id", "period")
    )
    new_keys = sorted(keys - used)
    assignments = in_bulk(Assignment.objects.select_related("target", "unit"), [pk for pk, _ in new_keys])
    last_reds = {}
    earlier_reds = _reds().filter(AnyOf("assignment_id", assignments)).exclude(cause=NoticeCause.OVERDUE)
    for red in earlier_reds.order_by("issued_at", "serial"):
        last_reds[red.assignment_id] = red
    drafts = []
    for pk, period in new_keys:
        assignment, red = assignments[pk], last_reds[pk]
        wording = notice_texts.exposure_wording(
            assignment, cause=NoticeCause.OVERDUE_AFTER_RED, due=due, red_numbers=[red.number]
        )
        drafts.append(
            draft_notice(
                NoticeKind.EXPOSURE,
                assignment,
                cause=NoticeCause.OVERDUE_AFTER_RED,
                period=period,
                wording=wording,
                due_date=due,
                escalated_from=red,
                acting_user=acting_user,
            )
        )
    return drafts
