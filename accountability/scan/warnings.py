"""Progress warnings (进度预警单): issue, escalate, step down and close them as the plan is kept or not.

An assignment has at most one open warning (a unique constraint says so). Each day the scan compares
the assignment's condition with its open warning:

- no warning and lagging → a yellow (10–30 points behind, or a report missing) or a red (more than
  30 points behind, or past the deadline);
- condition back on plan → the warning closes (the unit caught up);
- condition red under a yellow or orange → a red replaces it;
- a red given for the lag or the deadline, now only yellow → a yellow replaces it (steps down);
- a yellow or orange still open after its catch-up date → the next colour replaces it.

Acting on a warning means catching up with the plan by its date: an answer alone does not stop the
escalation. Every new warning has its natural key (assignment, cause, period); a key already used
is never issued again, and then the open warning stays as it is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import clock
from core.id_lists import AnyOf
from core.periods import period_from_key
from tasks.choices import WarningLevel
from tasks.judgment import lateness
from tasks.models import Assignment
from tasks.services.warning_levels import set_warning_levels, write_warning_levels

from ..choices import UNKEYED_CAUSES, ClosedReason, NoticeCause, NoticeKind
from ..models import Notice, SupervisionRules, SupervisionRun
from ..services import notice_texts
from ..services.notices import close_notices, draft_notice, drafting_at, save_issued
from ..services.numbering import lock_counter
from .conditions import AsOf, condition_level, lagging_conditions, overdue_instruction_assignments

# Reds given for a condition (not for ignoring a warning) step down when the condition eases.
CONDITION_REDS = (NoticeCause.FAR_BEHIND, NoticeCause.OVERDUE)
CLOSE_REASONS_TEXT = {
    ClosedReason.CAUGHT_UP: _("Caught up with the plan"),
    ClosedReason.ESCALATED: _("Raised to a higher warning"),
    ClosedReason.STEPPED_DOWN: _("Lowered after catching up"),
    ClosedReason.ASSIGNMENT_ENDED: _("The assignment is no longer open"),
}


@dataclass(frozen=True)
class Issue:
    level: int
    cause: str
    period: str


@dataclass(frozen=True)
class OpenWarning:
    """What ``decide`` reads of an assignment's open warning."""

    FIELDS = ("pk", "assignment_id", "level", "cause", "due_date")

    pk: int
    assignment_id: int
    level: int
    cause: str
    due_date: dt.date | None


@dataclass(frozen=True)
class Decision:
    issue: Issue | None = None
    close: str | None = None  # a ClosedReason for the open warning


def condition_cause(row: dict, day: dt.date, rules: SupervisionRules) -> tuple[str, str]:
    """Why the row is in its condition, and the period that names it (plan node, report period, deadline)."""
    if row["deadline_then"] < day:
        return NoticeCause.OVERDUE, row["deadline_then"].isoformat()
    # Behind plan is named by the plan node (``plan_node_on``); by nothing before the first node.
    node = row["node_due"].isoformat() if row["node_due"] else ""
    if row["lag"] > rules.red_lag_points:
        return NoticeCause.FAR_BEHIND, node
    if row["lag"] >= rules.yellow_lag_points:
        return NoticeCause.BEHIND_PLAN, node
    if not row["missing_period"] and row.get("head_late_period"):
        return NoticeCause.HEAD_LATE, row["head_late_period"]
    if not row["missing_period"] and row.get("instruction_due"):
        return NoticeCause.INSTRUCTION_OVERDUE, row["instruction_due"].isoformat()
    return NoticeCause.MISSING_REPORT, row["missing_period"]


def decide(row: dict, warning: Notice | OpenWarning | None, day: dt.date, rules: SupervisionRules) -> Decision | None:
    """What to do with one assignment's warning today (a pure function of the facts)."""
    level = row["condition"]
    if warning is None:
        if level == WarningLevel.GREEN:
            return None
        return Decision(issue=Issue(level, *condition_cause(row, day, rules)))
    if level == WarningLevel.GREEN:
        return Decision(close=ClosedReason.CAUGHT_UP)
    if level == WarningLevel.RED and warning.level < WarningLevel.RED:
        return Decision(issue=Issue(WarningLevel.RED, *condition_cause(row, day, rules)), close=ClosedReason.ESCALATED)
    if level == WarningLevel.YELLOW and warning.level == WarningLevel.RED and warning.cause in CONDITION_REDS:
        return Decision(
            issue=Issue(WarningLevel.YELLOW, NoticeCause.STEPPED_DOWN, str(warning.pk)),
            close=ClosedReason.STEPPED_DOWN,
        )
    if warning.level < WarningLevel.RED and warning.due_date and warning.due_date < day:
        return Decision(
            issue=Issue(warning.level + 1, NoticeCause.NOT_ACTED, str(warning.pk)), close=ClosedReason.ESCALATED
        )
    return None


