"""The state of an assignment (and of a target, and of a unit) as of a day, and the numbers behind it.

One rule, for every page, download and job (the rules in words: docs/JUDGMENT.md):

- **planned**: the cumulative percent of the last plan node (节点) due by the day (0 before the first);
- **actual**: what the office held by the end of the day — the final figure of a completion claim it
  had verified (and not returned for redo), else the latest report (by period) that had reached it
  by then, accepted or still waiting for its review; a report it returned does not count;
- **gap**: planned − actual (negative when ahead of plan);
- **level**: the progress warning (进度预警单) in force at the end of the day — issued by the daily scan
  and told to the unit, not yet closed, stepped down, escalated or withdrawn by then (0 without one).
  The colour a person sees is this level; the live gap is shown beside it as a number;
- **state**: 已完成 when closed out by then; 待核验销号 while a completion claim waits for the office;
  逾期 when the deadline has passed and the work is still open (days late counted from the deadline);
  else the level in force: 按计划 / 黄色预警 / 橙色预警 / 红色预警.

Pages ask in bulk: ``judge(queryset, day)`` answers for every assignment of a queryset in one query
(each figure a subquery per row, index probes), ``judge_months`` for several days (a month's end each)
in one query too. ``judgment_of`` is the pure rule, used by both and by the property tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Case, DecimalField, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from ..choices import (
    FILED_REPORT_STATUSES,
    OPEN_ASSIGNMENT_STATUSES,
    WARNING_COLOURS,
    AssignmentStatus,
    ClaimStatus,
    WarningLevel,
)
from ..models import Assignment, CompletionClaim, ProgressReport
from ..services.plans import planned_percent_subquery

PERCENT = DecimalField(max_digits=6, decimal_places=1)
VALUE = DecimalField(max_digits=18, decimal_places=4)
ONE = Decimal("0.1")
ZERO = Decimal(0)
# States in which the link is finished (the office closed it out, or verified the claim).
DONE_STATUSES = (AssignmentStatus.VERIFIED, AssignmentStatus.CLOSED)


class State(models.TextChoices):
    """Where an assignment stands; the order is the order of severity on lists (worst last)."""

    DONE = "done", pgettext_lazy("status", "Done")
    CLAIMED = "claimed", pgettext_lazy("status", "Completion claimed")
    ON_PLAN = "on_plan", pgettext_lazy("status", "On plan")
    YELLOW = "yellow", pgettext_lazy("status", "Yellow warning")
    ORANGE = "orange", pgettext_lazy("status", "Orange warning")
    RED = "red", pgettext_lazy("status", "Red warning")
    OVERDUE = "overdue", pgettext_lazy("status", "Overdue")


LEVEL_STATES = {
    WarningLevel.GREEN: State.ON_PLAN,
    WarningLevel.YELLOW: State.YELLOW,
    WarningLevel.ORANGE: State.ORANGE,
    WarningLevel.RED: State.RED,
}
# States in which the unit is still working (counted as 滞后 when the level in force is above green).
OPEN_STATES = (State.ON_PLAN, State.YELLOW, State.ORANGE, State.RED, State.OVERDUE)


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the site's time zone: what happened before it counts for ``day``."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def q1(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(ONE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Judgment:
    """One assignment's state on ``day`` and the numbers behind it."""

    day: dt.date
    state: str
    level: int  # the warning level in force (the colour people see)
    planned: Decimal
    actual: Decimal
    days_late: int
    value: Decimal | None = None  # the indicator's value held, when the link reports values

    @property
    def gap(self) -> Decimal:
        return self.planned - self.actual

    @property
    def lag(self) -> Decimal:
        """Points behind plan (0 when on or ahead of it)."""
        return max(ZERO, self.gap)

    @property
    def colour(self) -> str:
        """The CSS colour: the warning level in force, or the colour of a finished or claimed link."""
        if self.state == State.DONE:
            return "done"
        if self.state == State.CLAIMED:
            return "claimed"
        return WARNING_COLOURS[WarningLevel(self.level)]

    @property
    def label(self) -> str:
        return State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def behind(self) -> bool:
        """滞后: still open and under a warning, or past its deadline."""
        return self.is_open and (self.level > WarningLevel.GREEN or self.days_late > 0)


