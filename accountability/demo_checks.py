"""The four checks (四查) in the demo: the office's register of checks through September 2018.

For each of the four kinds, the first demo assignment (by unit and target code) whose state on the
check's day calls for it (``selectors.checks.suggested_kinds``) gets a check with its finding, rating
and follow-up; and the two issue supervision notices the office issued by hand (平舆县 in August, 正阳县
in September) are recorded as the follow-up of the checks that found their problems. Runs after the
supervision demo, through the service at the dates it happened. Idempotent: once any check exists,
nothing is added.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import clock
from tasks.models import Assignment, User
from tasks.services import validate_and_save

from .choices import CheckFollowUp, CheckKind, CheckMethod, CheckRating, NoticeCause, NoticeKind
from .models import Check, Notice
from .selectors.checks import suggested_kinds
from .services import record_check

# kind: (day, method, rating, follow-up, finding)
PLANNED = {
    CheckKind.EFFECT: (
        dt.date(2018, 9, 20), CheckMethod.ON_SITE, CheckRating.GOOD, CheckFollowUp.NONE,
        "现场查看完成情况：任务已按要求落实，佐证材料齐全，群众反映良好，成效明显。",
    ),
    CheckKind.PROGRESS: (
        dt.date(2018, 9, 18), CheckMethod.PAPERS, CheckRating.FAIRLY_GOOD, CheckFollowUp.NONE,
        "查阅月度报告和台账：工作按倒排工期推进，当月节点已完成，个别佐证材料需补充。",
    ),
    CheckKind.CAUSE: (
        dt.date(2018, 9, 25), CheckMethod.ON_SITE, CheckRating.AVERAGE, CheckFollowUp.NONE,
        "实地查看并约谈责任人：进度滞后主要因项目资金未到位、前期手续办理慢，已要求倒排工期、限时赶上。",
    ),
    CheckKind.RESPONSIBILITY: (
        dt.date(2018, 9, 27), CheckMethod.UNANNOUNCED, CheckRating.POOR, CheckFollowUp.ACCOUNTABILITY,
        "暗访发现：多次预警后仍未采取有效措施，督查通知未按时签收、未按期回复，存在不抓落实问题，建议启动问责。",
    ),
}  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _first_calling_for(kind: str, day: dt.date, taken: set[int]) -> Assignment | None:
    issued = Assignment.objects.filter(target__year=day.year, issued_at__isnull=False).exclude(pk__in=taken)
    with clock.replaying_at(_at(day, 9)):
        kinds = suggested_kinds(issued, day)
    ordered = issued.filter(pk__in=[pk for pk, value in kinds.items() if value == kind])
    # A finished link before one only claimed (查效果 of work the office closed out).
    return ordered.order_by(
        F("closed_at").asc(nulls_last=True), "unit__sort_order", "unit__name", "target__code", "pk"
    ).first()


def _notice_checks(office) -> int:
    """The checks whose finding became the hand-issued supervision notices (already in the demo)."""
    count = 0
    by_hand = Notice.objects.filter(kind=NoticeKind.SUPERVISION, cause=NoticeCause.PROBLEM)
    for notice in by_hand.select_related("assignment").order_by("pk"):
        day = timezone.localdate(notice.issued_at)
        check = Check(
            assignment=notice.assignment, kind=CheckKind.CAUSE, method=CheckMethod.PAPERS, checked_on=day,
            finding=notice.body, rating=CheckRating.POOR, follow_up=CheckFollowUp.NOTICE, notice=notice,
            checked_by=office, created_at=notice.issued_at,
        )  # fmt: skip
        with clock.replaying_at(notice.issued_at):
            validate_and_save(check, acting_user=office, reason=check.get_kind_display())
        count += 1
    return count


def _industry_check(office, taken: set[int]) -> int:
    """A check in the industry vice-mayor's field (2018-002), so his register (我分管的) is not empty:
    the kind its state calls for on the day, with that kind's planned finding."""
    day = dt.date(2018, 9, 21)
    issued = Assignment.objects.filter(target__code="2018-002", target__year=day.year, issued_at__isnull=False)
    with clock.replaying_at(_at(day, 9)):
        kinds = suggested_kinds(issued.exclude(pk__in=taken), day)
    for assignment in issued.filter(pk__in=list(kinds)).order_by("unit__sort_order", "unit__name", "pk"):
        kind = kinds[assignment.pk]
        if kind not in PLANNED:
            continue
        _day, method, rating, follow_up, finding = PLANNED[kind]
        if follow_up != CheckFollowUp.NONE:
            continue  # a follow-up here would change the demo's notices and cases
        with clock.replaying_at(_at(day, 10)):
            record_check(
                assignment, kind=kind, method=method, rating=rating, follow_up=follow_up, finding=finding,
                checked_on=day, acting_user=office,
            )  # fmt: skip
        return 1
    return 0


def build_checks_demo() -> int:
    """The checks of the demo; the number created (0 when checks are already there)."""
    if Check.objects.exists():
        return 0
    office = User.objects.get(username="office")
    created, taken = 0, set()
    with transaction.atomic():
        created += _notice_checks(office)
        for kind, (day, method, rating, follow_up, finding) in PLANNED.items():
            assignment = _first_calling_for(kind, day, taken)
            if assignment is None:
                continue
            taken.add(assignment.pk)
            with clock.replaying_at(_at(day, 10)):
                record_check(
                    assignment, kind=kind, method=method, rating=rating, follow_up=follow_up, finding=finding,
                    checked_on=day, acting_user=office,
                )  # fmt: skip
            created += 1
        created += _industry_check(office, taken)
    return created