def catch_up_days(level: int, rules: SupervisionRules) -> int:
    return {
        WarningLevel.YELLOW: rules.yellow_catch_up_days,
        WarningLevel.ORANGE: rules.orange_catch_up_days,
    }.get(level, rules.red_response_days)


def apply_warning_rules(
    asof: AsOf,
    rules: SupervisionRules,
    *,
    acting_user,
    missing_reports: dict | None = None,
    reports_heads_late: list | None = None,
) -> tuple[dict[str, int], list[Notice]]:
    """One pass of the warning rules; call inside a transaction that holds the scan lock.

    ``missing_reports``, if given, is filled with {assignment: period} of every open assignment
    whose due report is missing (when missing reports warn, the rows read hold all of them), and
    ``reports_heads_late`` with the reports a head sits on (``lateness.heads_late``), so that the
    reminders need not look for them again.
    """
    counter = lock_counter(NoticeKind.WARNING, asof.day.year)
    summary: Counter[str] = Counter()
    # Most open warnings stay as they are: judge them on a few columns, load whole ones only to act.
    warned = {
        row["assignment_id"]: OpenWarning(**row)
        for row in Notice.objects.open_warnings().order_by().values(*OpenWarning.FIELDS)
    }
    # 负责人未审批: reports the staff filed that a head sits on past the limit (the earliest per assignment).
    heads_late: dict[int, lateness.HeadLate] = {}
    # Only a report whose due date has passed is warned about; the head is reminded from the limit on.
    all_heads_late = lateness.heads_late(asof.moment, live=asof.live)
    if reports_heads_late is not None:
        reports_heads_late.extend(all_heads_late)
    for late in all_heads_late:
        if late.due_date < asof.day:
            heads_late.setdefault(late.assignment_id, late)
    # 批示 not answered by their due date: the unit's assignments on the instruction's target.
    instructions_due = overdue_instruction_assignments(asof) if rules.warn_on_overdue_instruction else {}
    rows = lagging_conditions(asof, rules, also=sorted({*heads_late, *instructions_due}))
    for row in rows:
        late = heads_late.get(row["pk"])
        row["head_late_period"] = late.period if late else None
        row["head_late"] = late
        row["instruction_due"] = instructions_due.get(row["pk"])
    if missing_reports is not None and rules.missing_report_warns:
        missing_reports.update((row["pk"], row["missing_period"]) for row in rows if row["missing_period"])
    # The rows hold every open assignment that carries a warning: a warning on any other has ended.
    still_open = {row["pk"] for row in rows}
    ended_on = [assignment_id for assignment_id in warned if assignment_id not in still_open]
    ended = [warned[assignment_id].pk for assignment_id in ended_on]
    _close(
        list(Notice.objects.order_by().filter(AnyOf("pk", ended))),
        ClosedReason.ASSIGNMENT_ENDED,
        acting_user=acting_user,
        summary=summary,
    )
    warned = {assignment_id: warning for assignment_id, warning in warned.items() if assignment_id in still_open}
    decisions = {}  # {assignment: (row, decision)}, only where there is something to do
    for row in rows:
        row["lag"] = row["planned"] - row["actual"]
        row["condition"] = condition_level(row, asof.day, rules)
        decision = decide(row, warned.get(row["pk"]), asof.day, rules)
        if decision is not None:
            decisions[row["pk"]] = (row, decision)
    used_keys = warned_keys([pk for pk, (_row, decision) in decisions.items() if decision.issue])
    # A cause warned about before is never warned again: the open warning stays as it is (not
    # closed either). Dropped before anything is loaded: at province scale more than half of the
    # night's wanted issues (13,000 against 5,700 issued) were loaded as models for nothing.
    decisions = {
        pk: (row, decision)
        for pk, (row, decision) in decisions.items()
        if not (decision.issue and (pk, decision.issue.cause, decision.issue.period) in used_keys)
    }
    acted_on = Notice.objects.order_by().filter(AnyOf("pk", [warned[pk].pk for pk in decisions if pk in warned]))
    open_warnings = {notice.assignment_id: notice for notice in acted_on}
    to_word = Assignment.objects.order_by().filter(
        AnyOf("pk", [pk for pk, (_row, decision) in decisions.items() if decision.issue])
    )
    assignments = {assignment.pk: assignment for assignment in notice_texts.assignments_to_word(to_word)}
    closing: dict[str, list[Notice]] = {}
    drafts = []
    with notice_texts.rendering_in_bulk(), drafting_at(clock.now()):
        for pk, (row, decision) in sorted(decisions.items(), key=_issue_order(assignments)):
            issue, warning = decision.issue, open_warnings.get(pk)
            if decision.close:
                closing.setdefault(decision.close, []).append(warning)
            if issue:
                drafts.append(_draft(assignments[pk], row, issue, warning, asof, rules, acting_user))
    for reason, notices in closing.items():
        _close(notices, reason, acting_user=acting_user, summary=summary)
    issued = save_issued(drafts, counter=counter, acting_user=acting_user, reason=_("Issued by the daily scan"))
    summary.update(f"issued_{WarningLevel(notice.level).name.lower()}" for notice in issued)
    summary["warnings_issued"] = len(issued)
    # A night changes the colours of only the assignments whose warning it closed or issued (every
    # other writer of warnings keeps the colour with it: ``end_warnings``, the undo); the first run
    # puts every colour right, whatever was loaded before. (Syncing all 120,000 assignments of a
    # province read the whole table for the few thousand that change.)
    if first_run(asof):
        sync_warning_levels()
    else:
        # The night knows the colours it changed: an assignment has at most one open warning, so
        # one whose warning closed is green unless the night issued it another. Written as such,
        # not read back by a probe of each assignment's open warning.
        levels = dict.fromkeys(
            [*ended_on, *(n.assignment_id for ns in closing.values() for n in ns)], WarningLevel.GREEN
        )
        levels.update((notice.assignment_id, notice.level) for notice in issued)
        write_warning_levels(levels)
    return dict(summary), issued


