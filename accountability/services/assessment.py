"""年度考核 and 奖惩: the office prepares a year's assessment, a city leader approves it, and from the
approved version the office proposes rewards and penalties, which a leader approves.

The score of a unit is a weighted mean of four marks, each out of 100 (our reading of
"凭工作实绩论英雄、以落实成效定奖惩"; the office sets the weights on each version):

- completion: the unit's average completion of the year's assignments (capped at 100);
- points: the unit's ledger score (base + bonuses − deductions), as the rankings show it;
- checks: the mean of the ratings of the year's checks (四查) of its assignments (好 100, 较好 85,
  一般 70, 差 50); a unit with no rated check keeps 100 (nothing was found wrong);
- cases: 100 less the office's deduction for each approved accountability case (问责) of the year.

The grade comes from the grade bands in force on the figures' day (``RuleBook``). Where the year was
closed (年终), completion and points are read from the figures frozen then (``YearResult``); otherwise
from the ledger as of the year's last day (or today, during the year).

An approved version is frozen: its rows were stored when it was prepared and are never recomputed.
A correction is a new version (生成新版本); approving it marks the older one superseded.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.services import save_with_history
from tasks.services.delegation import signed_reason

from ..choices import AppealStatus, AssessmentStatus, CaseStatus, RankingPeriod, RewardStatus
from ..constants import CHECK_RATING_MARKS, DEFAULT_ASSESSMENT_WEIGHTS, STARTING_REWARD_MEASURES
from ..models import (
    AccountabilityCase,
    Appeal,
    Assessment,
    AssessmentRow,
    Check,
    Reward,
    RewardMeasure,
    YearResult,
)
from ..rulebook import RuleBook, end_of
from ..selectors.scores import ranking
from ..selectors.snapshot import _unit_stats
from .duties import refuse_own_approval, refuse_unless_leader, refuse_unless_office

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ONE = Decimal("0.1")
MIN_YEAR = 2000
WEIGHT_FIELDS = ("weight_completion", "weight_points", "weight_checks", "weight_cases")


def ensure_reward_measures() -> dict[str, RewardMeasure]:
    """The starting rewards and penalties by name, made again where a database lost them (a live-server
    test flushes the migration's rows)."""
    for order, (name, kind) in enumerate(STARTING_REWARD_MEASURES, start=1):
        RewardMeasure.objects.get_or_create(name=name, defaults={"kind": kind, "sort_order": order})
    return {measure.name: measure for measure in RewardMeasure.objects.all()}


def default_weights(year: int | None = None) -> dict[str, Decimal]:
    """The weights of the latest version (of ``year`` if it has one, else of any year), or the defaults."""
    latest = Assessment.objects.order_by("-year", "-version")
    if year is not None and Assessment.objects.filter(year=year).exists():
        latest = latest.filter(year=year)
    found = latest.first()
    if found is None:
        return dict(DEFAULT_ASSESSMENT_WEIGHTS)
    return {name: getattr(found, name) for name in DEFAULT_ASSESSMENT_WEIGHTS}


def clean_weights(weights: dict) -> dict[str, Decimal]:
    """The weights as decimals, or a refusal naming each bad field (the four add up to 100)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Decimal] = {}
    for name, default in DEFAULT_ASSESSMENT_WEIGHTS.items():
        raw = weights.get(name, default)
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[name] = [_("Enter a number from 0 to 100.")]
            continue
        if not value.is_finite() or not 0 <= value <= HUNDRED:
            errors[name] = [_("Enter a number from 0 to 100.")]
            continue
        cleaned[name] = value.quantize(CENT)
    if not errors and sum(cleaned[name] for name in WEIGHT_FIELDS) != HUNDRED:
        errors["weight_completion"] = [
            _("The four weights must add up to 100; they add up to %(sum)s.")
            % {"sum": sum(cleaned[name] for name in WEIGHT_FIELDS)}
        ]
    if errors:
        raise RuleViolation(errors)
    return cleaned


def figures_day(year: int) -> dt.date:
    return min(clock.today(), dt.date(year, 12, 31))


def _base_figures(year: int) -> tuple[dt.date, bool, list[dict]]:
    """(as of, from the closed year, per unit: group, assignments, completion, points)."""
    kept = list(YearResult.objects.filter(year=year).values())
    if kept:
        rows = [
            {
                "unit_id": row["unit_id"],
                "ranking_group": row["ranking_group"],
                "assignments": row["assignments"],
                "completion_rate": row["completion_rate"],
                "points": row["score"],
            }
            for row in kept
        ]
        return kept[0]["as_of"], True, rows
    day = figures_day(year)
    table = ranking(as_of=day, period=RankingPeriod.YEAR, with_trend=False)
    stats = _unit_stats(day)
    rows = []
    for group, ranked in table.groups.items():
        for row in ranked:
            unit = stats.get(row.unit_id, {})
            rows.append(
                {
                    "unit_id": row.unit_id,
                    "ranking_group": group,
                    "assignments": unit.get("assignments", 0),
                    "completion_rate": Decimal(unit.get("progress") or 0).quantize(ONE),
                    "points": row.score,
                }
            )
    return day, False, rows


def _check_marks(year: int, day: dt.date) -> dict[int, tuple[int, Decimal]]:
    """Per unit: (rated checks of the year up to the day, their mean mark)."""
    counts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    rows = (
        Check.objects.filter(assignment__target__year=year, checked_on__lte=day)
        .exclude(rating="")
        .values_list("assignment__unit_id", "rating")
        .annotate(n=Count("pk"))
    )
    for unit_id, rating, n in rows:
        counts[unit_id].append((rating, n))
    marks = {}
    for unit_id, ratings in counts.items():
        total = sum(n for _rating, n in ratings)
        mark = sum(CHECK_RATING_MARKS[rating] * n for rating, n in ratings) / total
        marks[unit_id] = (total, mark.quantize(CENT))
    return marks


def _case_counts(year: int, day: dt.date) -> dict[int, int]:
    """Per unit: accountability cases of the year's assignments approved by the end of the day."""
    rows = (
        AccountabilityCase.objects.filter(
            status=CaseStatus.APPROVED, assignment__target__year=year, decided_at__lt=end_of(day)
        )
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def compute_rows(year: int, weights: dict[str, Decimal]) -> tuple[dt.date, bool, list[AssessmentRow]]:
    """Each taking-part unit's line (unsaved), ranked in its group by score, then completion."""
    day, from_results, base = _base_figures(year)
    checks, cases = _check_marks(year, day), _case_counts(year, day)
    book = RuleBook()
    rows = []
    for figures in base:
        unit_id = figures["unit_id"]
        checks_count, checks_mark = checks.get(unit_id, (0, HUNDRED))
        cases_count = cases.get(unit_id, 0)
        cases_mark = max(HUNDRED - weights["case_deduction"] * cases_count, Decimal(0))
        completion = min(Decimal(figures["completion_rate"]), HUNDRED)
        points = max(Decimal(figures["points"]), Decimal(0))
        score = (
            weights["weight_completion"] * completion
            + weights["weight_points"] * points
            + weights["weight_checks"] * checks_mark
            + weights["weight_cases"] * cases_mark
        ) / HUNDRED
        score = score.quantize(CENT)
        rows.append(
            AssessmentRow(
                unit_id=unit_id,
                ranking_group=figures["ranking_group"],
                assignments=figures["assignments"],
                completion_rate=figures["completion_rate"],
                points=figures["points"],
                checks=checks_count,
                checks_mark=checks_mark,
                cases=cases_count,
                cases_mark=cases_mark.quantize(CENT),
                score=score,
                grade=book.grade_for(score, day),
                rank=0,
            )
        )
    _rank(rows)
    return day, from_results, rows


def _rank(rows: list[AssessmentRow]) -> None:
    """Competition ranks within each group (1, 2, 2, 4): score first, then completion."""
    by_group: dict[str, list[AssessmentRow]] = defaultdict(list)
    for row in rows:
        by_group[row.ranking_group].append(row)
    for group_rows in by_group.values():
        ascending = sorted((row.score, row.completion_rate) for row in group_rows)
        for row in group_rows:
            row.rank = 1 + len(ascending) - bisect_right(ascending, (row.score, row.completion_rate))


def prepare_assessment(year: int, *, acting_user, weights: dict, note: str = "") -> Assessment:
    """生成考核 / 生成新版本: the office computes the year's rows with ``weights``. A draft of the year
    is recomputed in place; after an approved version, a new version is made (the approved one
    stays as it is until the new one is approved)."""
    refuse_unless_office(acting_user)
    if not MIN_YEAR <= year <= clock.today().year:
        raise RuleViolation(_("There is nothing to assess for %(year)s.") % {"year": year})
    cleaned = clean_weights(weights)
    day, from_results, rows = compute_rows(year, cleaned)
    if not rows:
        raise RuleViolation(_("No unit took part in %(year)s; there is nothing to assess.") % {"year": year})
    try:
        with transaction.atomic():
            versions = list(Assessment.objects.select_for_update().filter(year=year))
            draft = next((found for found in versions if found.is_draft), None)
            if draft is None:
                draft = Assessment(year=year, version=max((found.version for found in versions), default=0) + 1)
                reason = _("Assessment prepared")
            else:
                draft.rows.all().delete()
                reason = _("Assessment recomputed")
            for name, value in cleaned.items():
                setattr(draft, name, value)
            draft.as_of, draft.from_year_results, draft.note = day, from_results, note.strip()
            draft.prepared_by, draft.prepared_at = acting_user, clock.now()
            save_with_history(draft, acting_user=acting_user, reason=reason)
            for row in rows:
                row.assessment = draft
            AssessmentRow.objects.bulk_create(rows)
    except IntegrityError as error:  # two people pressed 生成考核 at once: one draft a year
        raise RuleViolation(_("Someone else prepared this year's assessment just now; reload the page.")) from error
    return draft


def open_appeals(assessment: Assessment) -> list[Appeal]:
    """Appeals the office has not decided against entries of the year of units in the assessment."""
    return list(
        Appeal.objects.filter(
            status=AppealStatus.PENDING,
            entry__occurred_on__year=assessment.year,
            entry__unit__in=assessment.rows.values("unit"),
        )
        .select_related("entry__unit")
        .order_by("entry__unit__sort_order", "filed_at")
    )


def approve_assessment(assessment: Assessment, *, acting_user) -> Assessment:
    """批准: a city leader approves the draft, never the person who prepared it, and not while a
    unit's appeal of the year is open (its points may still change)."""
    refuse_unless_leader(acting_user, _("the year-end assessment"))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not assessment.is_draft:
            raise RuleViolation(_("This version has already been approved."))
        refuse_own_approval(assessment.prepared_by_id, acting_user)
        pending = open_appeals(assessment)
        if pending:
            units = "、".join(dict.fromkeys(str(appeal.entry.unit) for appeal in pending))
            raise RuleViolation(
                _("%(units)s has an open appeal for %(year)s; it must be decided before the assessment is approved.")
                % {"units": units, "year": assessment.year}
            )
        for older in Assessment.objects.select_for_update().filter(
            year=assessment.year, status=AssessmentStatus.APPROVED
        ):
            older.status = AssessmentStatus.SUPERSEDED
            save_with_history(
                older,
                acting_user=acting_user,
                reason=_("Superseded by version %(version)s") % {"version": assessment.version},
                update_fields=["status"],
            )
        assessment.status = AssessmentStatus.APPROVED
        assessment.approved_by, assessment.approved_at = acting_user, clock.now()
        assessment.approved_for, reason = signed_reason(_("Assessment approved"), acting_user)
        save_with_history(assessment, acting_user=acting_user, reason=reason)
    return assessment


def current_assessment(year: int) -> Assessment | None:
    """The approved version in force for ``year`` (the year's grade is decided here and only here)."""
    return Assessment.objects.filter(year=year, status=AssessmentStatus.APPROVED).first()


def propose_rewards(assessment: Assessment, *, proposals, acting_user) -> list[Reward]:
    """提出奖惩: the office proposes, per unit of the approved version, one or more measures
    (``proposals``: (unit_id, measure, reason)). The version's proposals not yet approved are replaced."""
    refuse_unless_office(acting_user)
    if not assessment.is_approved:
        raise RuleViolation(_("Rewards and penalties are proposed from an approved assessment in force."))
    proposals = list(proposals)
    if not proposals:
        raise RuleViolation(_("Choose a measure for at least one unit."))
    assessed = set(assessment.rows.values_list("unit_id", flat=True))
    approved = set(
        Reward.objects.filter(assessment=assessment, status=RewardStatus.APPROVED).values_list("unit_id", "measure_id")
    )
    rewards = []
    for unit_id, measure, reason in proposals:
        if unit_id not in assessed:
            raise RuleViolation(_("Only units of the assessment get a reward or a penalty."))
        if not measure.is_active:
            raise RuleViolation(_("%(measure)s is no longer in use.") % {"measure": measure})
        if (unit_id, measure.pk) in approved:
            continue  # already decided: nothing to propose again
        rewards.append(
            Reward(
                assessment=assessment,
                unit_id=unit_id,
                measure=measure,
                reason=(reason or "").strip()[:300],
                proposed_by=acting_user,
                proposed_at=clock.now(),
            )
        )
    if len({(reward.unit_id, reward.measure_id) for reward in rewards}) != len(rewards):
        raise RuleViolation(_("A unit gets each measure once."))
    with transaction.atomic():
        Reward.objects.filter(assessment=assessment, status=RewardStatus.PROPOSED).delete()
        for reward in rewards:
            save_with_history(reward, acting_user=acting_user, reason=_("Reward or penalty proposed"))
    return rewards


def approve_rewards(assessment: Assessment, *, acting_user) -> int:
    """批准奖惩: a city leader approves every proposal of the version, never one they proposed."""
    refuse_unless_leader(acting_user, _("rewards and penalties"))
    with transaction.atomic():
        proposed = list(Reward.objects.select_for_update().filter(assessment=assessment, status=RewardStatus.PROPOSED))
        if not proposed:
            raise RuleViolation(_("No reward or penalty waits for approval."))
        for reward in proposed:
            refuse_own_approval(reward.proposed_by_id, acting_user)
        approved_for, reason = signed_reason(_("Reward or penalty approved"), acting_user)
        now = clock.now()
        for reward in proposed:
            reward.status = RewardStatus.APPROVED
            reward.approved_by, reward.approved_for, reward.approved_at = acting_user, approved_for, now
            save_with_history(reward, acting_user=acting_user, reason=reason)
    return len(proposed)


def latest_version(year: int) -> int:
    return Assessment.objects.filter(year=year).aggregate(last=Max("version"))["last"] or 0
