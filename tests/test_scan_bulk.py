"""The set-based issue path (issue #21, part 3): task notices and the scan's warnings are numbered,
worded, stored with their history and delivered to the units' inboxes in a few statements, whatever
their number, and give exactly what the one-by-one path gave (the wording is pinned here as text).
"""

from __future__ import annotations

from contextlib import nullcontext
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accountability.choices import EmailStatus, MessageKind, NoticeCause, NoticeKind, NoticeStatus
from accountability.models import InboxMessage, Notice, NoticeCounter
from accountability.services import delivery, issue_task_notices
from core.access import RoleKind
from tasks import services
from tasks.choices import AssignmentRole, WarningLevel
from tasks.models import Assignment
from tests.factories import RoleFactory, TargetFactory, UnitFactory, UserFactory, named
from tests.notice_helpers import D, at, scan

ISSUED_ON = D(2018, 1, 2)


def _breakdown(erin, leader, *, targets: int, units: int, plans: bool = False, batch: str = "") -> list:
    """``targets`` targets issued on 01-02, each to ``units`` units (the first leads); each unit has
    a staff member with an email address and a head without one; with ``plans``, a monthly plan."""
    unit_list = []
    for index in range(units):
        unit = UnitFactory(name=f"批量单位{batch}{index}", sort_order=index)
        RoleFactory(user=UserFactory(username=f"staff{batch}{index}", email=f"s{batch}{index}@example.cn"), unit=unit)
        RoleFactory(user=UserFactory(username=f"head{batch}{index}", email=""), kind=RoleKind.HEAD, unit=unit)
        unit_list.append(unit)
    assignments = []
    for number in range(targets):
        target = TargetFactory(
            leader=leader, code=f"B{batch}-{number:03d}", title=f"批量目标{batch}{number}", deadline=D(2018, 12, 31)
        )
        for index, unit in enumerate(unit_list):
            role = AssignmentRole.LEAD if index == 0 else AssignmentRole.CO
            services.add_assignment(target, unit=unit, **named(unit), role=role, acting_user=erin)
        with at(ISSUED_ON, 9):
            for assignment in services.issue_target(target, acting_user=erin):
                if plans:
                    services.generate_milestones(assignment, granularity="month", acting_user=erin)
                assignments.append(assignment)
    return assignments


def _task_body(title: str, code: str, unit: str, role: str) -> str:
    return (
        f"根据2018年度目标任务分解，“{title}”（编号{code}）由你单位（{unit}）作为{role}承担，须于2018年12月31日前完成。"
        "请按照“一名领导、一个专班、一个时限、一份问责”的要求，倒排工期、挂图作战，按时报送工作进展。"
    )


TASK_ACTION = "请于2018年1月5日前签收本告知单，并按计划节点报送进度。"


@pytest.mark.django_db
def test_task_notices_are_numbered_worded_stored_and_delivered_as_one_by_one(erin, leader):
    _breakdown(erin, leader, targets=2, units=3)
    assert not Notice.objects.exists()  # the jobs run after commit: nothing issued yet
    pending: list[int] = []
    with at(ISSUED_ON, 10), mock.patch.object(delivery, "send_after_commit", side_effect=pending.extend):
        notices = issue_task_notices(list(Assignment.objects.values_list("pk", flat=True)), acting_user=erin)
    # Numbers 1…6 without a gap, in the order of the register: target code, role ("co" before
    # "lead"), unit.
    assert [n.number for n in notices] == [f"驻督告〔2018〕{serial}号" for serial in range(1, 7)]
    assert NoticeCounter.objects.get(kind=NoticeKind.TASK, year=2018).last_serial == 6
    stored = list(Notice.objects.filter(kind=NoticeKind.TASK).order_by("serial").select_related("unit", "target"))
    assert [n.pk for n in stored] == [n.pk for n in notices]
    expected = [
        (f"批量目标{t}", f"B-{t:03d}", f"批量单位{u}", "牵头单位" if u == 0 else "配合单位")
        for t in range(2)
        for u in (1, 2, 0)
    ]
    assert [(n.target.title, n.target.code, n.unit.name) for n in stored] == [e[:3] for e in expected]
    for notice, (title, code, unit, role) in zip(stored, expected, strict=True):
        assert (notice.title, notice.status) == ("任务告知单", NoticeStatus.ISSUED)
        assert notice.cause == NoticeCause.ASSIGNMENT_ISSUED
        assert notice.body == _task_body(title, code, unit, role)
        assert notice.required_action == TASK_ACTION
        assert notice.due_date == D(2018, 1, 5) and notice.issued_by == erin
        history = list(notice.history.all())
        assert [(h.history_type, h.history_user, h.history_change_reason) for h in history] == [
            ("+", erin, "Task notice issued")
        ]
        assert (history[0].number, history[0].body, history[0].status) == (notice.number, notice.body, "issued")
    # Each unit's staff (with an address) and head (without) get the notice in their inbox.
    messages = list(InboxMessage.objects.order_by("pk").select_related("recipient", "notice"))
    # (Within a notice, the recipients come in the order the database lists the unit's roles.)
    assert sorted((m.notice.number, m.recipient.username) for m in messages) == sorted(
        (f"驻督告〔2018〕{t * 3 + place + 1}号", who)
        for t in range(2)
        for place, u in enumerate((1, 2, 0))
        for who in (f"staff{u}", f"head{u}")
    )
    for message in messages:
        notice = message.notice
        assert message.kind == MessageKind.NOTICE and message.day == ISSUED_ON
        assert message.subject == f"{notice.number} 任务告知单：{notice.target.title}"
        assert message.body == f"{notice.body}\n{TASK_ACTION}"
        has_address = message.recipient.username.startswith("staff")
        assert message.email_status == (EmailStatus.PENDING if has_address else EmailStatus.NO_ADDRESS)
    # The emails and the channels start from the ids of every message (a person without an email
    # address may still get a text message or a work-group post); the email job skips those.
    assert sorted(pending) == sorted(m.pk for m in messages)


