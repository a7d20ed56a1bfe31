"""Build the demo by replaying the year through the services, each step at the date it happened.

Idempotent: people, units and leaders are found or created; a target already present (by year and
code) is left exactly as it is, so running the command twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from core import clock
from core.access import RoleKind
from core.periods import Frequency, Granularity, periods_between
from tasks import services
from tasks.choices import AssignmentRole, AssignmentStatus, FollowUpKind, FollowUpTopic, MeasureKind, ShareRule
from tasks.models import Delegation, Field, Leader, Role, Target, TaskForce, Unit, User
from tasks.services.delegation import delegate

from . import data
from .people import demo_people

DEMO_DATE = dt.date(2018, 9, 30)
DEMO_PASSWORD = "zmd-demo-2018"
DEMO_LOGINS = [(username, display) for username, display, _ in data.LOGINS]
YEAR = 2018
ISSUED_ON = dt.date(2018, 4, 10)  # the day after the plenary meeting
ONE = Decimal("0.1")


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_demo(stdout=None) -> dict[str, int]:
    """Create what is missing of the demo; return how many targets were created."""
    with transaction.atomic():
        units = _units()
        leaders = _leaders()
        office = _people(units, leaders)
        _scopes(units, leaders)
        task_forces = _task_forces(leaders)
        people = demo_people(units, office=office)
        created = 0
        for spec in data.TARGETS:
            if Target.objects.filter(year=YEAR, code=spec["code"]).exists():
                continue
            _build_target(spec, units=units, people=people, leaders=leaders, task_forces=task_forces, office=office)
            created += 1
        _label_targets()
        if created:
            services.refresh_planned_progress(day=DEMO_DATE)
    return {"targets_created": created}


def _units() -> dict[str, Unit]:
    units = {}
    for order, (name, kind, _slug) in enumerate(data.UNITS, start=1):
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            unit = Unit(
                name=name, kind=kind, sort_order=order, requires_head_approval=name in data.UNITS_WITH_HEAD_APPROVAL
            )
            services.save_with_history(unit, acting_user=services.system_user(), reason="演示数据")
        units[name] = unit
    return units


def _leaders() -> dict[str, Leader]:
    leaders = {}
    for order, (post, fields_in_charge) in enumerate(data.LEADERS, start=1):
        leader = Leader.objects.filter(post=post).first()
        if leader is None:
            leader = Leader(post=post, fields_in_charge=fields_in_charge, sort_order=order)
            services.save_with_history(leader, acting_user=services.system_user(), reason="演示数据")
        leaders[post] = leader
    return leaders


def _scopes(units, leaders) -> None:
    """分管: the fields the office keeps, each vice-mayor's fields and units, the mayor over the city."""
    fields = {}
    for order, name in enumerate(data.FIELDS, start=1):
        fields[name] = Field.objects.get_or_create(name=name, defaults={"sort_order": order})[0]
    for post, leader in leaders.items():
        if post in data.WHOLE_CITY_LEADERS and not leader.whole_city:
            leader.whole_city = True
            services.save_with_history(leader, acting_user=services.system_user(), reason="演示数据")
        if not leader.units.exists():
            leader.units.set([units[name] for name in data.LEADER_UNITS.get(post, [])])
        if not leader.fields.exists():
            leader.fields.set([fields[name] for name in data.LEADER_FIELDS.get(post, [])])


def _label_targets() -> None:
    fields = {field.name: field for field in Field.objects.all()}
    for target in Target.objects.filter(year=YEAR, code__in=data.TARGET_FIELDS, fields__isnull=True):
        target.fields.set([fields[name] for name in data.TARGET_FIELDS[target.code]])


def _secretaries() -> None:
    for secretary, leader in data.SECRETARIES.items():
        secretary_user, leader_user = User.objects.get(username=secretary), User.objects.get(username=leader)
        if not Delegation.objects.filter(leader_user=leader_user, secretary=secretary_user).exists():
            delegate(leader_user=leader_user, secretary=secretary_user, acting_user=services.system_user())