def judgment_of(
    *,
    day: dt.date,
    status: str,
    deadline: dt.date,
    done: bool,
    claimed: bool,
    level: int | None,
    planned,
    actual,
    value=None,
) -> Judgment:
    """The rule itself, on facts already read (a pure function)."""
    planned, actual, level = q1(planned), q1(actual), int(level or 0)
    days_late = 0
    if done or status in DONE_STATUSES:
        state = State.DONE
        level = WarningLevel.GREEN
    elif claimed or status == AssignmentStatus.CLAIMED:
        state = State.CLAIMED
        level = WarningLevel.GREEN
    elif deadline < day:
        state, days_late = State.OVERDUE, (day - deadline).days
    else:
        state = LEVEL_STATES[WarningLevel(level)]
    return Judgment(day, str(state), level, planned, actual, days_late, value)


# --- the facts, as SQL expressions (one definition for the pages and the scan) ----------------------


def reports_held(moment: dt.datetime) -> QuerySet:
    """Reports the office held at ``moment``: filed (submitted or accepted) and reached it by then
    (a unit head's approval is when a report left the unit); a returned report is not held."""
    return (
        ProgressReport.objects.order_by()
        .filter(status__in=FILED_REPORT_STATUSES)
        .annotate(reached_office_at=Coalesce("approved_at", "submitted_at"))
        .filter(reached_office_at__lte=moment)
    )


def _verified_claim(moment: dt.datetime, field: str, ref: str):
    return (
        CompletionClaim.objects.filter(
            assignment=OuterRef(ref), status__in=[ClaimStatus.VERIFIED, ClaimStatus.RETURNED], decided_at__lt=moment
        )
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=moment))
        .order_by("-decided_at")
        .values(field)[:1]
    )


def actual_expression(moment: dt.datetime, ref: str = "pk", *, every_row: bool = False):
    """Cumulative percent the office held at ``moment`` (see the module's docstring).

    ``every_row``: the query reads (nearly) every assignment, as the nightly scan does; the claim is
    then looked for only on the assignments with a claim decided by the moment, read once (a
    handful), instead of a probe of the claims on each of a province's 120,000 rows. The same answer.
    """
    latest = reports_held(moment).filter(assignment=OuterRef(ref)).order_by("-period_end").values("progress_percent")
    return Coalesce(
        claimed_percent_expression(moment, ref, every_row=every_row),
        Subquery(latest[:1]),
        Value(ZERO),
        output_field=PERCENT,
    )


def claimed_percent_expression(moment: dt.datetime, ref: str = "pk", *, every_row: bool = False):
    """The final percent of the completion claim the office held verified at ``moment`` (NULL
    without one): the first place ``actual_expression`` looks (``every_row``: as there)."""
    claim = Subquery(_verified_claim(moment, "final_percent", ref))
    if not every_row:
        return claim
    decided = CompletionClaim.objects.order_by().filter(
        status__in=[ClaimStatus.VERIFIED, ClaimStatus.RETURNED], decided_at__lt=moment
    )
    return Case(
        When(**{f"{ref}__in": decided.values("assignment_id")}, then=claim),
        default=Value(None),
        output_field=PERCENT,
    )


def actual_value_expression(moment: dt.datetime, ref: str = "pk"):
    """The indicator's value held at ``moment``, from the same place (None when it reports percents)."""
    latest = reports_held(moment).filter(assignment=OuterRef(ref)).order_by("-period_end").values("actual_value")
    return Coalesce(Subquery(_verified_claim(moment, "final_value", ref)), Subquery(latest[:1]), output_field=VALUE)


def level_expression(moment: dt.datetime, ref: str = "pk"):
    """The level of the progress warning in force at ``moment`` (0 without one)."""
    from accountability.models import Notice  # the accountability app builds on tasks

    in_force = (
        Notice.objects.filter(assignment=OuterRef(ref), kind="warning", issued_at__lt=moment)
        .exclude(status__in=("proposed", "dismissed"))
        .filter(Q(closed_at__gte=moment) | (Q(closed_at__isnull=True) & ~Q(status="closed")))
        .order_by()
        .values("assignment")
        .annotate(worst=Max("level"))
        .values("worst")
    )
    return Coalesce(Subquery(in_force[:1]), Value(0), output_field=models.IntegerField())


