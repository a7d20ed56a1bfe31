"""Every list and dashboard runs the same number of queries with 2 rows or with 12 of everything."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tasks.choices import AssignmentRole, AssignmentStatus, FollowUpKind, ReportStatus, TargetStatus
from tasks.models import Evidence, FollowUp
from tests.factories import AssignmentFactory, MilestoneFactory, ProgressReportFactory, TargetFactory
from tests.judgment.helpers import warn
from tests.workspace_data import at

D = dt.date
# Each page's query count is pinned here too, so that a new query is a decision, not an accident.
# The judgment (tasks/judgment/state.py): + one query for the page's rows on the lists, the ledger and
# the assignment and target pages; the battle map reads one query less (its cells are judged at once).
# Every page: + the inbox badge in the header (one count of the person's unread messages).
# The header's roles come with the access check's own query (core.access.roles_of): none more, however
# many templates render with the request.
PAGES = [
    # + the five lists' home panel (one count, and its render); + its "needs me today" items (the
    # same count, shared through tasks.panels.shared(), and one more render)
    ("alice", "home", None, 8),  # the 批示 panels: their counts, the latest, and a render each
    ("alice", "unit_workspace", None, 9),
    ("alice", "report_list", None, 6),
    ("alice", "assignment_list", None, 9),
    ("carol", "approvals", None, 8),  # + the working-day calendar and the approval limit
    # + scoring's office panel: pending appeals, unpublished disclosures, its render; + the five lists'
    # office panel: pending notices, completions to close out, requests for more time, problems to
    # supervise, its render; + the "needs me today" items of both (their figures shared, two renders)
    ("erin", "home", None, 13),
    ("erin", "target_ledger", None, 9),
    ("erin", "review_queue", None, 8),  # + the units of the filter form
    ("erin", "follow_up_list", None, 6),
    # + the rankings-and-grades panel (4 queries, and its render); + the notice counts (one, and its render)
    # The leader's scope needs no query of its own: whether a post is over the whole city comes with
    # the roles (core.access)
    # + 保位争先's panel: our city's latest bulletin lines (hidden while there are none)
    # + the units' kept completion and the assignments' kept judgments (read between changes: no unit
    # stale), + his post's kept trend days (its stamp and rows), + the kept ranking (its key, with the rule
    # book's history in it, then the cache)
    ("dave", "dashboard", None, 13),
    ("dave", "battle_map", None, 8),
    ("dave", "battle_map", "?by=unit", 8),
    ("dave", "assignment_list", "?colour=1", 9),
    # + the targets it was carried into (结转)
    ("erin", "target_detail", "first_target", 12),  # + its fields (分管领域)
    # + its completion claims, its requests for more time, the co-units' figures the lead unit sees
    ("alice", "assignment_detail", "first_assignment", 17),
]


def _grow(count, *, unit_a, unit_b, leader, author):
    """``count`` issued targets, each with both units, a plan, reports, evidence and a follow-up."""
    first = None
    for index in range(count):
        target = TargetFactory(leader=leader, status=TargetStatus.ISSUED, source=["central", "party"][index % 2])
        for unit, role in ((unit_a, AssignmentRole.LEAD), (unit_b, AssignmentRole.CO)):
            assignment = AssignmentFactory(
                target=target,
                unit=unit,
                role=role,
                status=AssignmentStatus.IN_PROGRESS,
                progress_percent=Decimal(30 + index),
                planned_percent=Decimal(50),
            )
            warn([assignment], index % 4, by=author)  # the level in force is the notice's
            MilestoneFactory(assignment=assignment, due_date=D(2018, 5, 31), planned_percent=Decimal(40))
            MilestoneFactory(assignment=assignment, due_date=D(2018, 7, 31), planned_percent=Decimal(60))
            accepted = ProgressReportFactory(
                assignment=assignment,
                period="2018-05",
                period_end=D(2018, 5, 31),
                due_date=D(2018, 5, 28),
                status=ReportStatus.ACCEPTED,
                author=author,
                problems="资金不足",
                submitted_at=dt.datetime(2018, 5, 27, 2, tzinfo=dt.UTC),
            )
            pending = ReportStatus.PENDING_APPROVAL if index % 2 else ReportStatus.SUBMITTED
            ProgressReportFactory(
                assignment=assignment,
                period="2018-06",
                period_end=D(2018, 6, 30),
                due_date=D(2018, 6, 28),
                status=pending,
                author=author,
                suggestions="请求协调",
                submitted_at=dt.datetime(2018, 6, 26, 2, tzinfo=dt.UTC),
            )
            Evidence.objects.create(
                report=accepted,
                file=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff"),
                original_name="a.jpg",
                size=3,
                uploaded_by=author,
                uploaded_at=dt.datetime(2018, 5, 27, 2, tzinfo=dt.UTC),
            )
            FollowUp.objects.create(
                target=target,
                report=accepted,
                kind=FollowUpKind.LEADER,
                text="抓紧",
                author=author,
                created_at=dt.datetime(2018, 6, 1, 2, tzinfo=dt.UTC),
            )
            first = first or assignment
    return first


def _count(client, user, url) -> CaptureQueriesContext:
    client.force_login(user)
    with at(D(2018, 6, 27)):
        # The first read after a change may rebuild what is kept (a leader's trend days, the units'
        # kept judgments): a fixed number of queries, counted by tests/test_kept_judgments.py and
        # tests/test_leader_trend.py. Counted here: the page as people read it between changes.
        client.get(url)
    with at(D(2018, 6, 27)), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries


def _sql(queries) -> str:
    return "\n".join(f"{n}. {q['sql'][:300]}" for n, q in enumerate(queries.captured_queries, start=1))


@pytest.mark.parametrize(("who", "name", "extra", "pinned"), PAGES, ids=[f"{p[0]}-{p[1]}{p[2] or ''}" for p in PAGES])
def test_query_count_does_not_grow_with_the_rows(
    client, alice, bob, carol, dave, erin, unit_a, unit_b, leader, who, name, extra, pinned
):
    users = {"alice": alice, "carol": carol, "dave": dave, "erin": erin}
    first = _grow(2, unit_a=unit_a, unit_b=unit_b, leader=leader, author=alice)
    if extra == "first_target":
        url = reverse(name, args=[first.target_id])
    elif extra == "first_assignment":
        url = reverse(name, args=[first.pk])
    else:
        url = reverse(name) + (extra or "")
    small = _count(client, users[who], url)
    _grow(10, unit_a=unit_a, unit_b=unit_b, leader=leader, author=alice)
    large = _count(client, users[who], url)
    print(f"QUERIES {who} {name}{extra or ''}: {len(small)} with 2 targets, {len(large)} with 12")
    # On failure, the SQL of both runs is printed, so the extra query can be found.
    assert len(small) == len(large), f"2 targets:\n{_sql(small)}\n12 targets:\n{_sql(large)}"
    assert len(large) == pinned, _sql(large)


def test_big_lists_paginate(client, erin, alice, unit_a, unit_b, leader):
    _grow(30, unit_a=unit_a, unit_b=unit_b, leader=leader, author=alice)
    client.force_login(erin)
    with at(D(2018, 6, 27)):
        page = client.get(reverse("target_ledger")).content.decode()
        second = client.get(reverse("target_ledger") + "?page=2").content.decode()
    assert "第1页，共2页" in page and "第2页，共2页" in second
    assert len(re.findall(r'href="/targets/\d+/"', page)) == 25
    assert len(re.findall(r'href="/targets/\d+/"', second)) == 5
