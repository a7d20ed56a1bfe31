"""Which events earn or cost points: one set-based query per rule (per period for missing reports).

Each finder returns drafts of the entries still to be written between ``since`` and ``up_to``.
A finder never asks the database once per row: it selects its candidates in one query, already
without those scored before (``NOT EXISTS`` on the ledger), and the unique constraint on
rule × cause catches whatever a concurrent run added in between. Reasons are written in the
office's language when the entry is made: the ledger is a record, like a notice's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import add_months, periods_between
from tasks.choices import (
    AssignmentRole,
    AssignmentStatus,
    Direction,
    ReplyKind,
    ReportStatus,
    Satisfaction,
    TargetStatus,
    WarningLevel,
)
from tasks.judgment import lateness
from tasks.models import Assignment, ProgressReport, ProposalReply, ReportTimeLimits, Target

from ..choices import NoticeCause, NoticeKind, NoticeStatus, RuleCode
from ..constants import EARLY_MONTHS, OVER_TARGET_RATIO
from ..models import Notice, ScoreEntry
from ..rulebook import end_of, start_of

TITLE_LENGTH = 60


@dataclass
class EntryDraft:
    """An entry the job is about to write (its amount comes from the rule book at ``occurred_on``)."""

    code: str
    unit_id: int
    occurred_on: dt.date
    reason: str
    cause_key: str
    links: dict = field(default_factory=dict)


def _title(target: Target) -> str:
    title = target.title
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _grace() -> int:
    return settings.ZMD_REPORT_MISSING_AFTER_DAYS


def late_reports(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """迟报: the unit's staff filed the report after its due date, within the grace days (else: missing).

    Lateness is the staff's filing (``filed_at``): a head's late approval is not the clerk's lateness
    (it has its rule, 负责人审批超时), and a returned report refiled by its date keeps its first filing.
    """
    reports = (
        ProgressReport.objects.filter(status__in=lateness.CLERK_FILED_STATUSES, filed_at__isnull=False)
        .annotate(reached_on=TruncDate("filed_at"))
        .filter(reached_on__gt=F("due_date"), reached_on__gte=since, reached_on__lte=up_to)
        .exclude(Exists(ScoreEntry.objects.filter(report=OuterRef("pk"), rule__code=RuleCode.REPORT_LATE)))
        .select_related("assignment__target")
    )
    drafts = []
    for report in reports:
        days = (report.reached_on - report.due_date).days
        if days > _grace():
            continue
        target = report.assignment.target
        drafts.append(
            EntryDraft(
                RuleCode.REPORT_LATE,
                report.assignment.unit_id,
                report.reached_on,
                _("Report for %(period)s on “%(target)s” filed %(days)s day(s) after its due date %(due)s")
                % {"period": report.period, "target": _title(target), "days": days, "due": report.due_date},
                f"report:{report.pk}",
                {"report_id": report.pk, "assignment_id": report.assignment_id, "target_id": target.pk},
            )
        )
    return drafts


def head_approvals_late(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """负责人审批超时: a unit head approved a report after the office's limit, or still sits on it.

    Scored once per report on the first day past the limit, under its own rule (default 0 points:
    then nothing is written), never as the clerk's 迟报 or 未报送.
    """
    limits = ReportTimeLimits.current()
    scored = ScoreEntry.objects.filter(report=OuterRef("pk"), rule__code=RuleCode.HEAD_APPROVAL_LATE)
    end = end_of(up_to)
    # Working days are never fewer than calendar days: only reports held longer than that may be late.
    held_long = Q(approved_at__gt=F("submitted_at") + dt.timedelta(days=limits.head_approval_days)) | Q(
        status=ReportStatus.PENDING_APPROVAL, submitted_at__lt=end - dt.timedelta(days=limits.head_approval_days)
    )
    reports = list(
        ProgressReport.objects.filter(submitted_at__isnull=False, submitted_at__lt=end)
        .filter(held_long)
        .exclude(Exists(scored))
        .select_related("assignment__target", "approved_by")
    )
    if not reports:
        return []
    calendar = lateness.WorkingCalendar.load()
    drafts = []
    for report in reports:
        due = lateness.approval_due(report, calendar, limits.head_approval_days)
        late_on = due + dt.timedelta(days=1)
        if not since <= late_on <= up_to or not lateness.head_late_on(
            report, up_to, calendar, limits.head_approval_days
        ):
            continue
        target = report.assignment.target
        drafts.append(
            EntryDraft(
                RuleCode.HEAD_APPROVAL_LATE,
                report.assignment.unit_id,
                late_on,
                _("Report for %(period)s on “%(target)s”, filed on %(filed)s, not approved by the unit head by %(due)s")
                % {
                    "period": report.period,
                    "target": _title(target),
                    "filed": lateness.local_day(report.submitted_at),
                    "due": due,
                },
                f"report:{report.pk}",
                {"report_id": report.pk, "assignment_id": report.assignment_id, "target_id": target.pk},
            )
        )
    return drafts


def missing_reports(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """A period whose report had not reached the office by the end of the grace days.

    The entry is dated the first day after the grace, when the report became missing. A unit owes
    reports while its assignment was issued and not yet closed out on the due date, within the
    target's time, and until it has reported its part complete.
    """
    grace = dt.timedelta(days=_grace())
    years = {since.year, up_to.year}
    frequencies = (
        Target.objects.filter(year__in=years)
        .exclude(status=TargetStatus.DRAFT)
        .values_list("report_frequency", flat=True)
        .distinct()
    )
    drafts = []
    for frequency in sorted(frequencies):
        for period in periods_between(since - grace - dt.timedelta(days=1), up_to, frequency):
            missing_on = period.due + grace + dt.timedelta(days=1)
            if not since <= missing_on <= up_to:
                continue
            drafts.extend(_missing_in(period, frequency, missing_on))
    return drafts


def _missing_in(period, frequency: str, missing_on: dt.date) -> list[EntryDraft]:
    due_end = end_of(period.due)
    # Filed by the unit's staff in time, whatever its head did with it (负责人未审批 is not 未报送).
    filed_in_time = ProgressReport.objects.filter(assignment=OuterRef("pk"), period=period.key).filter(
        lateness.clerk_filed(start_of(missing_on))
    )
    done_before = ProgressReport.objects.filter(
        assignment=OuterRef("pk"), status=ReportStatus.ACCEPTED, progress_percent__gte=100, period_end__lt=period.start
    )
    scored = ScoreEntry.objects.filter(assignment=OuterRef("pk"), period=period.key, rule__code=RuleCode.REPORT_MISSING)
    assignments = (
        Assignment.objects.filter(
            target__report_frequency=frequency,
            issued_at__lt=due_end,
            target__start_date__lte=period.end,
            deadline__gte=period.start,
        )
        .exclude(status=AssignmentStatus.DRAFT)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=due_end))
        .exclude(Exists(filed_in_time))
        .exclude(Exists(done_before))
        .exclude(Exists(scored))
        .select_related("target")
    )
    return [
        EntryDraft(
            RuleCode.REPORT_MISSING,
            assignment.unit_id,
            missing_on,
            _("Report for %(period)s on “%(target)s” not filed within %(grace)s days of its due date %(due)s")
            % {"period": period.key, "target": _title(assignment.target), "grace": _grace(), "due": period.due},
            f"assignment:{assignment.pk}:{period.key}",
            {"assignment_id": assignment.pk, "target_id": assignment.target_id, "period": period.key},
        )
        for assignment in assignments
    ]


def _over_target(assignment: Assignment) -> bool:
    goal, actual = assignment.goal_value, assignment.actual_value
    if not assignment.reports_value or goal is None or actual is None:
        return False
    if assignment.target.direction == Direction.HIGHER:
        return actual >= goal * OVER_TARGET_RATIO
    return actual <= goal * (2 - OVER_TARGET_RATIO)


COMPLETION_RULES = (RuleCode.COMPLETED_LEAD, RuleCode.COMPLETED_CO, RuleCode.EARLY_OR_OVER)


def completions(since: dt.date, up_to: dt.date, *, assignment_ids=None) -> list[EntryDraft]:
    """Closed-out (销号) assignments: the lead or co-unit bonus, and the bonus for finishing early
    (closed out a month or more before the deadline) or well over the goal.

    A close-out returned for redo (退回重办) had its entries reversed; closed out again, it earns
    them again under a cause of its own (``assignment:5:redo1``).
    """
    completion_rules = [RuleCode.COMPLETED_LEAD, RuleCode.COMPLETED_CO]
    completion_entries = ScoreEntry.objects.filter(assignment=OuterRef("pk"), rule__code__in=completion_rules)
    redone = (
        completion_entries.filter(reversal__isnull=False)
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assignments = (
        Assignment.objects.filter(
            status=AssignmentStatus.CLOSED, closed_at__gte=start_of(since), closed_at__lt=end_of(up_to)
        )
        .exclude(Exists(completion_entries.filter(reversal__isnull=True)))
        .annotate(redone=Coalesce(Subquery(redone), 0))
        .select_related("target")
    )
    if assignment_ids is not None:
        assignments = assignments.filter(pk__in=list(assignment_ids))
    drafts = []
    for assignment in assignments:
        target, day = assignment.target, _local_date(assignment.closed_at)
        links = {"assignment_id": assignment.pk, "target_id": target.pk}
        key = f"assignment:{assignment.pk}" + (f":redo{assignment.redone}" if assignment.redone else "")
        if assignment.role == AssignmentRole.LEAD:
            code, text = RuleCode.COMPLETED_LEAD, _("Completed “%(target)s” as lead unit (closed out on %(day)s)")
        else:
            code, text = RuleCode.COMPLETED_CO, _("Completed “%(target)s” as co-unit (closed out on %(day)s)")
        drafts.append(
            EntryDraft(code, assignment.unit_id, day, text % {"target": _title(target), "day": day}, key, links)
        )
        early = day <= add_months(assignment.deadline, -EARLY_MONTHS)
        if early or _over_target(assignment):
            if early:
                reason = _("Finished “%(target)s” on %(day)s, a month or more before the deadline %(deadline)s") % {
                    "target": _title(target),
                    "day": day,
                    "deadline": assignment.deadline,
                }
            else:
                reason = _("Finished “%(target)s” at %(actual)s against a goal of %(goal)s %(unit)s") % {
                    "target": _title(target),
                    "actual": f"{assignment.actual_value.normalize():f}",
                    "goal": f"{assignment.goal_value.normalize():f}",
                    "unit": target.measure_unit,
                }
            drafts.append(EntryDraft(RuleCode.EARLY_OR_OVER, assignment.unit_id, day, reason, key, links))
    return drafts


def unsatisfied_replies(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """A proposal reply the proposer found unsatisfactory (recorded by the office)."""
    replies = (
        ProposalReply.objects.filter(
            kind=ReplyKind.REPLY,
            satisfaction=Satisfaction.UNSATISFIED,
            satisfaction_recorded_at__gte=start_of(since),
            satisfaction_recorded_at__lt=end_of(up_to),
        )
        .exclude(
            Exists(ScoreEntry.objects.filter(proposal_reply=OuterRef("pk"), rule__code=RuleCode.PROPOSAL_UNSATISFIED))
        )
        .select_related("assignment", "proposal__target")
    )
    drafts = []
    for reply in replies:
        proposal = reply.proposal
        drafts.append(
            EntryDraft(
                RuleCode.PROPOSAL_UNSATISFIED,
                reply.assignment.unit_id,
                _local_date(reply.satisfaction_recorded_at),
                _("Reply to proposal no. %(number)s “%(target)s” (round %(round)s) found unsatisfactory")
                % {"number": proposal.number, "target": _title(proposal.target), "round": reply.round},
                f"reply:{reply.pk}",
                {
                    "proposal_reply_id": reply.pk,
                    "assignment_id": reply.assignment_id,
                    "target_id": proposal.target_id,
                },
            )
        )
    return drafts


WARNING_RULES = {
    WarningLevel.YELLOW: RuleCode.WARNING_YELLOW,
    WarningLevel.ORANGE: RuleCode.WARNING_ORANGE,
    WarningLevel.RED: RuleCode.WARNING_RED,
}
# A candidate the office has not approved, or one it refused, was never issued to the unit.
_NEVER_ISSUED = (NoticeStatus.PROPOSED, NoticeStatus.DISMISSED)


def _issued_notices(kind: str, since: dt.date, up_to: dt.date, rule_codes):
    """Notices of ``kind`` issued to a unit between the two days and not yet scored under ``rule_codes``."""
    return (
        Notice.objects.filter(kind=kind, issued_at__gte=start_of(since), issued_at__lt=end_of(up_to))
        .exclude(status__in=_NEVER_ISSUED)
        .exclude(Exists(ScoreEntry.objects.filter(notice=OuterRef("pk"), rule__code__in=rule_codes)))
        .select_related("target")
        .order_by("issued_at", "pk")
    )


def _notice_draft(code: str, notice: Notice, reason: str) -> EntryDraft:
    return EntryDraft(
        code,
        notice.unit_id,
        _local_date(notice.issued_at),
        reason,
        f"notice:{notice.pk}",
        {"notice_id": notice.pk, "assignment_id": notice.assignment_id, "target_id": notice.target_id},
    )


def warnings_issued(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """A progress warning (进度预警单) issued to the unit: yellow, orange or red, each notice once.

    A yellow that replaces a red because the unit caught up (stepped down) costs nothing: it marks
    an improvement, and the red it replaces has already been scored. A warning for a head's late
    approval (负责人未审批) costs nothing here either: the head's delay has its own rule.
    """
    notices = _issued_notices(NoticeKind.WARNING, since, up_to, list(WARNING_RULES.values())).exclude(
        cause__in=[NoticeCause.STEPPED_DOWN, NoticeCause.HEAD_LATE]
    )
    return [
        _notice_draft(
            WARNING_RULES[WarningLevel(notice.level)],
            notice,
            _("%(level)s warning %(number)s on “%(target)s” (%(cause)s)")
            % {
                "level": WarningLevel(notice.level).label,
                "number": notice.number,
                "target": _title(notice.target),
                "cause": notice.get_cause_display(),
            },
        )
        for notice in notices
        if notice.level in WARNING_RULES
    ]


def exposures(since: dt.date, up_to: dt.date) -> list[EntryDraft]:
    """An exposure notice (落实情况曝光单) the office approved and published, dated on its approval."""
    notices = _issued_notices(NoticeKind.EXPOSURE, since, up_to, [RuleCode.EXPOSURE])
    return [
        _notice_draft(
            RuleCode.EXPOSURE,
            notice,
            _("Exposure %(number)s on “%(target)s” approved and published")
            % {"number": notice.number, "target": _title(notice.target)},
        )
        for notice in notices
    ]


FINDERS = (
    late_reports,
    head_approvals_late,
    missing_reports,
    warnings_issued,
    exposures,
    completions,
    unsatisfied_replies,
)
