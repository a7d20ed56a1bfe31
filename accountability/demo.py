"""The five lists in the 2018 demo: what the office and the scan would have issued through the year.

Runs after ``tasks.demo.build_demo`` and replays the year day by day: the scan as of every morning
from the day after the plenary meeting to the demo date (so warnings, escalations, step-downs,
close-outs and exposure candidates carry the dates they would have had), units signing for and
answering their notices, and the office issuing two issue-supervision notices by hand and
approving one exposure. Idempotent: task notices have their natural key, and the replay only runs on
a database the scan has never run on.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core import clock
from core.access import RoleKind
from core.periods import Frequency, periods_between
from tasks.demo import DEMO_DATE
from tasks.models import Assignment, Milestone, ProgressReport, Target, Unit, User
from tasks.services import refresh_planned_progress

from . import services
from .choices import NoticeKind, NoticeStatus
from .demo_fairness import FAIRNESS_ACTIONS
from .demo_task_life import TASK_LIFE_ACTIONS
from .models import Notice
from .scan import last_scanned_day, run_scan
from .scan.conditions import filed_reports

FIRST_SCAN = dt.date(2018, 4, 11)
ONE_DAY = dt.timedelta(days=1)
# Units that sign for their notices the same day, and those that also answer warnings at once.
SLOW_SIGNERS = {"正阳县"}
ANSWERING_UNITS = {"平舆县", "上蔡县"}
# Reminder digests only for the last days, so that inboxes look like a working week, not a year.
DIGEST_DAYS = 3


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _liaison(unit) -> User:
    return User.objects.filter(roles__unit=unit, roles__kind=RoleKind.STAFF).order_by("pk").first()


def build_supervision_demo() -> dict[str, int]:
    office = User.objects.get(username="office")
    issued = _task_notices(office)
    if last_scanned_day() is not None:
        return {"task_notices": issued, "scans": 0}
    pending, scans = _event_days(), 0
    day = FIRST_SCAN
    while day is not None:
        run_scan(day, reminders=(DEMO_DATE - day).days < DIGEST_DAYS)
        scans += 1
        _units_act(day)
        for action in OFFICE_ACTIONS.get(day, ()):
            action(office)
        # A warning escalates the day after its catch-up date.
        pending.update(due + ONE_DAY for due in Notice.objects.open().values_list("due_date", flat=True) if due)
        day = min((d for d in pending if day < d <= DEMO_DATE), default=None)
    refresh_planned_progress(day=DEMO_DATE)  # plans the replayed extensions moved, as of the demo date
    _instructions()
    return {"task_notices": issued, "scans": scans}


# 批示 (leader, target, units, written, due, text, answered on): one answered in time, one overdue
# and unanswered (the mayor's note on 正阳县, which 驿城区 on the same target must not see), one not yet due.
DEMO_INSTRUCTIONS = [
    ("mayor", "2018-003", ["平舆县"], dt.date(2018, 9, 10), dt.date(2018, 9, 20),
     "平舆县要加快项目开工，9月20日前报告落实情况。", dt.date(2018, 9, 18)),
    ("mayor", "2018-003", ["正阳县"], dt.date(2018, 9, 20), dt.date(2018, 9, 27),
     "正阳县固定资产投资严重滞后，要专题研究、限期整改，一周内报告落实情况。", None),
    ("vmayor_industry", "2018-002", ["驿城区", "开发区"], dt.date(2018, 9, 26), dt.date(2018, 10, 10),
     "要盯紧重点企业产能释放，确保四季度工业增速回升。", None),
]  # fmt: skip


def _instructions() -> None:
    """Written after the replayed scans: the overdue one gives the next scan its reason to warn."""
    for login, code, unit_names, written, due, text, answered_on in DEMO_INSTRUCTIONS:
        leader = User.objects.filter(username=login).first()
        target = Target.objects.filter(code=code).first()
        units = list(Unit.objects.filter(name__in=unit_names))
        if leader is None or target is None or len(units) != len(unit_names):
            continue
        with clock.replaying_at(_at(written, 17)):
            instruction = services.issue_instruction(
                target=target, text=text, due_date=due, units=units, acting_user=leader
            )
        if answered_on:
            with clock.replaying_at(_at(answered_on, 11)):
                for unit in units:
                    services.answer_instruction(
                        instruction, unit=unit, acting_user=_liaison(unit),
                        text="已召开专题推进会，逐项落实开工条件，新开工项目3个。",
                    )  # fmt: skip


def _event_days() -> set[dt.date]:
    """The days on which the scan's answer can differ from the day before's: a plan node falls due, a
    report reaches the office or falls overdue, a deadline passes, an assignment changes state, the
    office acts, and the last days before the demo date (reminders). Scanning only these days gives
    the same notices as scanning every day, in a fraction of the time."""
    days = set(Milestone.objects.values_list("due_date", flat=True))
    for reached in filed_reports(_at(DEMO_DATE, 23)).values_list("reached_office_at", flat=True):
        days.update({timezone.localdate(reached), timezone.localdate(reached) + ONE_DAY})
    for changed in Assignment.history.values_list("history_date", flat=True):
        days.update({timezone.localdate(changed), timezone.localdate(changed) + ONE_DAY})
    for frequency in Frequency.values:
        days.update(period.due + ONE_DAY for period in periods_between(FIRST_SCAN, DEMO_DATE, frequency))
    days.update(deadline + ONE_DAY for deadline in Assignment.objects.values_list("deadline", flat=True))
    days.update(OFFICE_ACTIONS)
    days.update(DEMO_DATE - dt.timedelta(days=back) for back in range(DIGEST_DAYS))
    return {day for day in days if FIRST_SCAN <= day <= DEMO_DATE}


def _task_notices(office) -> int:
    """Each assignment's task notice, issued at the moment the assignment was."""
    missing = Assignment.objects.exclude(notices__kind=NoticeKind.TASK).filter(issued_at__isnull=False)
    count = 0
    for moment in sorted(set(missing.values_list("issued_at", flat=True))):
        with clock.replaying_at(moment):
            ids = list(missing.filter(issued_at=moment).values_list("pk", flat=True))
            count += len(services.issue_task_notices(ids, acting_user=office))
    return count


