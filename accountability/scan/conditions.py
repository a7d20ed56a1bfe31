"""Where each open assignment stands on a day, as SQL: plan against actual, missing report, deadline.

One queryset annotates every open assignment with what the warning rules need, each figure an
index probe per row (never a scan of all reports). A cheap filter around that query picks the rows
that may lag or already carry a warning, and only those rows come back to be judged
(``condition_level``); the filter reads the figures already computed rather than repeating the
subqueries, so each runs once per assignment.

The scan can be run as of a past day (the demo replays the year, ``run_supervision_scan --date``):
then the assignment's status and deadline are read from its history as they stood at that moment,
and the unit's progress from the reports that had reached the office by then.

Planned and actual progress are the judgment's (tasks/judgment/state.py, ``actual_expression``): the
latest report that reached the office (submitted, or accepted), not only the accepted one, so a unit
is not warned for a report the office has yet to review; a report returned as wrong no longer counts.

A report is missing only when the unit's staff had not filed it (``tasks.judgment.lateness``): one
waiting for the unit head, or returned with a refile-by date not yet passed, is not missing; a head
who sits on it past the limit is named for it (负责人未审批), never the clerk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from core import clock
from core.id_lists import AnyOf
from core.periods import Frequency, Period, period_for
from tasks.choices import FILED_REPORT_STATUSES, OPEN_ASSIGNMENT_STATUSES, WarningLevel
from tasks.judgment import lateness
from tasks.judgment.state import actual_expression, claimed_percent_expression, reports_held
from tasks.models import Assignment, ProgressReport
from tasks.services import plan_node_subquery, planned_percent_subquery

from ..models import Instruction, InstructionAnswer, Notice, SupervisionRules

PERCENT = DecimalField(max_digits=6, decimal_places=1)


@dataclass(frozen=True)
class AsOf:
    """The moment a scan judges: ``live`` when it is now, else a replayed past (or future) day."""

    day: dt.date
    moment: dt.datetime
    live: bool


def as_of(day: dt.date | None = None) -> AsOf:
    today = clock.today()
    if day is None or day == today:
        return AsOf(today, clock.now(), True)
    moment = timezone.make_aware(dt.datetime.combine(day, settings.ZMD_SUPERVISION_SCAN_TIME))
    return AsOf(day, moment, False)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def last_due_period(day: dt.date, frequency: str) -> Period:
    """The latest reporting period whose report was due before ``day``."""
    period = period_for(day, frequency)
    while period.due >= day:
        period = period_for(period.start - dt.timedelta(days=1), frequency)
    return period


def filed_reports(moment: dt.datetime) -> QuerySet:
    """Reports that had reached the office by ``moment``: the judgment's own (``reports_held``)."""
    return reports_held(moment)


def clerk_filed_reports(asof: AsOf) -> QuerySet:
    """Reports the unit's staff had filed by the moment (whatever the head or the office did next)."""
    return ProgressReport.objects.order_by().filter(lateness.clerk_filed(asof.moment))


def _then(field: str, asof: AsOf):
    """The assignment's ``field`` as its history had it at the moment."""
    history = (
        Assignment.history.model.objects.filter(id=OuterRef("pk"), history_date__lte=asof.moment)
        .order_by("-history_date", "-history_id")
        .values(field)[:1]
    )
    return Coalesce(Subquery(history), F(field))


def open_assignments(asof: AsOf) -> QuerySet:
    """Assignments the units were working on at the moment, with ``deadline_then``."""
    issued = Assignment.objects.order_by().filter(issued_at__lte=asof.moment)
    if asof.live:
        return issued.filter(status__in=OPEN_ASSIGNMENT_STATUSES).annotate(deadline_then=F("deadline"))
    return issued.annotate(status_then=_then("status", asof), deadline_then=_then("deadline", asof)).filter(
        status_then__in=OPEN_ASSIGNMENT_STATUSES
    )


def unfiled(period: Period, asof: AsOf) -> Q:
    """The assignment owes a report for ``period`` and none had reached the office by the moment."""
    filed = clerk_filed_reports(asof).filter(assignment=OuterRef("pk"), period=period.key)
    return _expected(period) & ~Exists(filed)


def _expected(period: Period) -> Q:
    """The assignment was running in ``period`` and had been issued before its report fell due."""
    return Q(
        target__start_date__lte=period.end,
        deadline_then__gte=period.start,
        issued_at__lt=start_of(period.due + dt.timedelta(days=1)),
    )


