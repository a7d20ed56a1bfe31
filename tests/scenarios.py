"""Building blocks for time-travelled scenarios of scoring, proposals and disclosure.

Every step runs through the services at a moment set with time-machine, so dates in reports,
history rows and ledger entries are the ones a real year would have produced.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from accountability import services as acc
from core.periods import Granularity
from tasks import services
from tasks.choices import AssignmentRole, ProposalKind, TargetType
from tasks.models import Assignment, Target
from tests.factories import TargetFactory, named

D = dt.date


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: dt.date, hour: int = 10):
    """Travel to ``hour`` o'clock Shanghai time on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


JUNE_1, YEAR_END = D(2018, 6, 1), D(2018, 12, 31)


def issued(office, lead_unit, co_units=(), *, start=JUNE_1, deadline=YEAR_END, **fields) -> Target:
    """A target issued on ``start`` with a monthly plan: ``lead_unit`` leads, the others cooperate."""
    target = TargetFactory(start_date=start, deadline=deadline, **fields)
    with at(start, 9):
        services.add_assignment(
            target, unit=lead_unit, **named(lead_unit), role=AssignmentRole.LEAD, acting_user=office
        )
        for unit in co_units:
            services.add_assignment(target, unit=unit, **named(unit), role=AssignmentRole.CO, acting_user=office)
        for assignment in services.issue_target(target, acting_user=office):
            services.generate_milestones(assignment, granularity=Granularity.MONTH, acting_user=office)
    target.refresh_from_db()
    return target


def npc_proposal(office, lead_unit, co_units=(), *, handling_mode, deadline=YEAR_END):
    """NPC suggestion no. 18 (关于养护的建议): its target issued to the units and the proposal
    registered by the office on 2018-04-10."""
    target = issued(
        office, lead_unit, co_units, start=D(2018, 4, 10), deadline=deadline, target_type=TargetType.PROPOSAL,
        title="关于养护的建议",
    )  # fmt: skip
    with at(D(2018, 4, 10), 12):
        return services.register_proposal(
            target, kind=ProposalKind.NPC, number="18", session="2018年会议", proposers="王某某",
            handling_mode=handling_mode, acting_user=office,
        )  # fmt: skip


def link(target: Target, unit) -> Assignment:
    return target.assignments.get(unit=unit)


def file_report(assignment, user, day: dt.date, *, period: str, percent=50, value=None, problems=""):
    with at(day, 16):
        report = services.save_report(
            assignment,
            acting_user=user,
            period_key=period,
            progress_percent=percent,
            actual_value=value,
            work_done="按计划推进",
            problems=problems,
        )
        return services.submit_report(report, acting_user=user)


def accept(report, office, day: dt.date):
    with at(day, 11):
        return services.accept_report(report, acting_user=office)


def close(assignment, user, office, day: dt.date, *, period: str, value=None):
    """File and accept a 100 % report, claim, verify and close out, all on ``day``."""
    report = file_report(assignment, user, day, period=period, percent=100, value=value)
    accept(report, office, day)
    assignment.refresh_from_db()
    with at(day, 15):
        services.claim_completion(assignment, acting_user=user)
        services.verify_completion(assignment, acting_user=office)
        services.close_out(assignment, acting_user=office)
    assignment.refresh_from_db()
    return assignment


def score(day: dt.date, user):
    """Run the scoring job up to ``day``, late in the evening of that day."""
    with at(day, 23):
        return acc.run_scoring_now(up_to=day, acting_user=user)


def points(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def approving_leader():
    """A city leader's login (the same one on every call): the office prepares exposures and
    disclosures, a leader approves them."""
    from core.access import RoleKind
    from tasks.models import User
    from tests.factories import LeaderFactory, RoleFactory, UserFactory

    user = User.objects.filter(username="approving_mayor").first()
    if user is None:
        user = UserFactory(username="approving_mayor")
        RoleFactory(user=user, kind=RoleKind.LEADER, unit=None, leader=LeaderFactory(post="市长（审批）"))
    return user
