"""Read-side queries of the five lists: the register's filters, pending work, dashboard counts.

Each answers in a fixed number of queries, whatever the number of notices.
"""

from __future__ import annotations

from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast

from core import clock
from core.access import Action, access_for
from tasks.choices import AssignmentStatus, ClaimStatus, ExtensionStatus, ReportStatus, WarningLevel
from tasks.models import Assignment, CompletionClaim, ExtensionRequest, ProgressReport

from ..choices import ANSWERED_KINDS, OPEN_NOTICE_STATUSES, NoticeCause, NoticeKind, NoticeStatus
from ..models import Notice, NoticeTally, ProblemDecision
from ..services import notice_tally

# What waits for someone: a unit to sign (issued), to answer (signed), the office to verify (answered).
WAITING_STATUSES = (NoticeStatus.ISSUED, NoticeStatus.SIGNED, NoticeStatus.ANSWERED)
STATE_FILTERS = {
    "open": Q(status__in=OPEN_NOTICE_STATUSES),
    "unsigned": Q(status=NoticeStatus.ISSUED),
    "answered": Q(status=NoticeStatus.ANSWERED, kind__in=ANSWERED_KINDS),
    "closed": Q(status=NoticeStatus.CLOSED),
    "proposed": Q(status=NoticeStatus.PROPOSED),
    "withdrawn": Q(status=NoticeStatus.WITHDRAWN),
}


def register(user, filters: dict) -> QuerySet:
    """The notices ``user`` may see, filtered as the register's form says (withdrawn ones too: the
    register accounts for every number given)."""
    notices = (
        Notice.all_notices.for_user(user)
        .select_related("unit", "target", "decision_item")
        .order_by("-issued_at", "-created_at", "-pk")
    )
    if filters.get("kind"):
        notices = notices.filter(kind=filters["kind"])
    if filters.get("level") is not None:
        notices = notices.filter(level=filters["level"])
    if filters.get("unit"):
        notices = notices.filter(unit=filters["unit"])
    if filters.get("state"):
        notices = notices.filter(STATE_FILTERS[filters["state"]])
    if filters.get("year"):
        notices = notices.filter(year=filters["year"])
    if filters.get("q"):
        text = filters["q"].strip()
        notices = notices.filter(Q(number__icontains=text) | Q(target__title__icontains=text) | Q(target__code=text))
    return notices


def problem_reports(user) -> QuerySet:
    """Filed reports that raise a problem, the office may see."""
    return (
        ProgressReport.objects.for_user(user, Action.MANAGE)
        .exclude(problems="")
        .filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
    )


def _same_problem(**extra) -> QuerySet:
    """Reports of the same assignment raising the same problem text as the outer row."""
    return ProgressReport.objects.filter(
        assignment=OuterRef("assignment"),
        problems=OuterRef("problems"),
        status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED],
        **extra,
    )


def open_problems(user) -> QuerySet:
    """待督查问题: each problem once (the first report raising its text on an assignment; the later
    months repeating it are counted in ``repeats``), until an issue-supervision notice covers it or
    the office marks it resolved or merged, on assignments still open. Oldest first."""
    supervised = Notice.objects.filter(
        kind=NoticeKind.SUPERVISION, cause=NoticeCause.PROBLEM, assignment=OuterRef("assignment")
    ).filter(Q(period=OuterRef("period")) | Q(report__problems=OuterRef("problems")))
    decided = ProblemDecision.objects.filter(
        report__assignment=OuterRef("assignment"), report__problems=OuterRef("problems")
    )
    repeats = _same_problem().order_by().values("assignment").annotate(n=Count("pk")).values("n")
    latest = _same_problem().order_by("-period_end").values("period")[:1]
    return (
        problem_reports(user)
        .filter(assignment__in=Assignment.objects.open().values("pk"))
        .exclude(Exists(supervised))
        .exclude(Exists(decided))
        .exclude(Exists(_same_problem(period_end__lt=OuterRef("period_end"))))
        .annotate(repeats=Subquery(repeats), latest_period=Subquery(latest))
        .select_related("assignment__unit", "assignment__target")
        .order_by("period_end", "assignment__unit__sort_order", "pk")
    )


def closed_problems(user) -> QuerySet:
    """Problems the office has closed, the latest decision first."""
    return (
        ProblemDecision.objects.filter(report__in=problem_reports(user).values("pk"))
        .select_related("report__assignment__unit", "report__assignment__target", "decided_by", "merged_into")
        .order_by("-decided_at", "-pk")
    )


def awaiting_close_out(user) -> QuerySet:
    """销号核验: claimed (or verified, not yet closed) assignments, each with its waiting claim and files."""
    claims = CompletionClaim.objects.filter(status=ClaimStatus.PENDING).select_related("claimed_by")
    return (
        Assignment.objects.for_user(user, Action.MANAGE)
        .filter(status__in=[AssignmentStatus.CLAIMED, AssignmentStatus.VERIFIED])
        .select_related("target", "unit")
        .prefetch_related(Prefetch("claims", queryset=claims, to_attr="pending_claims"), "pending_claims__evidence")
    )


