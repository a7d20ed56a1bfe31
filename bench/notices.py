"""The benchmark year's five lists (五单): what the office would have issued by ``TODAY``.

Every assignment has its task notice (signed for in January). Assignments behind plan on ``TODAY``
have the open warning the scan would have left (red far behind, yellow behind, orange after an
ignored yellow) and the assignment's colour matches it; some that are on plan carry an earlier
warning closed when they caught up; closed-out assignments have their close-out notice; a share of
assignments has a (half published) exposure; supervision notices fill the count to the scale's
figure. Numbers run per kind and year without gaps, and the counters continue after them.

Ids are given here rather than by the database, so that an escalation can name the warning it
replaced and the rows can be COPYed without reading anything back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings

from accountability.choices import ClosedReason, NoticeCause, NoticeKind, NoticeStatus
from accountability.models import NoticeCounter, SupervisionRules, format_number
from core.periods import month_end
from tasks.choices import AssignmentStatus, WarningLevel

from .scales import YEAR

LOCAL = ZoneInfo(settings.TIME_ZONE)
SHARE_WITH_EARLIER_WARNING = 0.35  # of the assignments on plan


def local(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LOCAL)


def share(index: int, total: int, count: int) -> int:
    """How many of ``count`` items the ``index``-th of ``total`` slots gets, spread evenly (sums to ``count``)."""
    return (index + 1) * count // total - index * count // total


class NoticeBook:
    """Numbers, ids and rows of the year's notices, kept across the generator's chunks."""

    def __init__(self, *, first_id: int, office_id: int, today: dt.date):
        self.next_id = first_id
        self.office_id = office_id
        self.today = today
        self.serials: Counter[str] = Counter()
        self.rules = SupervisionRules()  # the defaults: the generator never changes them
        self.rows: list[dict] = []

    def add(self, kind: str, assignment, *, cause: str, title: str, issued: dt.date, status: str, **fields) -> int:
        self.serials[kind] += 1
        serial = self.serials[kind]
        notice_id = self.next_id
        self.next_id += 1
        moment = local(issued)
        row = {
            "id": notice_id,
            "kind": kind,
            "year": YEAR,
            "serial": serial,
            "number": format_number(kind, YEAR, serial),
            "title": title,
            "assignment_id": assignment.pk,
            "target_id": assignment.target_id,
            "unit_id": assignment.unit_id,
            "report_id": None,
            "cause": cause,
            "period": "",
            "level": None,
            "body": f"{title}：{assignment.target.title}",
            "required_action": "",
            "due_date": issued + dt.timedelta(days=self.rules.sign_for_days),
            "status": status,
            "issued_by_id": self.office_id,
            "issued_at": moment,
            "signed_by_id": None,
            "signed_at": None,
            "response": "",
            "responded_by_id": None,
            "responded_at": None,
            "verified_by_id": None,
            "verified_at": None,
            "verification_note": "",
            "closed_at": None,
            "closed_reason": "",
            "escalated_from_id": None,
            "is_published": False,
            "published_at": None,
            "created_at": moment,
        }
        row.update(fields)
        self.rows.append(row)
        return notice_id

    # --- one assignment ----------------------------------------------------------------------

    def task_notice(self, assignment, staff_id: int) -> None:
        issued = assignment.issued_at.astimezone(LOCAL).date()
        self.add(
            NoticeKind.TASK,
            assignment,
            cause=NoticeCause.ASSIGNMENT_ISSUED,
            title="任务告知单",
            issued=issued,
            status=NoticeStatus.CLOSED,
            signed_by_id=staff_id,
            signed_at=assignment.signed_at,
            closed_at=assignment.signed_at,
            closed_reason=ClosedReason.SIGNED_FOR,
        )

    def close_out_notice(self, assignment, staff_id: int) -> None:
        closed = assignment.closed_at.astimezone(LOCAL).date()
        self.add(
            NoticeKind.CLOSE_OUT,
            assignment,
            cause=NoticeCause.VERIFIED,
            title="任务销号单",
            issued=closed,
            status=NoticeStatus.CLOSED,
            signed_by_id=staff_id,
            signed_at=local(closed + dt.timedelta(days=1)),
            closed_at=local(closed + dt.timedelta(days=1)),
            closed_reason=ClosedReason.SIGNED_FOR,
        )

    def warnings(self, assignment, rng, staff_id: int) -> None:
        """The open warning of a lagging assignment (its colour set to match), or an earlier closed one."""
        lag = assignment.planned_when_reported - assignment.progress_percent
        node = (
            month_end(self.today)
            if month_end(self.today) == self.today
            else month_end(self.today.replace(day=1) - dt.timedelta(days=1))
        )
        open_statuses = (NoticeStatus.ISSUED, NoticeStatus.SIGNED)
        if assignment.status != AssignmentStatus.CLOSED and lag >= self.rules.yellow_lag_points:
            if lag > self.rules.red_lag_points:
                level, cause, period = WarningLevel.RED, NoticeCause.FAR_BEHIND, node.isoformat()
                issued = node + dt.timedelta(days=1) if node < self.today else node
                escalated_from = None
            elif rng.random() < 0.3:
                # A yellow a month and a half ago, not acted on: now orange.
                yellow_on = node - dt.timedelta(days=45)
                escalated_on = yellow_on + dt.timedelta(days=self.rules.yellow_catch_up_days + 1)
                escalated_from = self._warning(
                    assignment, WarningLevel.YELLOW, NoticeCause.BEHIND_PLAN, month_end(yellow_on).isoformat(),
                    yellow_on, NoticeStatus.CLOSED, staff_id, closed=escalated_on, closed_reason=ClosedReason.ESCALATED,
                )  # fmt: skip
                level, cause, period, issued = (
                    WarningLevel.ORANGE,
                    NoticeCause.NOT_ACTED,
                    str(escalated_from),
                    escalated_on,
                )
            else:
                level, cause, period = WarningLevel.YELLOW, NoticeCause.BEHIND_PLAN, node.isoformat()
                issued = node + dt.timedelta(days=1) if node < self.today else node
                escalated_from = None
            status = open_statuses[rng.random() < 0.6]
            self._warning(assignment, level, cause, period, issued, status, staff_id, escalated_from_id=escalated_from)
            assignment.warning_level = level
        elif rng.random() < SHARE_WITH_EARLIER_WARNING:
            month = rng.randint(3, 7)
            node_due = month_end(dt.date(YEAR, month, 1))
            level = (WarningLevel.YELLOW, WarningLevel.YELLOW, WarningLevel.RED)[rng.randint(0, 2)]
            cause = NoticeCause.BEHIND_PLAN if level == WarningLevel.YELLOW else NoticeCause.FAR_BEHIND
            issued = node_due + dt.timedelta(days=1)
            self._warning(
                assignment, level, cause, node_due.isoformat(), issued, NoticeStatus.CLOSED, staff_id,
                closed=issued + dt.timedelta(days=rng.randint(10, 25)), closed_reason=ClosedReason.CAUGHT_UP,
            )  # fmt: skip

    def _warning(
        self, assignment, level, cause, period, issued, status, staff_id, *, closed=None, closed_reason="", **extra
    ):
        days = {
            WarningLevel.YELLOW: self.rules.yellow_catch_up_days,
            WarningLevel.ORANGE: self.rules.orange_catch_up_days,
        }
        signed = local(issued + dt.timedelta(days=1), 10) if status != NoticeStatus.ISSUED else None
        return self.add(
            NoticeKind.WARNING,
            assignment,
            cause=cause,
            title=f"进度预警单（{WarningLevel(level).label}）",
            issued=issued,
            status=status,
            level=level,
            period=period,
            due_date=issued + dt.timedelta(days=days.get(level, self.rules.red_response_days)),
            signed_by_id=None if signed is None else staff_id,
            signed_at=signed,
            closed_at=None if closed is None else local(closed, 8),
            closed_reason=closed_reason,
            **extra,
        )

    def exposure(self, assignment, rng, staff_id: int, published: bool) -> None:
        issued = dt.date(YEAR, rng.randint(4, 8), rng.randint(1, 28))
        self.add(
            NoticeKind.EXPOSURE,
            assignment,
            cause=NoticeCause.MANUAL,
            title="落实情况曝光单",
            issued=issued,
            status=NoticeStatus.CLOSED,
            due_date=issued + dt.timedelta(days=self.rules.red_response_days),
            response="已整改到位",
            responded_by_id=staff_id,
            responded_at=local(issued + dt.timedelta(days=5)),
            verified_by_id=self.office_id,
            verified_at=local(issued + dt.timedelta(days=8)),
            closed_at=local(issued + dt.timedelta(days=8)),
            closed_reason=ClosedReason.VERIFIED,
            is_published=published,
            published_at=local(issued + dt.timedelta(days=1)) if published else None,
        )

    def supervision(self, assignment, rng, staff_id: int) -> None:
        issued = dt.date(YEAR, rng.randint(2, 9), rng.randint(1, 28))
        issued = min(issued, self.today)
        answered = rng.random() < 0.7
        self.add(
            NoticeKind.SUPERVISION,
            assignment,
            cause=NoticeCause.FINDING,
            title="问题督查单",
            issued=issued,
            status=NoticeStatus.CLOSED if answered else NoticeStatus.SIGNED,
            due_date=issued + dt.timedelta(days=self.rules.supervision_due_days),
            signed_by_id=staff_id,
            signed_at=local(issued + dt.timedelta(days=1)),
            response="已按要求整改" if answered else "",
            responded_by_id=staff_id if answered else None,
            responded_at=local(issued + dt.timedelta(days=6)) if answered else None,
            closed_at=local(issued + dt.timedelta(days=9)) if answered else None,
            closed_reason=ClosedReason.VERIFIED if answered else "",
        )

    def take_rows(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows

    def save_counters(self) -> None:
        NoticeCounter.objects.bulk_create(
            [NoticeCounter(kind=kind, year=YEAR, last_serial=serial) for kind, serial in sorted(self.serials.items())]
        )


def planned_counts(assignments: int, notices: int) -> dict[str, int]:
    """Close-outs and exposures are a fixed share of the notices beyond the task notices."""
    beyond = max(0, notices - assignments)
    return {"close_out": beyond * 3 // 80, "exposure": beyond // 40}
