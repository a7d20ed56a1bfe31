"""The import's set-based save (``tasks.services.bulk_history``): history rows as the per-row services
write them, a query count that does not grow with the rows, and planned progress set on insert."""

import datetime as dt
import gc

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk_history import HistoryStamp, fewer_collections, insert_rows
from tasks import services
from tasks.choices import Source, TargetType
from tasks.excel.plan import plan_import
from tasks.models import Assignment, Milestone, Target
from tasks.services.plans import planned_percent_at
from tests.factories import ResponsiblePersonFactory
from tests.sheets import make_sheet, row

MOMENT = dt.datetime(2018, 5, 2, 9, 30, tzinfo=dt.UTC)


def _plan(path, user):
    plan = plan_import(path, path.name, year=2018, acting_user=user)
    assert plan.is_valid, [str(p) for p in plan.problems]
    return plan


def _rows(count: int, *, start: int = 0) -> list[dict]:
    return [
        row(目标任务=f"第{n}项任务", 配合单位="乙局", 责任人="王主任", 一季度="完成方案", 二季度="50%", 三季度=None)
        for n in range(start, start + count)
    ]  # fmt: skip


def _saving_queries(path, user) -> list[str]:
    plan = _plan(path, user)
    with CaptureQueriesContext(connection) as captured:
        services.import_breakdown(plan, acting_user=user)
    return [query["sql"] for query in captured.captured_queries]


@time_machine.travel(MOMENT, tick=False)
def test_every_created_row_has_one_history_row_naming_the_user_the_reason_and_the_moment(
    tmp_path, erin, unit_a, unit_b
):
    services.import_breakdown(_plan(make_sheet(tmp_path / "s.xlsx", _rows(3)), erin), acting_user=erin)
    for model in (Target, Assignment, Milestone):
        stored = model.objects.count()
        history = model.history.all()
        assert stored and history.count() == stored
        assert set(history.values_list("history_type", "history_user", "history_change_reason", "history_date")) == {
            ("+", erin.pk, "Imported from the breakdown sheet", MOMENT)
        }
    target = Target.objects.get(title="第1项任务")
    recorded = target.history.get()
    assert (recorded.code, recorded.deadline, recorded.leader_id) == (target.code, target.deadline, target.leader_id)
    assert (target.created_at, target.updated_at) == (MOMENT, MOMENT)


def test_an_edited_row_gets_a_change_history_row_and_untouched_rows_get_none(tmp_path, erin, unit_a, unit_b):
    services.import_breakdown(_plan(make_sheet(tmp_path / "s.xlsx", _rows(3)), erin), acting_user=erin)
    edited = _rows(3)
    edited[1]["完成时限"] = "11月底"
    services.import_breakdown(_plan(make_sheet(tmp_path / "e.xlsx", edited), erin), acting_user=erin)
    changed = Target.objects.get(title="第1项任务")
    assert list(changed.history.values_list("history_type", flat=True)) == ["~", "+"]
    assert changed.history.first().deadline == dt.date(2018, 11, 30)
    assert changed.history.first().history_user == erin
    assert Target.objects.get(title="第0项任务").history.count() == 1
    lead = changed.assignments.get(unit=unit_a)
    assert lead.deadline == dt.date(2018, 11, 30)
    assert [h.history_type for h in lead.history.all()] == ["~", "+"]


@pytest.fixture
def known_people(unit_a, unit_b):
    """The sheets' 责任人 already on the units' lists: no person is created, whatever the sheet."""
    return [ResponsiblePersonFactory(unit=unit, name="王主任") for unit in (unit_a, unit_b)]


def test_the_save_takes_the_same_number_of_queries_for_four_rows_and_for_twelve(
    tmp_path, erin, unit_a, unit_b, known_people
):
    few = _saving_queries(make_sheet(tmp_path / "few.xlsx", _rows(4)), erin)
    many = _saving_queries(make_sheet(tmp_path / "many.xlsx", _rows(12, start=100)), erin)
    assert len(many) == len(few)
    assert Target.objects.count() == 16