def pending_extensions(user) -> QuerySet:
    """Requests for more time (申请延期) waiting for the office, oldest first."""
    return (
        ExtensionRequest.objects.for_user(user, Action.MANAGE)
        .filter(status=ExtensionStatus.PENDING)
        .select_related("assignment__target", "assignment__unit", "requested_by")
        .order_by("requested_at")
    )


def recently_closed(user) -> QuerySet:
    """The latest close-outs, newest first: the office may still return one for redo (退回重办)."""
    return (
        Assignment.objects.for_user(user, Action.MANAGE)
        .filter(status=AssignmentStatus.CLOSED)
        .select_related("target", "unit")
        .order_by("-closed_at", "-pk")
    )


def office_pending(user) -> dict[str, int]:
    """What waits for the office, in five queries."""
    if not access_for(user).office:
        return {}
    counts = Notice.objects.aggregate(
        proposed=Count("pk", filter=Q(status=NoticeStatus.PROPOSED)),
        answered=Count("pk", filter=Q(status=NoticeStatus.ANSWERED, kind__in=ANSWERED_KINDS)),
        unsigned=Count("pk", filter=Q(status=NoticeStatus.ISSUED)),
    )
    counts["close_outs"] = awaiting_close_out(user).count()
    counts["extensions"] = pending_extensions(user).count()
    counts["problems"] = open_problems(user).count()
    return counts


def notice_counts(user, *, year: int | None = None, kept: bool | None = None) -> dict[str, int]:
    """The leader dashboard's figures, in one query: open warnings by colour, notices issued this
    year by kind, what waits for units, published exposures.

    For a reader who sees every unit, read from the tally PostgreSQL keeps (``NoticeTally``: a few
    hundred rows, where the year's issued notices were 200,000 at province scale and 60 ms to count
    however indexed); else, and on SQLite, counted from the notices in three grouped parts, each
    read from an index. Both go through the same parts and the same visibility rule (``for_user``).
    ``kept``: force one source (the tests compare them).
    """
    year = year or clock.today().year
    if kept is None:
        kept = notice_tally.is_kept() and access_for(user).allows_everywhere(Action.VIEW)
    if kept:
        rows = _count_parts(NoticeTally.objects.for_user(user).order_by(), year, Sum("n"), Q(issued=True))
    else:
        # Not COUNT(id): the index alone answers.
        rows = _count_parts(Notice.objects.for_user(user).order_by(), year, Count("*"), Q(issued_at__isnull=False))
    counts = dict.fromkeys(
        ["yellow", "orange", "red", "open_warnings", "unsigned", "answered", "to_answer", "published_exposures"], 0
    )
    counts.update({f"issued_{kind}": 0 for kind in NoticeKind.values})
    levels = {str(WarningLevel.YELLOW.value): "yellow", str(WarningLevel.ORANGE.value): "orange"}
    levels[str(WarningLevel.RED.value)] = "red"
    for row in rows:
        tag, first, second, n = row["zmd_tag"], row["zmd_a"], row["zmd_b"], row["n"]
        if tag == "open":
            counts["open_warnings"] += n
            if first in levels:
                counts[levels[first]] += n
        elif tag == "waiting":
            if first == NoticeStatus.ISSUED:
                counts["unsigned"] += n
            elif second in ANSWERED_KINDS:
                counts["answered" if first == NoticeStatus.ANSWERED else "to_answer"] += n
        else:
            counts[f"issued_{first}"] += n
            if first == NoticeKind.EXPOSURE and str(second).lower() in ("true", "1"):
                counts["published_exposures"] += n
    counts["year"] = year
    return counts


def _count_parts(visible: QuerySet, year: int, count, issued: Q):
    """The three grouped parts of ``notice_counts`` over ``visible`` (notices, or their tally),
    as one UNION ALL: (tag, first, second, n) rows."""
    text = CharField()

    def grouped(queryset, tag: str, first, second):
        return (
            queryset.annotate(zmd_tag=Value(tag, text), zmd_a=first, zmd_b=second)
            .values("zmd_tag", "zmd_a", "zmd_b")
            .annotate(n=count)
        )

    parts = [
        grouped(
            visible.filter(kind=NoticeKind.WARNING, status__in=OPEN_NOTICE_STATUSES),
            "open",
            Cast("level", text),
            Value("", text),
        ),
        grouped(
            visible.filter(status__in=WAITING_STATUSES, kind__in=NoticeKind.values),
            "waiting",
            F("status"),
            F("kind"),
        ),
        grouped(visible.filter(issued, year=year), "issued", F("kind"), Cast("is_published", text)),
    ]
    return parts[0].union(*parts[1:], all=True)