def _user(username: str, display_name: str, password_hash: str, **flags) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name, password=password_hash, **flags)
        user.save()
    return user


def _role(user: User, kind: str, *, unit=None, leader=None) -> None:
    if not Role.objects.filter(user=user, kind=kind, unit=unit, leader=leader).exists():
        role = Role(user=user, kind=kind, unit=unit, leader=leader)
        services.save_with_history(role, acting_user=services.system_user(), reason="演示数据")


def _people(units, leaders) -> User:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow on purpose
    for username, display_name, roles in data.LOGINS:
        flags = {"is_staff": True, "is_superuser": True} if username == "sysadmin" else {}
        user = _user(username, display_name, password_hash, **flags)
        for kind, where in roles:
            _role(
                user,
                kind,
                unit=units.get(where) if kind in (RoleKind.STAFF, RoleKind.HEAD) else None,
                leader=leaders.get(where) if kind == RoleKind.LEADER else None,
            )
    _secretaries()
    # Every other unit has a liaison too, so that each report has a real author.
    for name, _kind, slug in data.UNITS:
        user = _user(f"staff_{slug}", f"{name}联络员", password_hash)
        _role(user, RoleKind.STAFF, unit=units[name])
    return User.objects.get(username="office")


def _task_forces(leaders) -> dict[str, TaskForce]:
    forces = {}
    for name, post, description in data.TASK_FORCES:
        force = TaskForce.objects.filter(name=name).first()
        if force is None:
            force = TaskForce(name=name, leader=leaders[post], description=description)
            services.save_with_history(force, acting_user=services.system_user(), reason="演示数据")
        forces[name] = force
    return forces


def _liaison(unit: Unit) -> User:
    return User.objects.filter(roles__unit=unit, roles__kind=RoleKind.STAFF).order_by("pk").first()


def _duty(spec, role: str) -> str:
    """工作职责 as the letters word it: the lead unit organises, a co unit does its part."""
    if role == AssignmentRole.LEAD:
        return f"牵头组织实施“{spec['title']}”，按节点推进并按时报送进展"
    return f"配合完成“{spec['title']}”中本单位承担的任务，按时报送进展"


def _build_target(spec, *, units, people, leaders, task_forces, office) -> None:
    deadline = dt.date.fromisoformat(spec.get("deadline", "2018-12-31"))
    with clock.replaying_at(_at(ISSUED_ON, 9)):
        target = services.create_target(
            acting_user=office,
            year=YEAR,
            code=spec["code"],
            title=spec["title"],
            description=spec.get("description", ""),
            parent=Target.objects.get(year=YEAR, code=spec["parent"]) if spec.get("parent") else None,
            source=spec["source"],
            target_type=spec["target_type"],
            is_key=spec.get("is_key", False),
            measure_unit=spec.get("measure_unit", ""),
            target_value=Decimal(spec["target_value"]) if spec.get("target_value") else None,
            measure_kind=spec.get("measure_kind", MeasureKind.CUMULATIVE),
            share_rule=spec.get("share_rule", "none"),
            leader=leaders[spec["leader"]],
            task_force=task_forces.get(spec.get("task_force")),
            start_date=ISSUED_ON,
            deadline=deadline,
            report_frequency=spec.get("report_frequency", Frequency.MONTHLY),
        )
        links = [(spec["lead"], None, AssignmentRole.LEAD), *[(n, s, AssignmentRole.CO) for n, s in spec["co"]]]
        for name, share, role in links:
            services.add_assignment(
                target,
                unit=units[name],
                role=role,
                acting_user=office,
                share=Decimal(share) if share else None,
                person=people[name],
                duty=_duty(spec, role),
            )
        assignments = services.issue_target(target, acting_user=office)
        granularity = Granularity.QUARTER if target.report_frequency == Frequency.QUARTERLY else Granularity.MONTH
        for assignment in assignments:
            services.generate_milestones(assignment, granularity=granularity, acting_user=office, start=ISSUED_ON)
    # A lead that only coordinates shares that add up reports its co-units' total: it files after them.
    for assignment in sorted(assignments, key=_coordinates):
        assignment.refresh_from_db()
        with clock.replaying_at(_at(ISSUED_ON + dt.timedelta(days=2), 9, 30)):
            services.sign_for_assignment(assignment, acting_user=_liaison(assignment.unit))
        _replay_reports(assignment, spec, office=office, closes=spec.get("closed", False))
    _instructions(target, office=office, leaders=leaders)


