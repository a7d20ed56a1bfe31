"""Page measures: server time (in-process, through every middleware) and query count of the pages
people open most, each beside the raw SQL the page needs run alone and, for lists, Django admin's
changelist of the same model. Pages are read on ``TODAY`` with DEBUG off, as in production."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from accountability.choices import DisclosureStatus
from accountability.models import Disclosure
from tasks.models import Unit, User

from .measure import Result, median_seconds, run_sql, slowest_query
from .scales import TODAY

PAGE_QUERY_LIMIT = 20
DASHBOARD_SQL_RATIO = 1.5


@dataclass
class Page:
    name: str
    url: Callable[[], str]
    username: Callable[[], str]
    reference_sql: Callable[[], list[str]]
    admin_url: Callable[[], str] | None = None
    sql_ratio_target: float | None = None  # the page's time may be at most this many times its SQL's


def busiest_unit() -> Unit:
    return Unit.objects.annotate(n=Count("assignments")).order_by("-n", "pk").first()


def _staff_of(unit: Unit) -> str:
    return User.objects.filter(roles__unit=unit, roles__kind="staff").values_list("username", flat=True).first()


def _leader() -> str:
    return User.objects.filter(roles__kind="leader").order_by("pk").values_list("username", flat=True).first()


def _dashboard_sql() -> list[str]:
    """The dashboard's figures in the fewest plain statements over the kept fields."""
    return [
        "SELECT source, target_type, COUNT(*) FROM tasks_target WHERE year = 2018 AND status <> 'draft' "
        "GROUP BY source, target_type",
        "SELECT warning_level, COUNT(*) FROM tasks_assignment WHERE status IN "
        "('issued','signed','in_progress','rectifying','returned') GROUP BY warning_level",
        "SELECT u.id, u.name, u.kind, AVG(a.progress_percent), AVG(a.planned_percent), COUNT(*) "
        "FROM tasks_assignment a JOIN tasks_unit u ON u.id = a.unit_id JOIN tasks_target t ON t.id = a.target_id "
        "WHERE t.year = 2018 AND a.status <> 'draft' GROUP BY u.id, u.name, u.kind ORDER BY 4 DESC",
        "SELECT a.id, t.title, u.name, a.progress_percent, a.planned_percent FROM tasks_assignment a "
        "JOIN tasks_target t ON t.id = a.target_id JOIN tasks_unit u ON u.id = a.unit_id "
        "WHERE a.status IN ('issued','signed','in_progress','rectifying','returned') "
        "AND (a.warning_level > 0 OR a.progress_percent < a.planned_percent) "
        "ORDER BY a.warning_level DESC, a.progress_percent LIMIT 15",
    ]


def _staff_sql() -> list[str]:
    unit = busiest_unit().pk
    return [
        f"SELECT COUNT(*) FROM tasks_assignment WHERE unit_id = {unit} AND status IN "
        "('issued','signed','in_progress','rectifying','returned')",
        "SELECT a.id, t.code, t.title, a.deadline, a.progress_percent, a.planned_percent, a.warning_level, "
        "(SELECT MIN(m.due_date) FROM tasks_milestone m WHERE m.assignment_id = a.id AND m.due_date >= '2018-09-30') "
        "FROM tasks_assignment a JOIN tasks_target t ON t.id = a.target_id "
        f"WHERE a.unit_id = {unit} AND a.status IN ('issued','signed','in_progress','rectifying','returned') "
        "ORDER BY a.warning_level DESC, a.deadline, t.code LIMIT 25",
    ]


def _ledger_sql() -> list[str]:
    return [
        "SELECT COUNT(*) FROM tasks_target",
        "SELECT t.id, t.code, t.title, t.deadline, COUNT(a.id), AVG(a.progress_percent), AVG(a.planned_percent), "
        "MAX(a.warning_level), MAX(CASE WHEN a.role = 'lead' THEN u.name END) FROM tasks_target t "
        "LEFT JOIN tasks_assignment a ON a.target_id = t.id LEFT JOIN tasks_unit u ON u.id = a.unit_id "
        "GROUP BY t.id ORDER BY t.year DESC, t.code LIMIT 25",
    ]


def _ranking_sql() -> list[str]:
    return [
        "SELECT u.id, u.name, u.kind, 100 + COALESCE(SUM(e.amount), 0) AS score, COUNT(e.id) FROM tasks_unit u "
        "LEFT JOIN accountability_scoreentry e ON e.unit_id = u.id "
        f"AND e.occurred_on BETWEEN '{TODAY.year}-01-01' AND '{TODAY.isoformat()}' "
        "GROUP BY u.id, u.name, u.kind ORDER BY score DESC, u.sort_order",
        "SELECT grade, min_score FROM accountability_gradeband ORDER BY min_score DESC",
    ]