def _units_act(day: dt.date) -> None:
    """Most units sign for the day's notices within hours; some answer their warnings at once."""
    fresh = Notice.objects.filter(
        status=NoticeStatus.ISSUED, issued_at__date=day, kind__in=[NoticeKind.WARNING, NoticeKind.CLOSE_OUT]
    ).select_related("unit")
    for notice in fresh.exclude(unit__name__in=SLOW_SIGNERS).order_by("pk"):
        person = _liaison(notice.unit)
        with clock.replaying_at(_at(day, 10, 30)):
            if notice.kind == NoticeKind.WARNING and notice.unit.name in ANSWERING_UNITS:
                services.answer_notice(
                    notice,
                    acting_user=person,
                    response="已召开专题会议分析滞后原因，倒排工期，明确责任人，每周调度一次，确保按期赶上计划进度。",
                )
            else:
                services.sign_for_notice(notice, acting_user=person)


def _problem_report(unit_name: str, code: str, period: str) -> ProgressReport:
    return ProgressReport.objects.select_related("assignment").get(
        assignment__unit__name=unit_name, assignment__target__code=code, period=period
    )


def _supervise_pingyu(office) -> None:
    report = _problem_report("平舆县", "2018-003", "2018-07")
    with clock.replaying_at(_at(dt.date(2018, 8, 6), 9)):
        services.issue_supervision(
            report.assignment,
            report=report,
            acting_user=office,
            problem=f"你县7月报告反映：{report.problems}投资项目前期手续办理滞后，影响全市固定资产投资进度。",
            required_action="请于8月31日前完成重点项目前期手续办理，书面报告整改情况。",
            due_date=dt.date(2018, 8, 31),
        )


def _pingyu_answers(office) -> None:
    notice = Notice.objects.get(kind=NoticeKind.SUPERVISION, unit__name="平舆县")
    with clock.replaying_at(_at(dt.date(2018, 8, 24), 15)):
        services.answer_notice(
            notice,
            acting_user=_liaison(notice.unit),
            response="已开辟审批绿色通道，8个重点项目前期手续全部办结，项目已开工建设。",
        )


def _pingyu_verified(office) -> None:
    notice = Notice.objects.get(kind=NoticeKind.SUPERVISION, unit__name="平舆县")
    with clock.replaying_at(_at(dt.date(2018, 8, 28), 11)):
        services.verify_answer(notice, acting_user=office, accepted=True, note="经现场核查，整改到位。")


def _supervise_zhengyang(office) -> None:
    report = _problem_report("正阳县", "2018-003", "2018-08")
    with clock.replaying_at(_at(dt.date(2018, 9, 5), 9)):
        notice = services.issue_supervision(
            report.assignment,
            report=report,
            acting_user=office,
            problem=f"你县8月报告反映：{report.problems}固定资产投资完成率严重滞后于计划。",
            required_action="请于10月15日前解决征地拆迁和资金到位问题，书面报告整改结果及责任追究情况。",
            due_date=dt.date(2018, 10, 15),
        )
    with clock.replaying_at(_at(dt.date(2018, 9, 7), 16)):
        services.sign_for_notice(notice, acting_user=_liaison(notice.unit))


def _approve_first_exposure(office) -> None:
    """The mayor approves the earliest candidate (the office prepares, a leader approves) and leaves
    the rest for the user to decide."""
    candidates = list(Notice.objects.filter(kind=NoticeKind.EXPOSURE, status=NoticeStatus.PROPOSED).order_by("pk"))
    if len(candidates) < 2:
        return
    with clock.replaying_at(_at(DEMO_DATE, 15)):
        mayor = User.objects.get(username="mayor")
        services.approve_exposure(candidates[0], acting_user=mayor, note="经研究，同意曝光。")


OFFICE_ACTIONS = {
    dt.date(2018, 8, 6): [_supervise_pingyu],
    dt.date(2018, 8, 24): [_pingyu_answers],
    dt.date(2018, 8, 28): [_pingyu_verified],
    dt.date(2018, 9, 5): [_supervise_zhengyang],
    DEMO_DATE: [_approve_first_exposure],
}
# The end of tasks' lives (claims, close-out, redo, extensions), on their days after the office's own.
for _day, _steps in [*TASK_LIFE_ACTIONS.items(), *FAIRNESS_ACTIONS.items()]:
    OFFICE_ACTIONS[_day] = [*OFFICE_ACTIONS.get(_day, []), *_steps]