def with_missing_period(queryset: QuerySet, asof: AsOf) -> QuerySet:
    """``queryset`` (of ``open_assignments``) with ``missing_period``: the key of the last period
    whose report is overdue and missing, else NULL.

    One probe of the (assignment, period) index per row: the period asked for depends on the
    target's frequency, so the probe names it with a CASE. (A NOT EXISTS per frequency made
    PostgreSQL hash every filed report of each period instead: a scan of the reports per branch.)
    A scalar subquery with LIMIT is never turned into a hashed join, so it stays a probe.
    """
    due_key, expected = _due_report(asof)
    filed = clerk_filed_reports(asof).filter(assignment=OuterRef("pk"), period=OuterRef("zmd_due_key"))
    # Most due reports are at the office: found on the filed reports' covering index alone (a
    # report's staff filing precedes its latest submission, so submitted by the moment means filed
    # by it). Only the others are read from the table (pending the head, returned, not filed).
    at_office = ProgressReport.objects.order_by().filter(
        assignment=OuterRef("pk"),
        period=OuterRef("zmd_due_key"),
        status__in=FILED_REPORT_STATUSES,
        submitted_at__lte=asof.moment,
    )
    return (
        queryset.alias(zmd_due_key=due_key)
        .alias(
            zmd_filed=Coalesce(
                Subquery(at_office.values("assignment_id")[:1]), Subquery(filed.values("assignment_id")[:1])
            )
        )
        .annotate(
            missing_period=Case(
                When(expected & Q(zmd_filed__isnull=True), then=F("zmd_due_key")),
                default=Value(None),
                output_field=CharField(),
            )
        )
    )


def _due_report(asof: AsOf) -> tuple[Case, Q]:
    """The key of the last period whose report is overdue (by the target's frequency; NULL for
    none), and the condition that the assignment owed that report."""
    due = {frequency: last_due_period(asof.day, frequency) for frequency in Frequency.values}
    due_key = Case(
        *[When(target__report_frequency=frequency, then=Value(period.key)) for frequency, period in due.items()],
        default=Value(None),
        output_field=CharField(),
    )
    expected = Q()
    for frequency, period in due.items():
        expected |= Q(target__report_frequency=frequency) & _expected(period)
    return due_key, expected


def assignment_conditions(asof: AsOf) -> QuerySet:
    """Every open assignment with its planned and actual progress, last plan node and missing report."""
    # The planned and actual figures of the one judgment (tasks/judgment/state.py), at the scan's moment.
    annotated = open_assignments(asof).annotate(
        planned=planned_on(asof.day),
        node_due=plan_node_on(asof.day),
        actual=actual_expression(asof.moment, every_row=True),
    )
    return with_missing_period(annotated, asof)


def planned_on(day: dt.date):
    """The planned percent on ``day``: the assignment's own column where it was written for that
    day (``refresh_planned_progress``: every night before the scan, and after each change of the
    plan), else the plan node itself. The column saves a probe of the plan nodes per assignment
    (a fifth of the judging statement at province scale)."""
    return _kept_for(day, "planned_percent", planned_percent_subquery(day), PERCENT)


def plan_node_on(day: dt.date):
    """The plan node ``planned_on`` reads its percent from (the last due by ``day``; it names a
    behind-plan warning), by the same rule. Kept, it spares the night a query probing the nodes of
    every assignment it warns (0.1 s at province)."""
    return _kept_for(day, "planned_node_due", plan_node_subquery(day), DateField())


def _kept_for(day: dt.date, column: str, computed, output_field):
    """``column`` where the refresh kept it for ``day``, else ``computed`` from the plan nodes (a
    subquery in a CASE branch not taken is never run)."""
    return Case(When(planned_as_of=day, then=F(column)), default=computed, output_field=output_field)


def fenced(queryset: QuerySet, where: str, params: list) -> tuple[str, list]:
    """``SELECT * FROM (queryset) fenced WHERE where``, with the inner query computed once per row.

    PostgreSQL folds a plain subquery into the outer one and would then evaluate each subquery of
    the SELECT again in the WHERE; ``OFFSET 0`` keeps it a fence. SQLite wants a LIMIT before an
    OFFSET, and needs no fence.
    """
    sql, inner_params = queryset.query.sql_with_params()
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    return f"SELECT * FROM ({sql}{fence}) fenced WHERE {where}", [*inner_params, *params]  # SQL built by Django


def lagging_conditions(asof: AsOf, rules: SupervisionRules, also: list[int] | None = None) -> list[dict]:
    """The rows of ``assignment_conditions`` that may need a warning or already carry one.

    Every figure is computed once per assignment: the annotated query is fenced (``OFFSET 0``
    keeps PostgreSQL from folding it into the outer query, which would evaluate each subquery
    again in the WHERE clause) and the cheap filter runs on its result. The filter only narrows
    the rows; ``condition_level`` then says exactly. ``also``: assignments to read whatever their
    figures (those whose head sits on a report).
    """
    if connection.vendor == "postgresql":
        return _lagging_rows_one_report_probe(asof, rules, also)
    return _lagging_rows(asof, rules, also)


