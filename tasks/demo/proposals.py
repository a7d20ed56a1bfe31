"""The demo's two proposal targets get their proposal data, replies and the proposers' views.

2018-013 (an NPC suggestion, handled separately) was answered and found satisfactory before the
target closed. 2018-014 (a CPPCC proposal, handled jointly) was answered by the lead unit after
its co-unit's views, found unsatisfactory, and is being handled again on the demo date.
Idempotent: a target whose proposal is registered is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import clock
from tasks import services
from tasks.choices import AssignmentRole, HandlingMode, ProposalKind, ResultCode, Satisfaction
from tasks.models import Proposal, Target, User

YEAR = 2018
NPC_SESSION = "2018年市人民代表大会会议"
CPPCC_SESSION = "2018年市政协全体会议"


def _at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def _staff(assignment) -> User:
    return User.objects.filter(roles__unit=assignment.unit, roles__kind="staff").order_by("pk").first()


def build_proposals_demo() -> int:
    """Register the proposals that are missing; return how many were registered."""
    office = User.objects.get(username="office")
    created = 0
    with transaction.atomic():
        for code, builder in (("2018-013", _suggestion_18), ("2018-014", _proposal_56)):
            target = Target.objects.filter(year=YEAR, code=code).first()
            if target is None or Proposal.objects.filter(target=target).exists():
                continue
            builder(target, office)
            created += 1
    return created


def _suggestion_18(target: Target, office: User) -> None:
    with clock.replaying_at(_at("2018-04-10", 9)):
        proposal = services.register_proposal(
            target, kind=ProposalKind.NPC, number="18", session=NPC_SESSION, proposers="王某某等5名市人大代表",
            handling_mode=HandlingMode.SEPARATE, acting_user=office,
        )  # fmt: skip
    replies = [
        (AssignmentRole.CO, "2018-06-25", "2018-07-02", "已将农村公路养护资金纳入年度预算，足额拨付。"),
        (AssignmentRole.LEAD, "2018-07-05", "2018-07-09", "已出台农村公路养护管理办法，建立县乡村三级养护体系。"),
    ]
    for role, written, rated, text in replies:
        assignment = target.assignments.get(role=role)
        with clock.replaying_at(_at(written, 15)):
            reply = services.submit_reply(
                proposal, assignment=assignment, text=text, result_code=ResultCode.A, acting_user=_staff(assignment)
            )
        with clock.replaying_at(_at(rated, 11)):
            services.record_satisfaction(reply, satisfaction=Satisfaction.SATISFIED, acting_user=office)


def _proposal_56(target: Target, office: User) -> None:
    with clock.replaying_at(_at("2018-04-10", 9)):
        proposal = services.register_proposal(
            target, kind=ProposalKind.CPPCC, number="56", session=CPPCC_SESSION, proposers="李某某等3名市政协委员",
            handling_mode=HandlingMode.JOINT, acting_user=office,
        )  # fmt: skip
    lead = target.assignments.get(role=AssignmentRole.LEAD)
    co = target.assignments.get(role=AssignmentRole.CO)
    with clock.replaying_at(_at("2018-08-15", 16)):
        services.send_views(
            proposal, assignment=co, acting_user=_staff(co),
            text="建议进一步压缩企业开办时间，推行“证照分离”改革全覆盖。",
        )  # fmt: skip
    with clock.replaying_at(_at("2018-09-03", 15)):
        reply = services.submit_reply(
            proposal, assignment=lead, result_code=ResultCode.B, acting_user=_staff(lead),
            text="已会同市工商局制定优化营商环境工作方案，企业开办时间压缩至5个工作日，正在推进。",
        )  # fmt: skip
    with clock.replaying_at(_at("2018-09-12", 11)):
        services.record_satisfaction(
            reply, satisfaction=Satisfaction.UNSATISFIED, acting_user=office,
            note="委员认为涉企收费清理等具体问题未答复，要求重新办理。",
        )  # fmt: skip