def claimed_expression(moment: dt.datetime, ref: str = "pk"):
    """A completion claim was waiting for the office at ``moment``."""
    return Exists(
        CompletionClaim.objects.filter(assignment=OuterRef(ref), claimed_at__lt=moment).filter(
            Q(decided_at__isnull=True) | Q(decided_at__gte=moment)
        )
    )


def annotate(queryset: QuerySet, day: dt.date, prefix: str = "j") -> QuerySet:
    """``queryset`` of assignments with the facts of ``day`` as ``<prefix>_planned`` and so on."""
    moment = end_of(day)
    return queryset.annotate(
        **{
            f"{prefix}_planned": planned_percent_subquery(day),
            f"{prefix}_actual": actual_expression(moment),
            f"{prefix}_value": actual_value_expression(moment),
            f"{prefix}_level": level_expression(moment),
            f"{prefix}_claimed": claimed_expression(moment),
        }
    )


_BASE = ("pk", "status", "deadline", "closed_at", "issued_at")


def _fields(prefix: str) -> list[str]:
    return [f"{prefix}_{name}" for name in ("planned", "actual", "value", "level", "claimed")]


def _judge_row(
    row: dict, day: dt.date, prefix: str, today: dt.date | None, moment: dt.datetime | None = None
) -> Judgment | None:
    moment = moment or end_of(day)  # given by callers judging many rows (time zone work per row is slow)
    if row["issued_at"] is None or row["issued_at"] >= moment:
        return None  # not yet issued on that day: nothing to judge
    done = row["closed_at"] is not None and row["closed_at"] < moment
    # The status says what only today knows (a claim or a verification without a record of its day).
    live = today is not None and day >= today
    return judgment_of(
        day=day,
        status=row["status"] if live else "",
        deadline=row["deadline"],
        done=done,
        claimed=row[f"{prefix}_claimed"],
        level=row[f"{prefix}_level"],
        planned=row[f"{prefix}_planned"],
        actual=row[f"{prefix}_actual"],
        value=row[f"{prefix}_value"],
    )


_FACTS = ("target_id", "unit_id", "role", "share")


def judge(
    assignments: QuerySet[Assignment], day: dt.date, *, today: dt.date | None = None, facts: dict | None = None
) -> dict[int, Judgment]:
    """{assignment pk: its judgment on ``day``} for every issued assignment of the queryset (one query).

    ``facts``, if given, is filled with {pk: (target pk, unit pk, role, share)} from the same query:
    what grouping by target or unit needs (``group``, ``group_targets``)."""
    return judge_days(assignments, [day], today=today, facts=facts)[day]


def judge_behind(
    assignments: QuerySet[Assignment],
    day: dt.date,
    *,
    today: dt.date | None = None,
    carry: tuple[str, ...] = (),
    carried: dict | None = None,
) -> dict[int, Judgment]:
    """``judge``'s judgments that are 滞后 on ``day`` (``Judgment.behind``), and no others. The query
    leaves out what cannot be behind (``may_be_behind``): a province leader's 2,000 assignments come
    back as the 490 behind instead of being judged one by one in Python to keep a quarter of them.
    ``carry`` (fields such as ``target__code``) are read in the same query into ``carried`` (pk → their
    values): a page showing the rows needs no second query for them."""
    from ..services import kept_judgments

    judged = kept_judgments.judge_days(
        assignments, [day], today=today, facts=None, behind=True, carry=carry, carried=carried
    )[day]
    return {pk: judgment for pk, judgment in judged.items() if judgment.behind}


def may_be_behind(day: dt.date, level: str) -> Q:
    """The rows that can be 滞后 on ``day``, ``level`` naming the warning level in force in the query:
    not closed out by then, and past the deadline or under a warning. Wider than the rule (a claim
    waiting or a live status may still make one not behind): it only spares reading the others."""
    open_then = Q(closed_at__isnull=True) | Q(closed_at__gte=end_of(day))
    return open_then & (Q(deadline__lt=day) | Q(**{f"{level}__gt": WarningLevel.GREEN}))