def _coordinates(assignment) -> bool:
    """The lead of a target whose units' shares add up, carrying no share itself: its figure is the
    total of its co-units' (what the lead unit sees of them when it reports)."""
    return (
        assignment.role == AssignmentRole.LEAD
        and assignment.share is None
        and assignment.target.share_rule == ShareRule.SUM
    )


def _co_units_total(assignment, moment) -> Decimal | None:
    """The sum of the co-units' figures the office had accepted by ``moment``, when the lead's own
    report is accepted: the total every page gives for the target on that day."""
    total, found = Decimal(0), False
    for co_unit in assignment.target.assignments.exclude(pk=assignment.pk):
        latest = (
            co_unit.reports.filter(status="accepted", reviewed_at__lte=moment, actual_value__isnull=False)
            .order_by("-period_end")
            .values_list("actual_value", flat=True)
            .first()
        )
        if latest is not None:
            total, found = total + latest, True
    return total if found else None


def _pace(assignment) -> float:
    key = (assignment.target.code, assignment.unit.name)
    return data.PACE_BY_ASSIGNMENT.get(key, data.PACE_BY_UNIT.get(assignment.unit.name, 1.0))


def _replay_reports(assignment, spec, *, office, closes: bool) -> None:
    target = assignment.target
    unit_name = assignment.unit.name
    author = _liaison(assignment.unit)
    head = User.objects.filter(roles__unit=assignment.unit, roles__kind=RoleKind.HEAD).first() or author
    pace = Decimal(str(_pace(assignment)))
    coordinating = _coordinates(assignment) and assignment.reports_value
    last_day = min(DEMO_DATE, assignment.deadline)
    periods = [p for p in periods_between(target.start_date, last_day, target.report_frequency) if p.due <= last_day]
    for index, period in enumerate(periods):
        is_last = index == len(periods) - 1
        if is_last and unit_name in data.MISSING_SEPTEMBER and not closes:
            continue
        planned = services.planned_percent_at(assignment, period.end)
        percent = Decimal(100) if closes and is_last else min(Decimal(100), planned * pace).quantize(ONE, ROUND_HALF_UP)
        value = None
        if assignment.reports_value:
            goal = assignment.goal_value
            if target.measure_kind == MeasureKind.LEVEL:
                value = (goal * (Decimal("0.97") + (pace - 1) / 2)).quantize(ONE, ROUND_HALF_UP)
            else:
                value = (goal * percent / 100).quantize(ONE, ROUND_HALF_UP)
        late = unit_name in data.LATE_FILERS
        filed_on = period.due + dt.timedelta(days=3 if late else -2)
        if filed_on > DEMO_DATE:
            continue  # a late filer's last report has not come in by the demo date
        accepted_on = filed_on + dt.timedelta(days=1 if is_last else 3)
        if coordinating and (total := _co_units_total(assignment, _at(accepted_on, 10))) is not None:
            value = total.quantize(ONE, ROUND_HALF_UP)
        parts = {
            "work_done": f"{period.key}：{target.title}按计划推进，累计完成{percent}%。",
            "problems": data.PROBLEMS.get(unit_name, "") if pace < 1 else "",
            "next_plan": "继续倒排工期，确保按节点完成。",
            "suggestions": data.SUGGESTIONS.get(unit_name, "") if pace < 1 else "",
        }
        with clock.replaying_at(_at(filed_on, 16)):
            report = services.save_report(
                assignment,
                acting_user=author,
                period_key=period.key,
                progress_percent=percent,
                actual_value=value,
                **parts,
            )
            services.submit_report(report, acting_user=author)
        if is_last and not closes:
            _leave_last_report_open(
                report, unit_name=unit_name, head=head, office=office, assignment=assignment, compiled=coordinating
            )
            continue
        if unit_name == "驿城区" and period.key == "2018-08":
            with clock.replaying_at(_at(filed_on + dt.timedelta(days=1), 11)):
                services.return_report(report, acting_user=office, reason="佐证材料不全，请补充项目现场照片。")
            with clock.replaying_at(_at(filed_on + dt.timedelta(days=2), 15)):
                report = services.save_report(
                    assignment, acting_user=author, period_key=period.key, progress_percent=percent,
                    actual_value=value, work_done=parts["work_done"] + "已补充现场照片。",
                )  # fmt: skip
                services.submit_report(report, acting_user=author)
        report.refresh_from_db()
        if report.status == "pending_approval":
            with clock.replaying_at(_at(filed_on, 18)):
                services.approve_report(report, acting_user=head)
        with clock.replaying_at(_at(filed_on + dt.timedelta(days=3), 10)):
            services.accept_report(report, acting_user=office)
    if closes:
        _close(assignment, office=office, author=author)


