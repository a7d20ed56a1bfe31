"""Fair lateness and lists that end, in the 2018 demo (replayed inside ``accountability.demo``).

On 2018-09-30 the demo shows: 市发改委's staff (staff_fgw) filed its September and third-quarter
reports on 09-26, on time; its head (head_fgw) sat on them past the two working days he has
(负责人未审批: the warnings of 09-29, the digest and the points name the head, not the clerk), then
returned one on 09-29 with a refile-by date after the National Day holiday. 驿城区's August report,
returned by the office and refiled within its date, is not late. Of the problems units reported
(待督查问题), 平舆县's is resolved, one is merged into the earlier problem on the same target, the
rest are open.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core import clock
from tasks import services as ledger
from tasks.choices import ReportStatus
from tasks.demo import DEMO_DATE
from tasks.models import ProgressReport, User

from . import services
from .selectors.notices import open_problems


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _head_returns(office) -> None:
    """head_fgw sends one September report back to staff_fgw; the others wait for him."""
    head = User.objects.filter(username="head_fgw").first()
    waiting = ProgressReport.objects.filter(
        assignment__unit__name="市发改委", period="2018-09", status=ReportStatus.PENDING_APPROVAL
    ).order_by("assignment__target__code")
    report = waiting.first()
    if head is None or report is None or waiting.count() < 2:
        return
    with clock.replaying_at(_at(dt.date(2018, 9, 29), 17)):
        ledger.return_report(
            report, acting_user=head, reason="请补充本月重点项目开工清单和投资完成佐证材料后重新报送。"
        )


def _problems_closed(office) -> None:
    """The office ends two problems of the list: one resolved, one merged into an earlier one."""
    problems = list(open_problems(office))
    with clock.replaying_at(_at(DEMO_DATE, 11)):
        resolved = next((report for report in problems if report.assignment.unit.name == "平舆县"), None)
        if resolved is not None:
            services.resolve_problem(
                resolved,
                reason="经督查整改，该县重点项目前期手续已全部办结，问题已解决。",
                acting_user=office,
            )
        by_target: dict[int, list[ProgressReport]] = {}
        for report in problems:
            if report is not resolved:
                by_target.setdefault(report.assignment.target_id, []).append(report)
        pair = next((rows for rows in by_target.values() if len(rows) >= 2), None)
        if pair:
            earlier, later = pair[0], pair[1]
            services.merge_problem(
                later,
                into=earlier,
                reason=f"与{earlier.assignment.unit}反映的问题相同，并入统一督办。",
                acting_user=office,
            )


FAIRNESS_ACTIONS = {
    dt.date(2018, 9, 29): [_head_returns],
    DEMO_DATE: [_problems_closed],
}