def test_the_save_takes_a_fixed_number_of_queries_per_batch(tmp_path, erin, unit_a, unit_b, monkeypatch, known_people):
    one_batch = _saving_queries(make_sheet(tmp_path / "one.xlsx", _rows(4)), erin)
    monkeypatch.setattr("core.bulk_history.BATCH_ROWS", 2)
    four_rows_in_pairs = _saving_queries(make_sheet(tmp_path / "pairs.xlsx", _rows(4, start=100)), erin)
    # Targets, links (two per target) and plan nodes (two per link) go in twice, four and eight times
    # as many batches; each batch is its insert (with a sequence read on Postgres) and its history.
    per_batch = 3 if connection.vendor == "postgresql" else 2
    assert len(four_rows_in_pairs) - len(one_batch) == per_batch * ((2 - 1) + (4 - 1) + (8 - 1))


def test_importing_the_same_sheet_again_writes_nothing(tmp_path, erin, unit_a, unit_b):
    path = make_sheet(tmp_path / "s.xlsx", _rows(5))
    services.import_breakdown(_plan(path, erin), acting_user=erin)
    queries = _saving_queries(path, erin)
    writes = [sql for sql in queries if not sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
    assert writes == []
    assert Target.history.count() == 5


@time_machine.travel(dt.datetime(2018, 5, 2, 9, tzinfo=dt.UTC), tick=False)
def test_new_links_carry_the_planned_progress_of_their_plan_nodes_due_by_today(tmp_path, erin, unit_a, unit_b):
    services.import_breakdown(_plan(make_sheet(tmp_path / "s.xlsx", _rows(2)), erin), acting_user=erin)
    today = dt.date(2018, 5, 2)
    links = list(Assignment.objects.all())
    assert len(links) == 4
    for link in links:
        assert link.planned_percent == planned_percent_at(link, today)
        assert link.planned_as_of == today
        assert link.planned_node_due == link.milestones.filter(due_date__lte=today).latest("due_date").due_date
    assert all(link.planned_percent > 0 for link in links)  # the first quarter's node is due by May


def test_text_with_backslashes_and_line_breaks_is_stored_exactly(tmp_path, erin, unit_a):
    path = make_sheet(
        tmp_path / "s.xlsx", [row(目标任务="路径 C:\\data\\new\n第一行\n第二行", 备注="反斜杠\\N 不是空值")]
    )
    services.import_breakdown(_plan(path, erin), acting_user=erin)
    target = Target.objects.get()
    assert (target.title, target.description) == ("路径 C:\\data\\new", "第一行\n第二行")
    assert target.remarks == target.history.get().remarks == "反斜杠\\N 不是空值"


def test_inserted_rows_keep_tabs_carriage_returns_and_empty_values(erin):
    stamp = HistoryStamp.now(erin, "测试")
    text = "甲\t乙\r\n丙\\t"
    columns = ["year", "code", "title", "description", "source", "target_type", "start_date", "deadline"]
    values = (2018, "T-1", "标题", text, Source.WORK_REPORT, TargetType.TASK, dt.date(2018, 1, 1), dt.date(2018, 6, 30))
    [pk] = insert_rows(Target, columns, [values], stamp=stamp)
    target = Target.objects.get(pk=pk)
    assert (target.description, target.remarks, target.target_value, target.is_key) == (text, "", None, False)
    assert target.history.get().description == text


def test_a_clash_found_only_while_saving_stores_nothing(tmp_path, erin, unit_a, unit_b):
    plan = _plan(make_sheet(tmp_path / "s.xlsx", _rows(3)), erin)
    clash = plan.work[2].target
    Target.objects.create(
        year=2018, code=clash.code, title="别人刚建的", source=clash.source, target_type=clash.target_type,
        start_date=clash.start_date, deadline=clash.deadline,
    )  # fmt: skip
    with pytest.raises(services.RuleViolation, match="The sheet breaks a rule of the ledger and nothing was saved"):
        services.import_breakdown(plan, acting_user=erin)
    assert Target.objects.count() == 1
    assert (Assignment.objects.count(), Assignment.history.count(), Target.history.count()) == (0, 0, 1)


def test_the_collector_threshold_is_raised_while_importing_and_restored_after(tmp_path, erin, unit_a, unit_b):
    before = gc.get_threshold()
    seen = []
    with fewer_collections():
        with fewer_collections():
            seen.append(gc.get_threshold()[0])
        seen.append(gc.get_threshold()[0])
    services.import_breakdown(_plan(make_sheet(tmp_path / "s.xlsx", _rows(2)), erin), acting_user=erin)
    assert seen == [max(100_000, before[0])] * 2
    assert gc.get_threshold() == before
