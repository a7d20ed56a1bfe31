"""The demo's 现场协调快办: 驿城区 asked the industry vice-mayor to settle a blocked project; the meeting
decided three items (one done, one in progress, one overdue and put under supervision by the scan);
and 市发改委's new request waits for the executive vice-mayor to schedule it. The mayor's 推进例会 of
2018-09-25 decided one item for 市住建局, due 2018-10-31."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import clock
from tasks.models import Assignment, Leader, ResponsiblePerson, Unit, User
from tasks.services import system_user

from .models import Coordination
from .scan.conditions import as_of
from .scan.decisions import apply_decision_rules
from .services.coordination import (
    close_decision,
    hold_progress_meeting,
    record_decisions,
    report_decision_progress,
    request_coordination,
    schedule_coordination,
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _person(unit: Unit) -> ResponsiblePerson:
    person = unit.people.filter(is_active=True).order_by("pk").first()
    return person or ResponsiblePerson.objects.create(unit=unit, name=f"{unit.name}分管负责人")


def build_coordination_demo() -> int:
    """Each part once: the units' requests, then the mayor's progress meeting (added later, so a
    database built before it gets the meeting alone)."""
    built = 0 if Coordination.objects.filter(unit__isnull=False).exists() else _build_requests()
    return built + _build_progress_meeting()


def _build_progress_meeting() -> int:
    if Coordination.objects.filter(unit__isnull=True).exists():
        return 0
    mayor = Leader.objects.filter(post="市长").first()
    zjj = Unit.objects.filter(name="市住建局").first()
    office = User.objects.filter(username="office").first()
    if mayor is None or zjj is None or office is None:
        return 0
    with clock.replaying_at(_at(dt.date(2018, 9, 25), 17)):
        meeting = hold_progress_meeting(
            leader=mayor,
            subject="推进例会 2018年9月：重点项目和棚户区改造推进",
            meeting_at=_at(dt.date(2018, 9, 25), 9),
            place="市政府第一会议室",
            units=[zjj],
            acting_user=office,
        )
        record_decisions(
            meeting,
            rows=[
                {
                    "text": "市住建局10月底前完成棚户区改造项目年度开工任务，逐月报送进度。",
                    "owner": zjj,
                    "person": _person(zjj),
                    "deadline": dt.date(2018, 10, 31),
                }
            ],
            minutes="市长主持推进例会，听取重点项目和棚户区改造进展，议定一项事项。",
            acting_user=office,
        )
    return 1


def _build_requests() -> int:
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=["驿城区", "市工信委", "市发改委"])}
    leaders = {leader.post: leader for leader in Leader.objects.filter(post__in=["副市长（分管工业）", "常务副市长"])}
    if len(units) < 3 or len(leaders) < 2:
        return 0
    logins = ["staff_yicheng", "staff_gxw", "staff_fgw", "vmayor_industry", "office"]
    users = {user.username: user for user in User.objects.filter(username__in=logins)}
    yicheng, gxw, fgw = units["驿城区"], units["市工信委"], units["市发改委"]
    assignment = (
        Assignment.objects.filter(unit=yicheng, target__year=2018, target__leader=leaders["副市长（分管工业）"])
        .order_by("target__code")
        .first()
    )
    with clock.replaying_at(_at(dt.date(2018, 8, 6), 9)):
        asked = request_coordination(
            unit=yicheng,
            blocked="驿城区智能装备产业园项目：企业专线接电、项目备案变更和周边征地补偿三件事卡住，单靠本区协调不动，"
            "影响规模以上工业增加值目标进度。",
            leader=leaders["副市长（分管工业）"],
            units=[gxw, fgw],
            assignment=assignment,
            acting_user=users["staff_yicheng"],
        )
    with clock.replaying_at(_at(dt.date(2018, 8, 7), 10)):
        schedule_coordination(
            asked,
            meeting_at=_at(dt.date(2018, 8, 10), 15),
            place="驿城区智能装备产业园项目现场",
            units=[gxw, fgw],
            acting_user=users["vmayor_industry"],
        )
    with clock.replaying_at(_at(dt.date(2018, 8, 10), 18)):
        done, in_progress, _overdue = record_decisions(
            asked,
            rows=[
                {
                    "text": "市工信委协调供电公司，8月底前完成产业园企业专线接入。",
                    "owner": gxw,
                    "person": _person(gxw),
                    "deadline": dt.date(2018, 8, 31),
                },
                {
                    "text": "驿城区10月底前完成项目周边征地补偿和场地平整。",
                    "owner": yicheng,
                    "person": _person(yicheng),
                    "deadline": dt.date(2018, 10, 31),
                },
                {
                    "text": "市发改委9月20日前完成项目备案变更和节能审查意见。",
                    "owner": fgw,
                    "person": _person(fgw),
                    "deadline": dt.date(2018, 9, 20),
                },
            ],
            minutes="现场协调会由副市长（分管工业）主持，市工信委、市发改委、驿城区参加，议定三项事项。",
            acting_user=users["vmayor_industry"],
        )
    with clock.replaying_at(_at(dt.date(2018, 8, 29), 16)):
        report_decision_progress(
            done, text="专线已于8月28日送电，企业试生产。", asks_close=True, acting_user=users["staff_gxw"]
        )
    with clock.replaying_at(_at(dt.date(2018, 8, 30), 10)):
        close_decision(done, note="经现场核实，专线已接入。", acting_user=users["office"])
    with clock.replaying_at(_at(dt.date(2018, 9, 15), 11)):
        report_decision_progress(
            in_progress, text="征地补偿已完成八成，剩余12户正在协商。", acting_user=users["staff_yicheng"]
        )
    # The scan's rule on 9-21: the 备案变更 is past its deadline, so it goes under supervision.
    with clock.replaying_at(_at(dt.date(2018, 9, 21), 2)), transaction.atomic():
        apply_decision_rules(as_of(dt.date(2018, 9, 21)), acting_user=system_user())
    with clock.replaying_at(_at(dt.date(2018, 9, 28), 9)):
        request_coordination(
            unit=fgw,
            blocked="省重点项目用地指标不足，需国土、住建部门和上蔡县、西平县共同协调调剂。",
            leader=leaders["常务副市长"],
            units=list(Unit.objects.filter(name__in=["市住建局", "上蔡县", "西平县"])),
            acting_user=users["staff_fgw"],
        )
    return 2