def _lagging_rows(asof: AsOf, rules: SupervisionRules, also: list[int] | None) -> list[dict]:
    """``lagging_conditions`` from ``assignment_conditions`` (two probes of the reports per row)."""
    inner = assignment_conditions(asof).values(*CONDITION_FIELDS)
    # The open warnings as a subquery, hashed once. (Their ids as an array parameter instead were
    # searched one by one on every row: 117,000 rows × 23,000 ids took a province 12 s.)
    warned_sql, warned_params = (
        Notice.objects.open_warnings().order_by().values("assignment_id").query.sql_with_params()
    )
    sqlite = connection.vendor == "sqlite"
    maybe = ["fenced.deadline_then < %s", "fenced.planned - fenced.actual >= %s"]
    maybe_params = [asof.day, float(rules.yellow_lag_points) if sqlite else rules.yellow_lag_points]
    if rules.missing_report_warns:
        maybe.append("fenced.missing_period IS NOT NULL")
    maybe.append(f"fenced.pk IN ({warned_sql})")
    if also:
        maybe.append(f"fenced.pk IN ({', '.join(str(int(pk)) for pk in also)})")
    statement, params = fenced(inner, " OR ".join(maybe), [*maybe_params, *warned_params])
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return [_typed(row) for row in rows] if sqlite else rows


