"""年终: the office closes a year. Each unit's completion and points as of the close are frozen as
the year's figures (``YearResult``; the grade comes later, from the approved assessment), the
unfinished targets the office picks are carried into the next year (结转) as drafts linked to the old
ones, the year's open links end, the new year gets its own responsibility letters, and from then on
every service refuses to change the closed year (``tasks.services.refuse_closed_year``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.choices import ClaimStatus, ExtensionStatus, TargetStatus
from tasks.models import ClosedYear, CompletionClaim, ExtensionRequest, Target
from tasks.services import is_closed_year
from tasks.services.carry_over import carry_over
from tasks.services.years import end_unfinished_assignments, record_closed_year

from ..choices import OPEN_NOTICE_STATUSES, ClosedReason, RankingPeriod
from ..models import Notice, YearResult
from ..selectors.scores import ranking
from ..selectors.snapshot import _unit_stats
from .duties import refuse_unless_office
from .letters import prepare_letters
from .notices import close_notices, end_warnings

ONE = Decimal("0.1")


def earliest_close(year: int) -> dt.date:
    """A year may be closed from its last month on (the office usually closes it in January)."""
    return dt.date(year, 12, 1)


def figures_day(year: int) -> dt.date:
    """The day the frozen figures stand as of: today, or the year's last day once it is over."""
    return min(clock.today(), dt.date(year, 12, 31))


@dataclass(frozen=True)
class YearState:
    year: int
    closed: ClosedYear | None
    earliest: dt.date
    pending_claims: int
    pending_extensions: int
    unfinished: list[Target]

    @property
    def blockers(self) -> list[str]:
        reasons = []
        if clock.today() < self.earliest:
            reasons.append(
                _("A year can be closed from %(day)s on; today is %(today)s.")
                % {"day": self.earliest, "today": clock.today()}
            )
        if self.pending_claims:
            reasons.append(
                _("%(n)s completion claim(s) of the year still wait for verification.") % {"n": self.pending_claims}
            )
        if self.pending_extensions:
            reasons.append(
                _("%(n)s request(s) for more time still wait for a decision.") % {"n": self.pending_extensions}
            )
        return reasons


def year_state(year: int) -> YearState:
    """What the year-end page shows and ``close_year`` checks."""
    return YearState(
        year=year,
        closed=ClosedYear.objects.filter(year=year).select_related("closed_by").first(),
        earliest=earliest_close(year),
        pending_claims=CompletionClaim.objects.filter(
            assignment__target__year=year, status=ClaimStatus.PENDING
        ).count(),
        pending_extensions=ExtensionRequest.objects.filter(
            assignment__target__year=year, status=ExtensionStatus.PENDING
        ).count(),
        unfinished=list(
            Target.objects.filter(year=year, status=TargetStatus.ISSUED)
            .select_related("leader")
            .prefetch_related("carried_into")
            .order_by("code")
        ),
    )


def close_year(year: int, *, acting_user, carry_over_ids: Iterable[int] = (), note: str = "") -> ClosedYear:
    """Close ``year``: freeze its figures, carry over the chosen unfinished targets, end its open
    links, prepare next year's letters, and lock the year. All or nothing."""
    refuse_unless_office(acting_user)
    if is_closed_year(year):
        raise RuleViolation(_("The year %(year)s has already been closed.") % {"year": year})
    state = year_state(year)
    if state.blockers:
        raise RuleViolation(state.blockers)
    unfinished = {target.pk: target for target in state.unfinished}
    wanted = {int(pk) for pk in carry_over_ids}
    if wanted - set(unfinished):
        raise RuleViolation({"carry_over": [_("Only unfinished targets of the year can be carried over.")]})
    with transaction.atomic():
        _freeze_figures(year)
        carried = carry_over([unfinished[pk] for pk in sorted(wanted)], acting_user=acting_user)
        ended = end_unfinished_assignments(year, acting_user=acting_user)
        end_warnings(ended, acting_user=acting_user)
        still_open = list(Notice.objects.filter(assignment__in=ended, status__in=OPEN_NOTICE_STATUSES))
        close_notices(
            still_open,
            reason=ClosedReason.ASSIGNMENT_ENDED,
            acting_user=acting_user,
            change_reason=_("The year was closed"),
        )
        if carried:
            prepare_letters(year + 1, acting_user=acting_user)
        return record_closed_year(year, acting_user=acting_user, note=note)


def _freeze_figures(year: int) -> list[YearResult]:
    """Each taking-part unit's completion and points as of the close, in one bulk insert."""
    day = figures_day(year)
    table = ranking(as_of=day, period=RankingPeriod.YEAR, with_trend=False)
    stats = _unit_stats(day)
    now = clock.now()
    results = []
    for group, rows in table.groups.items():
        for row in rows:
            unit = stats.get(row.unit_id, {})
            results.append(
                YearResult(
                    year=year,
                    unit_id=row.unit_id,
                    ranking_group=group,
                    as_of=day,
                    assignments=unit.get("assignments", 0),
                    closed=unit.get("closed", 0),
                    completion_rate=Decimal(unit.get("progress") or 0).quantize(ONE),
                    base=table.base,
                    bonuses=row.bonuses,
                    deductions=row.deductions,
                    score=row.score,
                    rank=row.rank,
                    frozen_at=now,
                )
            )
    return YearResult.objects.bulk_create(results)