def _leave_last_report_open(report, *, unit_name, head, office, assignment, compiled=False) -> None:
    """The latest period is still moving on the demo date: some reports wait for the office, one
    for its unit head; counties' have been accepted, and so has a lead's total compiled from them."""
    report.refresh_from_db()
    if report.status == "pending_approval":
        return
    if assignment.unit.kind != "department" or compiled:
        with clock.replaying_at(_at(report.submitted_at.date() + dt.timedelta(days=1), 10)):
            services.accept_report(report, acting_user=office)


def _close(assignment, *, office, author) -> None:
    assignment.refresh_from_db()
    day = assignment.deadline + dt.timedelta(days=5)
    with clock.replaying_at(_at(day, 10)):
        services.claim_completion(assignment, acting_user=author, note="已全面完成，申请销号。")
    with clock.replaying_at(_at(day + dt.timedelta(days=3), 10)):
        services.verify_completion(assignment, acting_user=office, note="经核验，已按期完成。")
        services.close_out(assignment, acting_user=office)


def _instructions(target, *, office, leaders) -> None:
    """The office follows up lagging units' problems; leaders write instructions (批示)."""
    lagging = (
        target.assignments.filter(unit__name__in=data.PROBLEMS.keys())
        .exclude(status=AssignmentStatus.CLOSED)
        .select_related("unit")
    )
    for assignment in lagging:
        report = assignment.reports.exclude(problems="").order_by("-period_end").first()
        if report is None or report.period_end.month < 8:
            continue
        answered_on = min(report.due_date + dt.timedelta(days=4), DEMO_DATE)
        with clock.replaying_at(_at(answered_on, 9)):
            services.add_follow_up(
                target=target, report=report, kind=FollowUpKind.OFFICE, topic=FollowUpTopic.PROBLEM,
                text=f"已转请相关部门协调解决，请{assignment.unit}每周报送进展。", acting_user=office,
            )  # fmt: skip
    leader_user = User.objects.filter(username=data.INSTRUCTIONS_BY.get(target.code, "")).first()
    if leader_user:
        with clock.replaying_at(_at(dt.date(2018, 9, 20), 17)):
            services.add_follow_up(
                target=target, kind=FollowUpKind.LEADER, acting_user=leader_user,
                text="进度滞后的县区要查找原因、倒排工期，督查室跟踪督办。",
            )  # fmt: skip
