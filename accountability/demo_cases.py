"""The demo's accountability cases (问责): one waiting for its leader, one the leader approved."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core import clock
from tasks.choices import WarningLevel
from tasks.demo import DEMO_DATE
from tasks.models import Role, User

from .choices import CheckKind, NoticeKind
from .models import AccountabilityCase, Check, Notice
from .services import record_check
from .services.cases import approver_for, decide_case, ensure_starting_measures, propose_case


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_cases_demo() -> int:
    if AccountabilityCase.objects.exists():
        return 0
    office = User.objects.get(username="office")
    # A red warning on a target whose leader logs in, so that he can decide the case.
    reds = Notice.objects.filter(kind=NoticeKind.WARNING, level=WarningLevel.RED, target__leader__roles__isnull=False)
    red = reds.select_related("assignment__target").order_by("pk").first()
    if red is None:
        return 0
    measures = ensure_starting_measures()
    with clock.replaying_at(_at(DEMO_DATE, 10)):
        # The register's 查责任 check (demo_checks) proposed 问责: this is the case it became.
        check = Check.objects.filter(kind=CheckKind.RESPONSIBILITY).order_by("pk").first() or record_check(
            red.assignment,
            kind=CheckKind.RESPONSIBILITY,
            finding="红色预警后仍未按期整改，分管负责人督促不力。",
            acting_user=office,
            checked_on=DEMO_DATE,
        )
        propose_case(
            check=check,
            measure=measures["通报批评"],
            facts="经查，该单位收到红色预警后未按期整改，分管负责人督促不力，建议通报批评。",
            persons=check.assignment.unit.people.filter(is_active=True)[:1],
            acting_user=office,
        )
        approved = propose_case(
            notice=red,
            measure=measures["约谈"],
            facts="该单位被下发红色进度预警单，进度严重滞后，建议约谈单位主要负责人。",
            acting_user=office,
        )
    leader = approver_for(red.assignment)
    role = Role.objects.filter(leader=leader).select_related("user").first()
    if role is not None:
        with clock.replaying_at(_at(DEMO_DATE, 15)):
            decide_case(approved, approve=True, note="同意约谈。", acting_user=role.user)
    return 2