def _lagging_rows_one_report_probe(asof: AsOf, rules: SupervisionRules, also: list[int] | None) -> list[dict]:
    """``lagging_conditions`` on PostgreSQL, with one probe of the reports per assignment, not two.

    The latest report the office held (the actual progress) is read with its period, when it was
    submitted by the moment: for nearly every assignment that report is the due period's one, which
    is then at the office, so the due report needs no probe of its own (at a province's month end,
    110,000 probes less). Only the assignments whose latest report is not the due one (none held,
    an older period, still with the head) are read again, in one query, to tell whether the staff
    filed it (``unfiled``): the same ``missing_period`` as ``with_missing_period`` gives. The rows
    are those ``assignment_conditions`` gives; the filter is the same, after the few re-read.
    """
    latest = reports_held(asof.moment).filter(assignment=OuterRef("pk")).order_by("-period_end")
    probed = Subquery(latest.annotate(zmd_pair=_report_pair("", asof)).values("zmd_pair")[:1], output_field=TextField())
    # The kept latest filed report (``HeldReport``), where it had reached the office by the moment:
    # then it is the latest the office held at the moment too (the latest of all filed reports is
    # the latest of any of them that holds it). Read by one join, not a probe per assignment; the
    # reports are probed only where the kept one came later (a replayed day) or none is kept.
    held = "held_report__"
    zmd_latest = Case(
        When(**{f"{held}held_at__lte": asof.moment}, then=_report_pair(held, asof)),
        When(**{f"{held}isnull": True}, then=Value(None)),  # no filed report at all
        default=probed,
        output_field=TextField(),
    )
    due_key, expected = _due_report(asof)
    inner = (
        open_assignments(asof)
        .annotate(
            planned=planned_on(asof.day),
            node_due=plan_node_on(asof.day),
            zmd_claim=claimed_percent_expression(asof.moment, every_row=True),
            zmd_latest=zmd_latest,
            zmd_due_key=due_key,
            zmd_expected=Case(When(expected, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .values(
            "pk",
            "unit_id",
            "deadline_then",
            "planned",
            "node_due",
            "zmd_claim",
            "zmd_latest",
            "zmd_due_key",
            "zmd_expected",
        )
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    warned_sql, warned_params = (
        Notice.objects.open_warnings().order_by().values("assignment_id").query.sql_with_params()
    )
    other = ["fenced.deadline_then < %s", "fenced.planned - fenced.actual >= %s", f"fenced.pk IN ({warned_sql})"]
    other_params = [asof.day, rules.yellow_lag_points, *warned_params]
    if also:
        other.append(f"fenced.pk IN ({', '.join(str(int(pk)) for pk in also)})")
    # The array's text holds the percent exactly (numeric to text and back); COALESCE as in
    # ``actual_expression``. ``zmd_unsure``: the due period's key where the latest report is not it.
    # ``zmd_other`` is computed once and filtered on above a fence: written again in the WHERE, it
    # hashed the open warnings a second time (two passes over 26,000 of them at province scale).
    statement = (
        "SELECT * FROM (SELECT fenced.*, (" + " OR ".join(other) + ") AS zmd_other FROM ("  # SQL built by Django
        "SELECT i.pk, i.unit_id, i.deadline_then, i.planned, i.node_due, "
        "COALESCE(i.zmd_claim, (i.zmd_latest)[1]::numeric, 0) AS actual, "
        "CASE WHEN i.zmd_expected AND (i.zmd_latest)[2] IS DISTINCT FROM i.zmd_due_key THEN i.zmd_due_key "
        f"END AS zmd_unsure FROM ({inner_sql} OFFSET 0) i) fenced OFFSET 0) judged "
        "WHERE judged.zmd_unsure IS NOT NULL OR judged.zmd_other"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*other_params, *inner_params])
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    unsure = {row["pk"]: row["zmd_unsure"] for row in rows if row["zmd_unsure"] is not None}
    # Filed by the staff (``unfiled``), or at the office (a report's filing precedes its submission:
    # the probe ``with_missing_period`` tries first; both, so that no report is judged otherwise).
    filed = (
        set(
            ProgressReport.objects.order_by()
            .filter(AnyOf("assignment_id", sorted(unsure)), period__in=set(unsure.values()))
            .filter(
                lateness.clerk_filed(asof.moment) | Q(status__in=FILED_REPORT_STATUSES, submitted_at__lte=asof.moment)
            )
            .values_list("assignment_id", "period")
        )
        if unsure
        else set()
    )
    kept = []
    for row in rows:
        key = row.pop("zmd_unsure")
        row["missing_period"] = key if key is not None and (row["pk"], key) not in filed else None
        if row.pop("zmd_other") or (rules.missing_report_warns and row["missing_period"]):
            kept.append(row)
    return kept


def _report_pair(prefix: str, asof: AsOf) -> Func:
    """ARRAY[percent as text, the period where the report was submitted by the moment]."""
    at_office_period = Case(
        When(**{f"{prefix}submitted_at__lte": asof.moment}, then=F(f"{prefix}period")), default=Value(None)
    )
    return Func(
        Cast(f"{prefix}progress_percent", TextField()),
        at_office_period,
        template="ARRAY[%(expressions)s]",
        output_field=TextField(),
    )


def _typed(row: dict) -> dict:
    """SQLite hands a raw cursor dates as text and decimals as floats; PostgreSQL's types are already right."""
    for name in ("deadline_then", "node_due"):
        if isinstance(row[name], str):
            row[name] = dt.date.fromisoformat(row[name][:10])
    for name in ("planned", "actual"):
        row[name] = Decimal(str(row[name])).quantize(Decimal("0.1"))
    return row


def overdue_instruction_assignments(asof: AsOf) -> dict[int, dt.date]:
    """{assignment: earliest due date} of open assignments whose unit had, at the moment, an
    instruction (批示) on their target past its due date and unanswered.

    Read from the instructions' side (a handful are overdue on a night), then their open
    assignments by the (target, unit) index: a subquery per open assignment cost a probe for each
    of a province's 100,000 to find a few."""
    answered = InstructionAnswer.objects.filter(
        instruction=OuterRef("instruction_id"), unit=OuterRef("unit_id"), answered_at__lte=asof.moment
    )
    overdue = (
        Instruction.units.through.objects.filter(
            instruction__due_date__lt=asof.day, instruction__created_at__lte=asof.moment
        )
        .exclude(Exists(answered))
        .values_list("unit_id", "instruction__target_id", "instruction__due_date")
    )
    earliest: dict[tuple[int, int], dt.date] = {}
    for unit_id, target_id, due in overdue:
        if (unit_id, target_id) not in earliest or due < earliest[unit_id, target_id]:
            earliest[unit_id, target_id] = due
    if not earliest:
        return {}
    rows = (
        open_assignments(asof)
        .filter(target_id__in={target_id for _unit_id, target_id in earliest})
        .values_list("pk", "unit_id", "target_id")
    )
    return {pk: earliest[unit_id, target_id] for pk, unit_id, target_id in rows if (unit_id, target_id) in earliest}


def condition_level(row: dict, day: dt.date, rules: SupervisionRules) -> int:
    """Red past the deadline or above the red threshold; yellow behind plan, without a report due,
    or with a report its head has sat on past the limit (负责人未审批)."""
    lag = row["planned"] - row["actual"]
    if row["deadline_then"] < day or lag > rules.red_lag_points:
        return WarningLevel.RED
    unreported = row["missing_period"] or row.get("head_late_period")
    if lag >= rules.yellow_lag_points or (rules.missing_report_warns and unreported):
        return WarningLevel.YELLOW
    if rules.warn_on_overdue_instruction and row.get("instruction_due"):
        return WarningLevel.YELLOW
    return WarningLevel.GREEN


CONDITION_FIELDS = ("pk", "unit_id", "deadline_then", "planned", "node_due", "actual", "missing_period")
