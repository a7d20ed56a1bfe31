"""待督查问题 that end: the office marks a reported problem resolved, or merged into an earlier one.

A problem is a unit's problem text on one assignment: the same text in the next months' reports is
the same problem, so a decision on its first report covers every repeat (``selectors.open_problems``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.models import ProgressReport
from tasks.services import validate_and_save

from ..choices import ProblemOutcome
from ..models import ProblemDecision


def _check(report: ProgressReport, reason: str) -> str:
    if not report.problems.strip():
        raise RuleViolation(_("This report raises no problem."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation({"reason": [_("Say why the problem is closed.")]})
    if ProblemDecision.objects.filter(report=report).exists():
        raise RuleViolation(_("This problem has already been closed."))
    return reason


def resolve_problem(report: ProgressReport, *, reason: str, acting_user) -> ProblemDecision:
    """The problem is solved (or answered): it leaves the list, with every repeat of its text."""
    with transaction.atomic():
        reason = _check(report, reason)
        decision = ProblemDecision(
            report=report,
            outcome=ProblemOutcome.RESOLVED,
            reason=reason,
            decided_by=acting_user,
            decided_at=clock.now(),
        )
        validate_and_save(decision, acting_user=acting_user, reason=_("Problem resolved"))
    return decision


def merge_problem(report: ProgressReport, *, into: ProgressReport, reason: str, acting_user) -> ProblemDecision:
    """The problem is the same as an earlier one (another wording, another unit): it is followed there."""
    if into.pk == report.pk:
        raise RuleViolation({"merged_into": [_("A problem cannot be merged into itself.")]})
    if not into.problems.strip():
        raise RuleViolation({"merged_into": [_("The chosen report raises no problem.")]})
    if (into.period_end, into.pk) > (report.period_end, report.pk):
        raise RuleViolation({"merged_into": [_("Merge a problem into an earlier one, not a later one.")]})
    with transaction.atomic():
        reason = _check(report, reason)
        decision = ProblemDecision(
            report=report,
            outcome=ProblemOutcome.MERGED,
            merged_into=into,
            reason=reason,
            decided_by=acting_user,
            decided_at=clock.now(),
        )
        validate_and_save(decision, acting_user=acting_user, reason=_("Problem merged into an earlier one"))
    return decision
