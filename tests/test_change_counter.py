"""The dashboard kept per the database's count of changes (``tasks.services.change_counter``):
every table is counted, any write moves the count, and after each kind of change the page served
is the page computed afresh."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from accountability import services as acc
from accountability.choices import RuleCode
from accountability.models import Notice, ScoreEntry
from accountability.services.notices import close_notices
from tasks import services
from tasks.choices import WarningLevel
from tasks.models import Target, Unit
from tasks.services import change_counter
from tasks.views import dashboard as dashboard_view
from tests.judgment.helpers import warn
from tests.scenarios import D, at, file_report
from tests.test_score_pages import ledger  # noqa: F401 (a fixture)

ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="the count is kept by PostgreSQL triggers")
DAY = D(2018, 8, 2)
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"')


def _page(client, query: str = "?year=2018") -> str:
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())  # a new token each response, the same form


def _fresh(client, query: str = "?year=2018") -> str:
    cache.clear()  # nothing kept: every figure computed from the records
    return _page(client, query)


@pytest.fixture
def computed(monkeypatch):
    """The times the dashboard computed its figures (not served from the count's key)."""
    calls = []
    real = dashboard_view._figures
    monkeypatch.setattr(dashboard_view, "_figures", lambda *args: calls.append(args) or real(*args))
    return calls


def _settled(client, query: str = "?year=2018", day=DAY) -> str:
    """The page once what its first readings keep (the units' facts) is kept: then served."""
    with at(day):
        for _ in range(3):
            page = _page(client, query)
    return page


@ON_POSTGRES
def test_every_table_is_counted_but_those_written_on_sign_in(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND ns.nspname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
            [change_counter.FUNCTION],
        )
        uncounted = {name for (name,) in cursor.fetchall()}
    assert uncounted and uncounted <= change_counter.UNCOUNTED
    assert {"tasks_assignment", "accountability_notice", "tasks_target"}.isdisjoint(uncounted)


@ON_POSTGRES
def test_any_write_moves_the_count_hand_written_sql_too(transactional_db, unit_a):
    before = change_counter.count()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tasks_unit SET sort_order = sort_order + 1 WHERE id = %s", [unit_a.pk])
    after = change_counter.count()
    assert before is not None and after[:3] == before[:3] and after[3] > before[3]


@ON_POSTGRES
def test_folding_keeps_the_count(transactional_db, unit_a):
    for _ in range(3):
        Unit.objects.filter(pk=unit_a.pk).update(sort_order=5)
    before = change_counter.count()
    change_counter.fold()
    assert change_counter.count() == before
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {change_counter.LOG}")
        assert cursor.fetchone()[0] == 1


def test_inside_a_transaction_and_on_sqlite_nothing_is_kept_by_the_count(db):
    # Inside ``atomic`` (a rolled-back write would leave figures of rows that never were); on
    # SQLite there are no triggers: the page computes its figures as before.
    with transaction.atomic():
        assert change_counter.count() is None
    assert change_counter.kept("x", (), lambda: 1) == 1 and change_counter.kept("x", (), lambda: 2) == 2


@ON_POSTGRES
def test_the_page_served_from_the_count_is_the_page_computed_afresh(transactional_db, ledger, client, dave, computed):  # noqa: F811
    client.force_login(dave)
    for query in ("?year=2018", "?year=2018&scope=city"):
        served = _settled(client, query)
        del computed[:]
        with at(DAY):
            assert _page(client, query) == served
            assert computed == []  # served from the count's key
            assert _fresh(client, query) == served


CHANGES = {}


def change(function):
    CHANGES[function.__name__] = function
    return function


@change
def a_report_accepted(target, erin):
    lead = target.assignments.get(role="lead")
    report = file_report(lead, lead.unit.roles.get(kind="staff").user, D(2018, 8, 1), period="2018-07", percent=80)
    with at(DAY):
        services.accept_report(report, acting_user=erin)


@change
def a_warning_issued(target, erin):
    warn(target.assignments.order_by("pk")[:1], WarningLevel.RED, on=D(2018, 8, 1))


@change
def a_warning_closed(target, erin):
    with at(DAY):
        warnings = list(Notice.objects.filter(kind="warning"))
        close_notices(warnings, reason="已整改", acting_user=erin, change_reason="整改完成")


@change
def a_target_edited(target, erin):
    Target.objects.filter(pk=target.pk).update(title="改过名的目标任务")


@change
def a_unit_renamed(target, erin):
    Unit.objects.filter(pk=target.assignments.order_by("pk").first().unit_id).update(name="改过名的单位")


@change
def points_changed(target, erin):
    appeal = ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE).appeal
    with at(DAY):
        acc.decide_appeal(appeal, reverse=True, note="系统故障属实", acting_user=erin)


@ON_POSTGRES
@pytest.mark.parametrize("name", sorted(CHANGES))
def test_the_page_follows_each_kind_of_change(transactional_db, ledger, client, dave, erin, leader, computed, name):  # noqa: F811
    Target.objects.filter(pk=ledger.pk).update(leader=leader)  # in the leader's own targets too
    if name == "a_warning_closed":
        warn(ledger.assignments.order_by("pk")[:1], WarningLevel.RED, on=D(2018, 8, 1))
    client.force_login(dave)
    queries = ("?year=2018", "?year=2018&scope=city")  # the leader's own, then the city
    before = [_settled(client, query) for query in queries]
    del computed[:]
    CHANGES[name](ledger, erin)
    after = []
    with at(DAY):
        for query in queries:
            after.append(_page(client, query))
            assert after[-1] == _fresh(client, query)
    assert computed  # the change named a new count: computed again
    assert after != before  # and it shows


@ON_POSTGRES
def test_the_page_follows_the_date(transactional_db, ledger, client, dave, computed):  # noqa: F811
    client.force_login(dave)
    before = _settled(client)
    del computed[:]
    with at(D(2018, 8, 20)):  # nothing written: only today moved
        moved = _page(client)
        assert moved != before and computed
        assert moved == _fresh(client)


@ON_POSTGRES
def test_before_the_migration_the_page_is_computed(transactional_db, client, dave, monkeypatch, computed):
    # Code deployed before ``migrate``: no count to read, the figures computed as without it.
    monkeypatch.setattr(change_counter, "LOG", "zmd_not_migrated_yet")
    assert change_counter.count() is None
    client.force_login(dave)
    for _ in range(2):
        assert client.get(reverse("dashboard")).status_code == 200
    assert len(computed) == 2