def judge_days(
    assignments: QuerySet[Assignment],
    days: Iterable[dt.date],
    *,
    today: dt.date | None = None,
    facts: dict | None = None,
) -> dict[dt.date, dict[int, Judgment]]:
    """``judge`` for each of ``days`` (a month's end each, say). Today and the end of last month
    are answered from the kept facts (``tasks.services.kept_judgments``: a few queries, however many
    assignments), judged afresh only for the units that changed; other days afresh, in one query."""
    from ..services import kept_judgments

    return kept_judgments.judge_days(assignments, list(days), today=today, facts=facts)


def judge_days_afresh(
    assignments: QuerySet[Assignment],
    days: Iterable[dt.date],
    *,
    today: dt.date | None = None,
    facts: dict | None = None,
    behind: bool = False,
    carry: tuple[str, ...] = (),
    carried: dict | None = None,
) -> dict[dt.date, dict[int, Judgment]]:
    """The rule read from the records themselves: ``judge_days`` without the kept facts (one query).
    ``behind`` (one day): leave out the rows that cannot be behind then (``may_be_behind``).
    ``carry``/``carried``: as ``judge_behind``."""
    from core import clock

    today = today or clock.today()
    days = list(days)
    queryset = assignments.order_by()
    fields = list(dict.fromkeys([*_BASE, *(_FACTS if facts is not None else ()), *carry]))
    for index, day in enumerate(days):
        queryset = annotate(queryset, day, prefix=f"j{index}")
        fields += _fields(f"j{index}")
    if behind:
        (day,) = days
        queryset = queryset.filter(may_be_behind(day, "j0_level"))
    result: dict[dt.date, dict[int, Judgment]] = {day: {} for day in days}
    moments = [end_of(day) for day in days]
    for row in queryset.values(*fields):
        if facts is not None:
            facts[row["pk"]] = tuple(row[name] for name in _FACTS)
        if carried is not None:
            carried[row["pk"]] = tuple(row[name] for name in carry)
        for index, day in enumerate(days):
            judgment = _judge_row(row, day, f"j{index}", today, moments[index])
            if judgment is not None:
                result[day][row["pk"]] = judgment
    return result


def judge_one(assignment: Assignment, day: dt.date | None = None) -> Judgment | None:
    from core import clock

    day = day or clock.today()
    return judge(Assignment.objects.filter(pk=assignment.pk), day).get(assignment.pk)


# --- targets and units: what their assignments' judgments add up to ----------------------------------


