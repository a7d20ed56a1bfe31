"""Page measures: server time (in-process, through every middleware) and query count of the pages
people open most, each beside the raw SQL the page needs run alone and, for lists, Django admin's
changelist of the same model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.test import Client

from tasks.models import Unit, User

from .measure import Result, median_seconds, query_count, run_sql


@dataclass
class Page:
    name: str
    url: Callable[[], str]
    username: Callable[[], str]
    reference_sql: Callable[[], list[str]]
    admin_url: Callable[[], str] | None = None


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


PAGES = [
    Page("leader dashboard", lambda: "/dashboard/", _leader, _dashboard_sql),
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
]


def _getter(username: str, url: str) -> Callable[[], None]:
    client = Client()
    client.force_login(User.objects.get(username=username))

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code} for {username}")

    return get


def measure_pages(scale: str, pages: list[Page] | None = None) -> list[Result]:
    results = []
    for page in pages or PAGES:
        url = page.url()
        get = _getter(page.username(), url)
        seconds = median_seconds(get)
        queries = query_count(get)
        reference = median_seconds(run_sql(page.reference_sql()))
        results.append(
            Result(
                f"{page.name}: server time",
                scale,
                round(seconds * 1000, 1),
                "ms",
                "raw SQL alone",
                round(reference * 1000, 1),
            )
        )
        results.append(Result(f"{page.name}: queries", scale, queries, "queries", target="≤ 20", met=queries <= 20))
        if page.admin_url:
            admin = median_seconds(_getter("bench_office", page.admin_url()))
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