def first_run(asof: AsOf) -> bool:
    """No run of the scan has finished before (an undone one still did its work on the colours)."""
    return not SupervisionRun.objects.filter(finished_at__isnull=False, day__lte=asof.day).exists()


def warned_keys(assignment_ids: list[int]) -> set[tuple[int, str, str]]:
    """The (assignment, cause, period) of every warning ever issued on these assignments.

    A warning is never of an unkeyed cause (a finding, a manual one): saying so lets PostgreSQL read the keys
    from the ``notice_once_per_cause`` index (only the warnings), not every notice of the
    assignments from the table (the same rows)."""
    return set(
        Notice.objects.order_by()
        .filter(AnyOf("assignment_id", assignment_ids), kind=NoticeKind.WARNING)
        .exclude(cause__in=UNKEYED_CAUSES)
        .values_list("assignment_id", "cause", "period")
    )


def _issue_order(assignments):
    def key(item):
        assignment = assignments.get(item[0])
        if assignment is None:
            return ("", "", 0, item[0])
        return (assignment.target.code, assignment.role, assignment.unit.sort_order, item[0])

    return key


def _close(notices, reason, *, acting_user, summary) -> None:
    close_notices(notices, reason=reason, acting_user=acting_user, change_reason=CLOSE_REASONS_TEXT[reason])
    summary[f"closed_{reason}"] += len(notices)


def _draft(assignment, row, issue: Issue, previous: Notice | None, asof, rules, acting_user) -> Notice:
    due = asof.day + dt.timedelta(days=catch_up_days(issue.level, rules))
    facts = notice_texts.WarningFacts(
        day=asof.day,
        planned=row["planned"],
        actual=row["actual"],
        milestone_due=row["node_due"],
        deadline=row["deadline_then"],
        missing_period=row["missing_period"],
        missing_due=_missing_due(assignment, row["missing_period"]),
        head_late=row.get("head_late") if issue.cause == NoticeCause.HEAD_LATE else None,
        instruction_due=row.get("instruction_due"),
        previous_number=previous.number if previous else "",
        previous_level=previous.level if previous else None,
        previous_due=previous.due_date if previous else None,
    )
    return draft_notice(
        NoticeKind.WARNING,
        assignment,
        cause=issue.cause,
        period=issue.period,
        level=issue.level,
        wording=notice_texts.warning_wording(assignment, level=issue.level, cause=issue.cause, facts=facts, due=due),
        due_date=due,
        escalated_from=previous,
        acting_user=acting_user,
    )


def _missing_due(assignment: Assignment, period_key: str | None):
    if not period_key:
        return None
    return period_from_key(period_key, assignment.target.report_frequency).due


def sync_warning_levels() -> int:
    """Every ``Assignment.warning_level`` becomes the level of its open warning (green without one)."""
    return set_warning_levels(Notice.objects.open_warnings())