@pytest.mark.django_db
def test_issuing_again_issues_nothing_and_takes_no_number(erin, leader):
    _breakdown(erin, leader, targets=1, units=3)
    ids = list(Assignment.objects.values_list("pk", flat=True))
    with at(ISSUED_ON, 10):
        first = issue_task_notices(ids, acting_user=erin)
        again = issue_task_notices(ids, acting_user=erin)
    assert len(first) == 3 and again == []
    assert NoticeCounter.objects.get(kind=NoticeKind.TASK, year=2018).last_serial == 3
    assert Notice.objects.count() == 3 and InboxMessage.objects.count() == 6
    assert Notice.history.model.objects.count() == 3


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


@pytest.mark.django_db
def test_task_notices_cost_the_same_queries_for_two_or_many(erin, leader, django_assert_max_num_queries):
    few = [a.pk for a in _breakdown(erin, leader, targets=1, units=2, batch="a")]
    with at(ISSUED_ON, 10):
        few_queries = _queries(lambda: issue_task_notices(few, acting_user=erin))
    # Up to a batch of SQLite's parameters (PostgreSQL takes any number of rows in one COPY).
    many = [a.pk for a in _breakdown(erin, leader, targets=4, units=4, batch="b")]
    with at(ISSUED_ON, 10), django_assert_max_num_queries(few_queries):
        issued = issue_task_notices(many, acting_user=erin)
    assert len(issued) == 16 and InboxMessage.objects.count() == 2 * 2 + 16 * 2


def _warned_scan(erin, leader, *, targets: int, units: int, counted=nullcontext):
    """Issue the breakdown and its task notices, scan in January (nothing due yet), then on 02-08
    (January's reports are missing: a yellow for every assignment); the last scan and its queries."""
    ids = [a.pk for a in _breakdown(erin, leader, targets=targets, units=units, plans=True)]
    with at(ISSUED_ON, 10):
        issue_task_notices(ids, acting_user=erin)
    scan(D(2018, 1, 15))
    assert not Notice.objects.filter(kind=NoticeKind.WARNING).exists()
    with counted(), CaptureQueriesContext(connection) as queries:
        result = scan(D(2018, 2, 8))
    return result, len(queries)


@pytest.mark.django_db
def test_a_scan_warns_every_unit_in_the_same_queries_whatever_their_number(erin, leader):
    result, _queries_done = _warned_scan(erin, leader, targets=2, units=2)
    warnings = [n for n in result.issued if n.kind == NoticeKind.WARNING]
    assert len(warnings) == 4
    assert [n.number for n in warnings] == [f"驻督预〔2018〕{serial}号" for serial in range(1, 5)]
    yellow_for_january = (WarningLevel.YELLOW, NoticeCause.MISSING_REPORT, "2018-01")
    assert {(n.level, n.cause, n.period) for n in warnings} == {yellow_for_january}
    # Wording: the missing report named, then the standing against plan.
    first = Notice.objects.get(pk=warnings[0].pk)
    assert first.title == "进度预警单（黄色）"
    assert first.body == (
        "你单位“批量目标0”2018-01进度报告应于2018年1月28日前报送，截至2018年2月8日仍未报送。"
        "截至2018年2月8日，你单位承担的“批量目标0”计划进度8.2%，实际完成0%，落后计划8.2个百分点。"
    )
    assert InboxMessage.objects.filter(kind=MessageKind.NOTICE, notice__kind=NoticeKind.WARNING).count() == 8
    assert [h.history_type for h in first.history.all()] == ["+"]
    rerun = scan(D(2018, 2, 8))
    assert rerun.issued == [] and Notice.objects.filter(kind=NoticeKind.WARNING).count() == 4
    assert NoticeCounter.objects.get(kind=NoticeKind.WARNING, year=2018).last_serial == 4


@pytest.mark.django_db
@pytest.mark.parametrize(("targets", "units"), [(1, 2), (5, 4)])
def test_scan_query_count_does_not_grow_with_the_notices(erin, leader, targets, units, django_assert_max_num_queries):
    most = SCAN_QUERIES[connection.vendor]
    result, _count = _warned_scan(
        erin, leader, targets=targets, units=units, counted=lambda: django_assert_max_num_queries(most)
    )
    assert len([n for n in result.issued if n.kind == NoticeKind.WARNING]) == targets * units


# The 02-08 scan's statements with two warnings; twenty need no more. PostgreSQL's has two more per
# step: the scan lock (an advisory lock) and JIT off. Both: + the channels' re-routing of the last
# day's messages (one query while no channel is on); + whether a run finished before (a night syncs the
# colours of only the assignments it changed, the first run every colour); + the warned units'
# figures versions raised (their kept judgments are stale: their stamps made sure of and raised; the units
# are the notices' own, not read again). PostgreSQL's judging reads the reports once per assignment and
# then, in one more query, the due reports of the few whose latest report is not the due one. The task
# notices still issued are read on their own first (here the two issued on 01-02 are not signed yet),
# then those signed for with their assignment.
SCAN_QUERIES = {"sqlite": 69, "postgresql": 82}