def _unit_ledger_sql() -> list[str]:
    unit = busiest_unit().pk
    window = f"occurred_on BETWEEN '{TODAY.year}-01-01' AND '{TODAY.isoformat()}'"
    return [
        f"SELECT COUNT(*), SUM(amount) FROM accountability_scoreentry WHERE unit_id = {unit} AND {window}",
        "SELECT e.id, e.occurred_on, e.amount, e.reason, r.code, t.code FROM accountability_scoreentry e "
        "JOIN accountability_scorerule r ON r.id = e.rule_id LEFT JOIN tasks_target t ON t.id = e.target_id "
        f"WHERE e.unit_id = {unit} AND e.{window} ORDER BY e.occurred_on DESC, e.id DESC LIMIT 25",
    ]


def published_disclosure() -> int:
    return Disclosure.objects.filter(status=DisclosureStatus.PUBLISHED).order_by("-pk").values_list("pk", flat=True)[0]


def _disclosure_sql() -> list[str]:
    return [
        f"SELECT title, period_label, as_of, data FROM accountability_disclosure WHERE id = {published_disclosure()}"
    ]


PAGES = [
    Page("leader dashboard", lambda: "/dashboard/", _leader, _dashboard_sql, sql_ratio_target=DASHBOARD_SQL_RATIO),
    Page(
        "staff workspace list",
        lambda: "/unit/",
        lambda: _staff_of(busiest_unit()),
        _staff_sql,
        lambda: f"/admin/tasks/assignment/?unit__id__exact={busiest_unit().pk}",
    ),
    Page(
        "office ledger list", lambda: "/targets/", lambda: "bench_office", _ledger_sql, lambda: "/admin/tasks/target/"
    ),
    Page("unit ranking", lambda: "/scores/", _leader, _ranking_sql),
    Page(
        "unit points ledger",
        lambda: f"/scores/units/{busiest_unit().pk}/",
        lambda: _staff_of(busiest_unit()),
        _unit_ledger_sql,
        lambda: f"/admin/accountability/scoreentry/?unit__id__exact={busiest_unit().pk}",
    ),
    Page("public disclosure", lambda: f"/public/{published_disclosure()}/", lambda: "", _disclosure_sql),
]


def _getter(username: str, url: str) -> Callable[[], None]:
    client = Client()
    if username:  # else the public, not logged in
        client.force_login(User.objects.get(username=username))

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code} for {username}")

    return get


def measure_pages(scale: str, pages: list[Page] | None = None, *, repeat: int = 7) -> list[Result]:
    results = []
    with override_settings(ZMD_TODAY=TODAY, DEBUG=False), warnings.catch_warnings():
        # WhiteNoise looks for collected static files; pages are measured without them.
        warnings.filterwarnings("ignore", message="No directory at")
        for page in pages or PAGES:
            results += _measure_page(page, scale, repeat)
    return results


def _measure_page(page: Page, scale: str, repeat: int) -> list[Result]:
    url = page.url()
    get = _getter(page.username(), url)
    seconds = median_seconds(get, repeat=repeat, warmup=min(2, repeat))
    queries, slowest = slowest_query(get)
    reference = median_seconds(run_sql(page.reference_sql()), repeat=repeat, warmup=min(2, repeat))
    target = f"≤ {page.sql_ratio_target}× SQL" if page.sql_ratio_target else ""
    timed = Result(
        f"{page.name}: server time", scale, round(seconds * 1000, 1), "ms", "raw SQL alone", round(reference * 1000, 1)
    )
    if page.sql_ratio_target:
        timed.target, timed.met = target, timed.ratio is not None and timed.ratio <= page.sql_ratio_target
    results = [
        timed,
        Result(
            f"{page.name}: queries",
            scale,
            queries,
            "queries",
            target=f"≤ {PAGE_QUERY_LIMIT}",
            met=queries <= PAGE_QUERY_LIMIT,
            note=slowest,
        ),
    ]
    if page.admin_url:
        admin = median_seconds(_getter("bench_office", page.admin_url()), repeat=repeat, warmup=min(2, repeat))
        results.append(
            Result(
                f"{page.name}: server time vs admin",
                scale,
                round(seconds * 1000, 1),
                "ms",
                "Django admin changelist",
                round(admin * 1000, 1),
            )
        )
    return results