@dataclass(frozen=True)
class Summary:
    """Several assignments' judgments together (a target's links, a unit's work)."""

    day: dt.date
    count: int
    planned: Decimal  # average
    actual: Decimal  # average
    level: int  # the worst level in force among the open ones
    state: str  # the worst state
    counts: dict  # {state: how many}
    behind: int  # how many are 滞后
    days_late: int  # the most days late of them

    @property
    def gap(self) -> Decimal:
        return self.planned - self.actual

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def count_of(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def colour(self) -> str:
        if self.state == State.DONE:
            return "done"
        if self.state == State.CLAIMED:
            return "claimed"
        return WARNING_COLOURS[WarningLevel(self.level)]

    @property
    def label(self) -> str:
        return State(self.state).label


_SEVERITY = {state: index for index, state in enumerate(State.values)}


def worst_state(states: Iterable[str]) -> str:
    return max(states, key=_SEVERITY.__getitem__, default=State.ON_PLAN)


def summarise(judgments: Iterable[Judgment], *, actual: Decimal | None = None) -> Summary | None:
    """The judgments together: average plan and actual (or the ``actual`` given: a target's rolled-up
    figure), the worst level in force among the open ones, the worst state, the counts."""
    judgments = list(judgments)
    if not judgments:
        return None
    count = len(judgments)
    counts: dict[str, int] = {}
    for judgment in judgments:
        counts[judgment.state] = counts.get(judgment.state, 0) + 1
    open_levels = [j.level for j in judgments if j.is_open]
    return Summary(
        day=judgments[0].day,
        count=count,
        planned=q1(sum(j.planned for j in judgments) / count),
        actual=q1(actual) if actual is not None else q1(sum(j.actual for j in judgments) / count),
        level=max(open_levels, default=WarningLevel.GREEN),
        state=worst_state(j.state for j in judgments),
        counts=counts,
        behind=sum(1 for j in judgments if j.behind),
        days_late=max(j.days_late for j in judgments),
    )


def group(judgments: dict[int, Judgment], keys: dict[int, int]) -> dict[int, Summary]:
    """Summaries per group: ``keys`` maps an assignment pk to its group (target or unit) pk
    (``unit_keys(facts)``, say)."""
    grouped: dict[int, list[Judgment]] = {}
    for pk, judgment in judgments.items():
        if pk in keys:
            grouped.setdefault(keys[pk], []).append(judgment)
    return {key: summarise(items) for key, items in grouped.items()}


@dataclass(frozen=True)
class Link:
    """What a target's roll-up reads of one of its assignments (see ``tasks.measures.rolled_up``)."""

    role: str
    share: Decimal | None
    value: Decimal | None
    percent: Decimal


def target_summary(target, judged: list[tuple[str, Decimal | None, Judgment]]) -> Summary | None:
    """A target's judgment: its links' states and levels, and its actual rolled up from theirs (the sum
    of the units' figures under shares that add up, else the lead's), as every page gives it."""
    from ..measures import rolled_up

    if not judged:
        return None
    links = [Link(role, share, j.value, j.actual) for role, share, j in judged]
    _value, percent = rolled_up(target, links, value="value", percent="percent")
    return summarise([j for _role, _share, j in judged], actual=percent)


def group_targets(judgments: dict[int, Judgment], facts: dict, targets: dict) -> dict[int, Summary]:
    """Summaries per target: ``facts`` as ``judge`` fills them, ``targets`` {pk: Target}."""
    grouped: dict[int, list] = {}
    for pk, judgment in judgments.items():
        if pk in facts:
            target_id, _unit_id, role, share = facts[pk]
            grouped.setdefault(target_id, []).append((role, share, judgment))
    return {pk: target_summary(targets[pk], items) for pk, items in grouped.items() if pk in targets}


def judge_targets(targets: Iterable, day: dt.date, *, today: dt.date | None = None) -> dict[int, Summary]:
    """{target pk: its judgment on ``day``} for a page of targets (two queries)."""
    targets = {target.pk: target for target in targets}
    facts: dict = {}
    judged = judge(Assignment.objects.filter(target__in=list(targets)), day, today=today, facts=facts)
    return group_targets(judged, facts, targets)


def unit_keys(facts: dict) -> dict[int, int]:
    return {pk: fact[1] for pk, fact in facts.items()}


def attach(objects: Iterable, judgments: dict, attribute: str = "judged") -> list:
    """Set ``attribute`` on each object to its judgment (None without one); returns the list."""
    objects = list(objects)
    for obj in objects:
        setattr(obj, attribute, judgments.get(obj.pk))
    return objects


# --- the same rule as filters, for lists that page and filter in the database ------------------------


def with_level(queryset: QuerySet[Assignment], day: dt.date) -> QuerySet[Assignment]:
    """Assignments with ``level_now``: the warning level in force at the end of ``day``."""
    return queryset.annotate(level_now=level_expression(end_of(day)))


def behind_filter(day: dt.date) -> Q:
    """滞后 on ``day`` (with ``with_level``): still open and under a warning, or past the deadline."""
    return Q(status__in=OPEN_ASSIGNMENT_STATUSES) & (Q(level_now__gt=WarningLevel.GREEN) | Q(deadline__lt=day))


def worst_level_expression(day: dt.date, target_ref: str = "pk"):
    """The worst warning level in force among a target's open assignments (for filters and order)."""
    links = (
        Assignment.objects.filter(target=OuterRef(target_ref), status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by()
        .values("target")
        .annotate(worst=Max(level_expression(end_of(day))))
        .values("worst")
    )
    return Subquery(links[:1], output_field=models.IntegerField())
