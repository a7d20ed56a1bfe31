"""The demo's year-end assessments (年度考核): 2017 approved by the mayor with its rewards and penalties
(奖惩) approved too, so that the page is not empty in the demo year; and a 2018 draft the office
prepared on the demo day, which the open appeal of the scoring demo (市商务局) keeps from approval.

The demo's ledger begins in 2018: 2017's figures are invented (DEMO DATA), kept as the year's frozen
figures (``YearResult``, as if 2017 had been closed), and assessed through the services like any year.
Idempotent: a year that has an assessment is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import clock
from tasks.demo import DEMO_DATE
from tasks.models import Assignment, Unit, User

from .models import Assessment, YearResult
from .selectors.scores import _group_of
from .services.assessment import (
    approve_assessment,
    approve_rewards,
    default_weights,
    ensure_reward_measures,
    prepare_assessment,
    propose_rewards,
)

PREVIOUS = 2017
NOTE_2017 = "演示数据：2018年以前的考核数据为虚构，仅供演示。"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_assessment_demo() -> int:
    office, mayor = User.objects.get(username="office"), User.objects.get(username="mayor")
    made = 0
    with transaction.atomic():
        if not Assessment.objects.filter(year=PREVIOUS).exists():
            _previous_year(office, mayor)
            made += 1
        if not Assessment.objects.filter(year=DEMO_DATE.year).exists():
            with clock.replaying_at(_at(DEMO_DATE, 16)):
                prepare_assessment(
                    DEMO_DATE.year, weights=default_weights(), acting_user=office,
                    note="前三季度考核初稿，待申诉事项处理完毕后报市政府领导审批。",
                )  # fmt: skip
            made += 1
    return made


def _invented_figures(day: dt.date) -> None:
    """2017's frozen figures for the units of the demo (DEMO DATA): completion and points spread so
    that each group has a clear first and last."""
    units = Unit.objects.filter(pk__in=Assignment.objects.filter(target__year=DEMO_DATE.year).values("unit"))
    now = timezone.make_aware(dt.datetime.combine(day, dt.time(17)))
    rows = []
    for index, unit in enumerate(units.order_by("sort_order", "name")):
        spread = (index * 7) % 23  # a fixed spread, the same on every load
        rows.append(
            YearResult(
                year=PREVIOUS,
                unit=unit,
                ranking_group=_group_of(unit.kind),
                as_of=dt.date(PREVIOUS, 12, 31),
                assignments=4 + index % 5,
                closed=3 + index % 3,
                completion_rate=Decimal(100 - spread).quantize(Decimal("0.1")),
                base=Decimal(100),
                bonuses=Decimal(spread % 7),
                deductions=Decimal(-(spread // 3)),
                score=Decimal(100 + spread % 7 - spread // 3),
                rank=None,
                frozen_at=now,
            )
        )
    YearResult.objects.bulk_create(rows)


def _previous_year(office, mayor) -> None:
    if not YearResult.objects.filter(year=PREVIOUS).exists():
        _invented_figures(dt.date(2018, 1, 8))
    with clock.replaying_at(_at(dt.date(2018, 1, 10))):
        assessment = prepare_assessment(PREVIOUS, weights=default_weights(), acting_user=office, note=NOTE_2017)
    with clock.replaying_at(_at(dt.date(2018, 1, 15), 15)):
        assessment = approve_assessment(assessment, acting_user=mayor)
    measures = ensure_reward_measures()
    proposals = []
    for group in sorted(set(assessment.rows.values_list("ranking_group", flat=True))):
        rows = list(assessment.rows.filter(ranking_group=group).order_by("rank", "unit__sort_order"))
        if len(rows) < 3:
            continue
        first, second, last = rows[0], rows[1], rows[-1]
        proposals += [
            (first.unit_id, measures["评为先进"], "年度考核位居本组第一"),
            (first.unit_id, measures["奖励"], "年度考核位居本组第一"),
            (second.unit_id, measures["通报表扬"], "年度考核成绩优秀"),
            (last.unit_id, measures["通报批评"], "年度考核位居本组末位"),
            (last.unit_id, measures["约谈"], "年度考核位居本组末位，约谈主要负责人"),
        ]
    if not proposals:
        return
    with clock.replaying_at(_at(dt.date(2018, 1, 18))):
        propose_rewards(assessment, proposals=proposals, acting_user=office)
    with clock.replaying_at(_at(dt.date(2018, 1, 22), 15)):
        approve_rewards(assessment, acting_user=mayor)
