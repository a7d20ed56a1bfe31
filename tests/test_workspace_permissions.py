"""The permission matrix: every workspace URL × every role × an object of unit A.

Roles: anonymous, alice (staff of A), bob (staff of B), carol (head of A), dave (a city leader),
erin (the office). Each cell is the status code that role must get; a 302 for anonymous is the
way to the login page, a 302 for a POST is the action done. Each cell runs on its own copy of
the data (a rolled-back savepoint), so one role's successful POST does not change the next cell.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.workspace_data import statuses_by_role, unit_a_world

ROLES = ("anonymous", "alice", "bob", "carol", "dave", "erin")


def _calendar_day() -> int:
    from tasks.models import CalendarDay  # seeded with 2018's holidays by the migrations

    return CalendarDay.objects.order_by("day").values_list("pk", flat=True).first()


# name, method, how to build the URL's arguments from the world, POST data, expected per role.
MATRIX = [
    ("home", "get", None, None, (302, 200, 200, 200, 200, 200)),
    ("password_change", "get", None, None, (302, 200, 200, 200, 200, 200)),
    ("unit_workspace", "get", None, None, (302, 200, 200, 200, 403, 403)),
    ("report_list", "get", None, None, (302, 200, 200, 200, 403, 403)),
    ("approvals", "get", None, None, (302, 403, 403, 200, 403, 403)),
    ("assignment_list", "get", None, None, (302, 200, 200, 200, 200, 200)),
    ("assignment_detail", "get", lambda w: [w.assignment.pk], None, (302, 200, 404, 200, 200, 200)),
    ("report_edit", "get", lambda w: ([w.assignment.pk], "?period=2018-05"), None, (302, 200, 404, 403, 403, 200)),
    ("report_detail", "get", lambda w: [w.submitted.pk], None, (302, 200, 404, 200, 200, 200)),
    ("report_approve", "post", lambda w: [w.pending.pk], {}, (302, 403, 404, 302, 403, 302)),
    ("report_return", "post", lambda w: [w.submitted.pk], {"reason": "请补充佐证"}, (302, 403, 404, 403, 403, 302)),
    ("report_accept", "post", lambda w: [w.submitted.pk], {}, (302, 403, 404, 403, 403, 302)),
    (
        "report_follow_up",
        "post",
        lambda w: [w.submitted.pk],
        {"topic": "problem", "text": "已协调"},
        (302, 403, 404, 403, 302, 302),
    ),
    ("evidence_download", "get", lambda w: [w.submitted_evidence.pk], None, (302, 200, 404, 200, 200, 200)),
    # A draft's file is its unit's alone (issue 14): the office no longer sees it (was 302).
    ("evidence_remove", "post", lambda w: [w.draft_evidence.pk], {}, (302, 302, 404, 403, 404, 404)),
    # Issue 14: 删除草稿 by the author's unit; 撤回 before a decision; 重新打开 only an accepted report.
    ("report_delete", "post", lambda w: [w.draft.pk], {}, (302, 302, 404, 403, 404, 404)),
    ("report_withdraw", "post", lambda w: [w.submitted.pk], {"reason": "填错"}, (302, 302, 404, 302, 403, 403)),
    ("report_reopen", "post", lambda w: [w.submitted.pk], {"reason": "误点"}, (302, 403, 404, 403, 403, 403)),
    ("target_ledger", "get", None, None, (302, 200, 200, 200, 200, 200)),
    ("target_create", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("target_detail", "get", lambda w: [w.target.pk], None, (302, 200, 404, 200, 200, 200)),
    ("target_edit", "get", lambda w: [w.target.pk], None, (302, 403, 404, 403, 403, 200)),
    ("breakdown_edit", "get", lambda w: [w.target.pk], None, (302, 403, 404, 403, 403, 200)),
    ("target_issue", "post", lambda w: [w.draft_target.pk], {}, (302, 403, 404, 403, 403, 302)),
    ("target_follow_up", "post", lambda w: [w.target.pk], {"text": "抓紧推进"}, (302, 403, 404, 403, 302, 302)),
    ("plan_edit", "get", lambda w: [w.assignment.pk], None, (302, 403, 404, 403, 403, 200)),
    ("check_create", "get", lambda w: [w.assignment.pk], None, (302, 403, 404, 403, 403, 200)),
    ("review_queue", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("follow_up_list", "get", None, None, (302, 403, 403, 403, 200, 200)),
    # The working-day calendar (issue 12, fair lateness): the office keeps it.
    ("office_calendar", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("office_leaders", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("office_leader_edit", "get", lambda w: [w.target.leader_id], None, (302, 403, 403, 403, 403, 200)),
    ("unit_people", "get", lambda w: [w.assignment.unit_id], None, (302, 200, 404, 200, 200, 200)),
    ("unit_people", "post", lambda w: [w.assignment.unit_id], {"name": "赵六"}, (302, 403, 404, 403, 403, 302)),
    ("person_edit", "get", lambda w: [w.assignment.person_id], None, (302, 403, 404, 403, 403, 200)),
    ("person_remove", "get", lambda w: [w.assignment.person_id], None, (302, 403, 404, 403, 403, 200)),
    ("people_to_complete", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("office_calendar_remove", "post", lambda w: [_calendar_day()], {}, (302, 403, 403, 403, 403, 302)),
    ("dashboard", "get", None, None, (302, 403, 403, 403, 200, 200)),
    ("battle_map", "get", None, None, (302, 403, 403, 403, 200, 200)),
    # The life of a task (issue 12): the unit claims and asks, the office verifies, decides, returns.
    ("assignment_claim", "get", lambda w: [w.assignment.pk], None, (302, 200, 404, 200, 403, 403)),
    (
        "assignment_claim",
        "post",
        lambda w: [w.assignment.pk],
        {"final_percent": "100", "statement": "已完成"},  # no evidence file: the form says so
        (302, 200, 404, 200, 403, 403),
    ),
    ("assignment_extension", "get", lambda w: [w.claimed.pk], None, (302, 200, 404, 200, 403, 403)),
    (
        "assignment_extension",
        "post",
        lambda w: [w.draft.assignment.pk],
        {"new_deadline": "2019-03-31", "reason": "汛期影响"},  # a request is pending: the page says so
        (302, 200, 404, 200, 403, 403),
    ),
    ("claim_evidence", "get", lambda w: [w.claim_evidence.pk], None, (302, 200, 404, 200, 200, 200)),
    (
        "extension_decide",
        "post",
        lambda w: [w.extension.pk],
        {"decision": "refuse", "note": "时间充足"},
        (302, 403, 404, 403, 403, 302),
    ),
    ("notices:close_outs", "get", None, None, (302, 403, 403, 403, 403, 200)),
    ("notices:close_out", "post", lambda w: [w.claimed.pk], {"note": "经核验"}, (302, 403, 404, 403, 403, 302)),
    (
        "notices:refuse_claim",
        "post",
        lambda w: [w.claimed.pk],
        {"reason": "佐证不足"},
        (302, 403, 404, 403, 403, 302),
    ),
    ("notices:redo", "post", lambda w: [w.claimed.pk], {"reason": "质量不达标"}, (302, 403, 404, 403, 403, 302)),
    ("year_end:index", "get", None, None, (302, 403, 403, 403, 200, 200)),
    ("year_end:close", "post", lambda w: [2018], {"confirm": "yes"}, (302, 403, 403, 403, 403, 302)),
]
# Rows of other apps' URLs that belong to the life of a task; the rest keep their own matrices.
OTHER_APPS = {"check_create", "notices:close_outs", "notices:close_out", "notices:refuse_claim", "notices:redo"}
OTHER_APPS |= {"year_end:index", "year_end:close"}


@pytest.fixture
def world(unit_a, alice, bob, carol, dave, erin, leader):
    return unit_a_world(unit_a=unit_a, alice=alice, erin=erin, leader=leader)


@pytest.fixture
def people(alice, bob, carol, dave, erin):
    return {"anonymous": None, "alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin}


def test_the_matrix_names_every_workspace_url():
    """A new workspace URL must get its row here (other apps' URLs keep their own matrices)."""
    from tasks.urls import urlpatterns as task_urls

    named = {pattern.name for pattern in task_urls if hasattr(pattern, "name")} | OTHER_APPS
    assert named == {row[0] for row in MATRIX} - {"password_change"}


@pytest.mark.parametrize(
    ("name", "method", "args", "data", "expected"), MATRIX, ids=[f"{row[0]}-{row[1]}" for row in MATRIX]
)
def test_each_role_gets_the_expected_status(world, people, name, method, args, data, expected):
    built = args(world) if args else []
    built, query = built if isinstance(built, tuple) else (built, "")
    url = reverse(name, args=built) + query
    got = statuses_by_role(url, method=method, data=data, people={role: people[role] for role in ROLES})
    assert got == dict(zip(ROLES, expected, strict=True))


def test_a_404_for_another_units_object_looks_like_any_missing_page(client, bob, world):
    client.force_login(bob)
    hidden = client.get(reverse("report_detail", args=[world.submitted.pk]))
    missing = client.get(reverse("report_detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    assert "不存在" in hidden.content.decode()
    assert world.submitted.assignment.target.title not in hidden.content.decode()
