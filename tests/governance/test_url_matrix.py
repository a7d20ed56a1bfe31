"""The permission matrix over EVERY URL of the site (all URL patterns reachable from the root urlconf).

Each URL pattern has a row in ``ROWS``: its key (``namespace:name``, or the route for an unnamed
pattern), then one or more cases — method, how to build the URL's arguments from the world, POST
data, and the status each role must get. A URL pattern without a row FAILS
``test_every_url_pattern_has_a_row`` with its key and route: add a row (one line) when you add a URL.

The roles stand for the demo's logins: anonymous; alice = staff_yicheng (staff of unit A);
bob = staff of another unit (staff_fgw); carol = head_fgw (head of unit A); dave = mayor (a city
leader); erin = office (the supervision office, a role, no superuser); sysadmin = the technical
administrator (a superuser without any product role). A 302 for anonymous is the way to the login
page; a 302 for a POST is the action done; 404 means "not yours to see", 403 "yours to see but not
to do", 405 a wrong method. Each cell runs in its own rolled-back savepoint.

The admin's hundreds of generated URLs are one row: ``admin:`` (every ``admin:…`` pattern), checked
on a sample that includes a governed record's add, change and delete pages.

Run ``ZMD_MATRIX_PRINT=1 pytest tests/governance/test_url_matrix.py -k prints_it -s`` to print what
each role gets for every row (handy when adding a row; the expected values are still yours to judge).
"""

from __future__ import annotations

import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accountability import services as accountability
from accountability.choices import CheckKind
from accountability.models import InboxMessage, Notice, ResponsibilityLetter
from accountability.services.cases import ensure_starting_measures, propose_case
from core import clock
from tasks.models import Leader
from tests.assessment_data import WEIGHTS as ASSESSMENT_WEIGHTS
from tests.assessment_data import assessment_year
from tests.factories import UserFactory
from tests.workspace_data import D, at, jpeg, statuses_by_role, unit_a_world

ROLES = ("anonymous", "alice", "bob", "carol", "dave", "erin", "sysadmin")
MISSING = 999999  # a primary key nobody has

ANYONE = (200,) * 7
LOGGED_IN = (302, 200, 200, 200, 200, 200, 200)
OFFICE_PAGE = (302, 403, 403, 403, 403, 200, 403)
LEADERS_AND_OFFICE = (302, 403, 403, 403, 200, 200, 403)
UNIT_PAGE = (302, 200, 200, 200, 403, 403, 403)
WITH_A_ROLE = (302, 200, 200, 200, 200, 200, 403)
NOT_FOUND = (302, 404, 404, 404, 404, 404, 404)
OFFICE_MISSING = (302, 403, 403, 403, 403, 404, 403)  # an office page about a record nobody has
API_LOGGED_IN = (401, 200, 200, 200, 200, 200, 200)  # the API: no login is a 401, not the login page
API_WITH_A_ROLE = (401, 200, 200, 200, 200, 200, 403)


def case(method="get", args=None, data=None, expected=LOGGED_IN, query=""):
    return (method, args, data, expected, query)


def get(expected, args=None, query=""):
    return case("get", args, None, expected, query)


def post(expected, args=None, data=None):
    return case("post", args, data or {}, expected)


# key: cases. Roles: anonymous, alice, bob, carol, dave, erin, sysadmin.
ROWS: dict[str, list] = {
    # Project-level and Django's own.
    "favicon.ico": [get((301,) * 7)],
    "login": [get(ANYONE)],
    "logout": [get((405,) * 7), post((302,) * 7)],
    "password_change": [get(LOGGED_IN)],
    "password_change_done": [get(LOGGED_IN)],
    "set_language": [post((302,) * 7, data={"language": "zh-hans"})],
    # Everyone logged in keeps their own profile (the office edits others' logins at /users/).
    "profile": [get(LOGGED_IN), post((302,) * 7, data={"display_name": "某人", "language": "zh-hans"})],
    # The workspaces (tasks/urls.py).
    "home": [get(LOGGED_IN)],
    "unit_workspace": [get(UNIT_PAGE)],
    "report_list": [get(UNIT_PAGE)],
    "approvals": [get((302, 403, 403, 200, 403, 403, 403))],
    "assignment_list": [get(LOGGED_IN)],
    "assignment_detail": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.assignment.pk])],
    "report_edit": [get((302, 200, 404, 403, 403, 200, 404), lambda w: [w.assignment.pk], "?period=2018-05")],
    "assignment_claim": [get((302, 200, 404, 200, 403, 403, 404), lambda w: [w.assignment.pk])],
    "assignment_extension": [get((302, 200, 404, 200, 403, 403, 404), lambda w: [w.claimed.pk])],
    "claim_evidence": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.claim_evidence.pk])],
    "report_detail": [
        get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.submitted.pk]),
        # A draft reaches no one outside its unit: not the leader, not the office.
        get((302, 200, 404, 200, 404, 404, 404), lambda w: [w.draft.pk]),
        # A co-unit's draft does not open for the lead unit (unit A leads; unit B is a co-unit).
        get((302, 404, 200, 404, 404, 404, 404), lambda w: [w.co_draft.pk]),
        get((302, 200, 200, 200, 200, 200, 404), lambda w: [w.co_submitted.pk]),
    ],
    "report_approve": [post((302, 403, 404, 302, 403, 302, 404), lambda w: [w.pending.pk])],
    "report_return": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.submitted.pk], {"reason": "请补充"})],
    "report_accept": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.submitted.pk])],
    "report_follow_up": [
        post((302, 403, 404, 403, 302, 302, 404), lambda w: [w.submitted.pk], {"topic": "problem", "text": "已协调"})
    ],
    "report_delete": [
        post((302, 302, 404, 403, 404, 404, 404), lambda w: [w.draft.pk]),
        post((302, 403, 404, 403, 403, 403, 404), lambda w: [w.submitted.pk]),
        post((302, 404, 302, 404, 404, 404, 404), lambda w: [w.co_draft.pk]),
    ],
    "report_withdraw": [post((302, 302, 404, 302, 403, 403, 404), lambda w: [w.submitted.pk], {"reason": "填错"})],
    "report_reopen": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.accepted.pk], {"reason": "误点"})],
    "evidence_download": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.submitted_evidence.pk])],
    "evidence_remove": [post((302, 302, 404, 403, 404, 404, 404), lambda w: [w.draft_evidence.pk])],
    "target_ledger": [get(LOGGED_IN)],
    "target_create": [get(OFFICE_PAGE)],
    "target_detail": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.target.pk])],
    "target_edit": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.target.pk])],
    "breakdown_edit": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.target.pk])],
    "target_issue": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.draft_target.pk])],
    "target_follow_up": [post((302, 403, 404, 403, 302, 302, 404), lambda w: [w.target.pk], {"text": "抓紧"})],
    "plan_edit": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.assignment.pk])],
    "review_queue": [get(OFFICE_PAGE)],
    "extension_decide": [
        post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.extension.pk], {"decision": "refuse", "note": "够"})
    ],
    "follow_up_list": [get(LEADERS_AND_OFFICE)],
    "dashboard": [get(LEADERS_AND_OFFICE)],
    "battle_map": [get(LEADERS_AND_OFFICE)],
    "check_create": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.assignment.pk])],
    # The register of checks: each reader sees the checks on work they may see (a unit its own).
    "checks:register": [get(LOGGED_IN)],
    "checks:register_xlsx": [get(LOGGED_IN)],
    "checks:proposed": [get(OFFICE_PAGE)],
    "checks:detail": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.check.pk])],
    # Excel (tasks/excel_urls.py).
    "excel:import": [get(OFFICE_PAGE)],
    "excel:import-detail": [get((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    "excel:import-status": [get((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    "excel:import-commit": [post((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    "excel:import-retry": [post((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    "excel:import-options": [post((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    "excel:export": [get((302, 200, 200, 200, 200, 200, 403))],
    "excel:export-breakdown": [get((302, 403, 403, 403, 200, 200, 403))],
    "excel:export-unit-status": [
        get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.unit_a.pk]),
        get((302, 404, 200, 404, 200, 200, 404), lambda w: [w.unit_b.pk]),
    ],
    # Proposals (tasks/proposal_urls.py).
    "proposals:list": [get((302, 200, 200, 200, 200, 200, 403))],
    "proposals:register": [get((302, 404, 404, 404, 404, 404, 404), lambda w: [w.target.pk])],
    "proposals:detail": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "proposals:action": [post((302, 404, 404, 404, 404, 404, 404), lambda w: [MISSING, "reply"])],
    "proposals:record-view": [post((302, 404, 404, 404, 404, 404, 404), lambda w: [MISSING])],
    # Responsibility letters.
    "letters:list": [get((302, 200, 200, 200, 200, 200, 200))],
    "letters:prepare": [post((302, 403, 403, 403, 403, 302, 403))],
    "letters:detail": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.letter.pk])],
    "letters:xlsx": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.letter.pk])],
    "letters:sign": [
        # can("letter.sign_unit"): the unit head or the office; a staff member or a leader is refused (403).
        post((302, 403, 404, 302, 403, 302, 404), lambda w: [w.letter.pk, "unit"], {"signatory": "甲县县长"}),
        post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.letter.pk, "city"], {"signatory": "市长"}),
    ],
    # An unsigned letter is changed directly, not by request: nobody opens the request form (403).
    "letters:change-new": [get((302, 403, 404, 403, 403, 403, 404), lambda w: [w.letter.pk])],
    "letters:change-decide": [post((302, 404, 404, 404, 404, 404, 404), lambda w: [MISSING], {"decision": "approve"})],
    # Notices (the five lists).
    # Accountability cases (问责): the office proposes, the approving leader (dave) decides; a unit
    # reads only its own; the proposer (erin) is sent back with a message, never allowed to decide.
    "cases:list": [get(WITH_A_ROLE)],
    "cases:new": [get((302, 403, 403, 403, 403, 200, 403), query="?check={check}")],
    "cases:detail": [get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.case.pk])],
    "cases:evidence": [get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.case.pk])],
    "cases:decide": [post((302, 403, 404, 403, 302, 302, 403), lambda w: [w.case.pk], {"approve": "1"})],
    "notices:register": [get((302, 200, 200, 200, 200, 200, 200))],
    "notices:register_alias": [get((302, 302, 302, 302, 302, 302, 302))],
    "notices:register_xlsx": [get((302, 200, 200, 200, 200, 200, 200))],
    "notices:inbox": [get((302, 200, 200, 200, 200, 200, 200))],
    "notices:read_all": [post((302, 302, 302, 302, 302, 302, 302))],
    "notices:message": [get((302, 302, 404, 404, 404, 404, 404), lambda w: [w.message.pk if w.message else MISSING])],
    "instructions:list": [get(WITH_A_ROLE)],
    "instructions:new": [get((302, 403, 403, 403, 404, 403, 403))],  # no target given: not found
    "instructions:detail": [get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.instruction.pk])],
    "instructions:answer": [post((302, 400, 404, 400, 403, 403, 403), lambda w: [w.instruction.pk])],
    "instructions:file": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "notices:detail": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.notice.pk])],
    "notices:download": [get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.notice.pk])],
    "notices:sign": [post((302, 302, 404, 404, 404, 404, 404), lambda w: [w.notice.pk])],
    "notices:answer": [get((302, 405, 405, 405, 405, 405, 405), lambda w: [w.notice.pk])],
    "notices:verify": [post((302, 404, 404, 404, 404, 302, 404), lambda w: [w.notice.pk])],
    # An exposure is approved by a city leader (never by who put it forward); the office or a
    # leader may turn a candidate down. This notice is no candidate: the service refuses (302).
    "notices:approve": [post((302, 403, 404, 403, 302, 403, 404), lambda w: [w.notice.pk])],
    "notices:dismiss": [post((302, 403, 404, 403, 302, 302, 404), lambda w: [w.notice.pk], {"reason": "x"})],
    "notices:new_supervision": [get((302, 403, 403, 403, 403, 404, 403))],
    "notices:new_exposure": [get((302, 403, 403, 403, 403, 404, 403))],
    "notices:close_outs": [get(OFFICE_PAGE)],
    "notices:close_out": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.claimed.pk], {"note": "经核验"})],
    "notices:refuse_claim": [
        post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.claimed.pk], {"reason": "佐证不足"})
    ],
    "notices:redo": [post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.claimed.pk], {"reason": "质量不达标"})],
    "notices:problems": [get((302, 403, 403, 403, 403, 200, 403))],
    "notices:run_scan": [get((302, 405, 405, 405, 405, 405, 405))],
    "notices:scan_dry_run": [get((302, 403, 403, 403, 403, 200, 403))],
    "notices:scan_undo": [post((302, 403, 403, 403, 403, 404, 403), lambda w: [MISSING])],
    # Year end, scores, disclosure, meetings, the public pages.
    "year_end:index": [get(LEADERS_AND_OFFICE)],
    "year_end:close": [post((302, 403, 403, 403, 403, 302, 403), lambda w: [2018], {"confirm": "yes"})],
    "scores:ranking": [get((302, 200, 200, 200, 200, 200, 403))],
    "scores:ranking-xlsx": [get((302, 200, 200, 200, 200, 200, 403))],
    "scores:ledger": [
        get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.unit_a.pk]),
        get((302, 404, 200, 404, 200, 200, 403), lambda w: [w.unit_b.pk]),
    ],
    "scores:appeal-new": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "scores:appeals": [get((302, 200, 200, 200, 200, 200, 403))],
    "scores:appeal": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "scores:appeal-evidence": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "scores:rules": [get((302, 200, 200, 200, 200, 200, 403))],
    "scores:runs": [get((302, 403, 403, 403, 403, 200, 403))],
    "scores:run-month": [get((302, 403, 403, 403, 403, 405, 403))],
    "disclosures:list": [get((302, 404, 404, 404, 200, 200, 403))],
    "disclosures:detail": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    "disclosures:action": [post((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING, "publish"])],
    "meeting-pack": [get((302, 403, 403, 403, 200, 200, 403))],
    "public:index": [get(ANYONE)],
    "public:detail": [get((404,) * 7, lambda w: [MISSING])],
    # Accounts and audit (issue 14), the calendar and problems (issue 12), the public's clues (issue 22).
    "accounts:user_list": [get(OFFICE_PAGE)],
    "accounts:user_create": [get(OFFICE_PAGE)],
    "accounts:login_log": [get(OFFICE_PAGE)],
    "accounts:audit": [get(OFFICE_PAGE)],
    "accounts:user_detail": [get(OFFICE_MISSING, lambda w: [MISSING])],
    "accounts:user_set_active": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "accounts:user_reset_password": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "accounts:role_handover": [get(OFFICE_MISSING, lambda w: [MISSING])],
    "unit_people": [
        get((302, 200, 404, 200, 200, 200, 404), lambda w: [w.assignment.unit_id]),
        post((302, 403, 404, 403, 403, 302, 404), lambda w: [w.assignment.unit_id], {"name": "赵六", "post": "副县长"}),
    ],
    "person_edit": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.assignment.person_id])],
    "person_remove": [get((302, 403, 404, 403, 403, 200, 404), lambda w: [w.assignment.person_id])],
    "people_to_complete": [get(OFFICE_PAGE)],
    "office_calendar": [get(OFFICE_PAGE)],
    "office_leaders": [get(OFFICE_PAGE)],
    "office_leader_edit": [get(OFFICE_PAGE, lambda w: [Leader.objects.get().pk])],
    "office_calendar_remove": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "notices:problem_resolve": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "notices:problem_merge": [post((302, 403, 403, 403, 403, 302, 403), lambda w: [MISSING])],
    "public:feedback": [get((404,) * 7, lambda w: [MISSING])],
    "public:feedback_sent": [get((404,) * 7, lambda w: [MISSING])],
    "public_feedback:queue": [get(OFFICE_PAGE)],
    "public_feedback:settings": [get(OFFICE_PAGE)],
    "public_feedback:detail": [get(OFFICE_MISSING, lambda w: [MISSING])],
    "public_feedback:answer": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "public_feedback:dismiss": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "public_feedback:notice": [post(OFFICE_MISSING, lambda w: [MISSING])],
    "public_feedback:photo": [get(OFFICE_MISSING, lambda w: [MISSING])],
    # The admin: one row for all its generated URLs (see test_the_admin_sample below).
    "admin:": [get((302, 302, 302, 302, 302, 302, 200), query="")],
    # 年度考核 and 奖惩: the office prepares (erin), a leader approves (dave); a unit reads an approved
    # version (its own line), never a draft.
    "assessment:index": [get(WITH_A_ROLE)],
    "assessment:year": [get(WITH_A_ROLE, lambda w: [assessment_year("draft")])],
    "assessment:prepare": [post((302, 403, 403, 403, 403, 302, 403), lambda w: [2018], ASSESSMENT_WEIGHTS)],
    "assessment:approve": [post((302, 404, 404, 404, 302, 302, 403), lambda w: [assessment_year("draft")])],
    "assessment:rewards": [get(OFFICE_PAGE, lambda w: [assessment_year("approved")])],
    "assessment:rewards_approve": [post((302, 403, 403, 403, 302, 403, 403), lambda w: [assessment_year("rewards")])],
    "assessment:print": [get(WITH_A_ROLE, lambda w: [assessment_year("approved")])],
    "assessment:xlsx": [get(WITH_A_ROLE, lambda w: [assessment_year("approved")])],
    # 常态问政 (evaluation rounds): unit A evaluated, dave's sheet submitted; a unit sees a round once
    # published and only if it was evaluated; the office manages; sysadmin has no role.
    "evaluations:list": [get(WITH_A_ROLE)],
    "evaluations:new": [get(OFFICE_PAGE)],
    "evaluations:detail": [
        get((302, 404, 404, 404, 200, 200, 403), lambda w: [_evaluation_round(w).pk]),
        get((302, 200, 404, 200, 200, 200, 403), lambda w: [_evaluation_round(w, published=True).pk]),
    ],
    "evaluations:paper_sheet": [
        post(
            (302, 404, 404, 404, 403, 302, 403),
            lambda w: [_evaluation_round(w).pk],
            {"name": "某代表", "kind": "npc"},
        )
    ],
    "evaluations:add_evaluator": [post((302, 404, 404, 404, 403, 200, 403), lambda w: [_evaluation_round(w).pk])],
    "evaluations:new_login": [
        post(
            (302, 404, 404, 404, 403, 200, 403),
            lambda w: [_evaluation_round(w).pk],
            {"display_name": "周代表", "username": "npc9", "kind": "npc"},
        )
    ],
    "evaluations:publish": [post((302, 404, 404, 404, 403, 302, 403), lambda w: [_evaluation_round(w).pk])],
    "evaluations:xlsx": [get((302, 403, 404, 403, 200, 200, 403), lambda w: [_evaluation_round(w, published=True).pk])],
    "evaluations:sheet": [get((302, 404, 404, 404, 200, 200, 403), lambda w: [_evaluation_round(w).sheets.get().pk])],
    # 保位争先 (issue 18, part 3): every role reads the province page; only the office imports,
    # enters, downloads the template and sets the line (an empty form is shown again: 200).
    "province:index": [get(WITH_A_ROLE)],
    "province:import": [get(OFFICE_PAGE), post(OFFICE_PAGE)],
    "province:template": [get(OFFICE_PAGE)],
    "province:enter": [get(OFFICE_PAGE), post(OFFICE_PAGE)],
    "province:settings": [get(OFFICE_PAGE), post(OFFICE_PAGE, data={"action": "line", "first_group_line": "x"})],
    # 现场协调快办 and meeting decisions (issue 18 part 4): unit A asked; the leader (dave) or the office
    # schedules and records; unit A owns the decision, unit B has nothing to do with either.
    "coordination:list": [get(WITH_A_ROLE)],
    "coordination:new": [get(UNIT_PAGE)],
    "coordination:detail": [get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.coordination.pk])],
    "coordination:schedule": [
        post(
            (302, 403, 404, 403, 302, 302, 403),
            lambda w: [w.coordination.pk],
            {"day": "2018-07-02", "time": "15:00", "place": "市政府三楼会议室"},
        ),
    ],
    "coordination:record": [post((302, 403, 404, 403, 400, 400, 403), lambda w: [w.decision.coordination_id])],
    "coordination:decisions": [get(WITH_A_ROLE)],
    "coordination:decision": [get((302, 200, 404, 200, 200, 200, 403), lambda w: [w.decision.pk])],
    "coordination:progress": [post((302, 302, 404, 302, 403, 403, 403), lambda w: [w.decision.pk], {"text": "已对接"})],
    "coordination:close": [post((302, 403, 404, 403, 403, 302, 403), lambda w: [w.decision.pk])],
    "coordination:file": [get((302, 404, 404, 404, 404, 404, 403), lambda w: [MISSING])],
    # Work groups and text messages (issue 20): the log, channels and rules are the office's; a unit's
    # people switch and test their own unit's work group (unit B's and a leader's: not theirs to see).
    "deliveries:log": [get(OFFICE_PAGE), get(OFFICE_PAGE, query="?status=failed&channel_kind=webhook")],
    "deliveries:channels": [get(OFFICE_PAGE)],
    "deliveries:channel_new": [get(OFFICE_PAGE), post(OFFICE_PAGE)],
    "deliveries:channel_edit": [get(OFFICE_PAGE, lambda w: [_unit_a_channel(w).pk])],
    "deliveries:channel_switch": [
        post((302, 302, 404, 302, 404, 302, 404), lambda w: [_unit_a_channel(w).pk], {"enabled": "1"})
    ],
    "deliveries:channel_test": [post((302, 302, 404, 302, 404, 302, 404), lambda w: [_unit_a_channel(w).pk])],
    "deliveries:channel_restore": [post((302, 403, 403, 403, 403, 302, 403), lambda w: [_unit_a_channel(w).pk])],
    "deliveries:rules": [get(OFFICE_PAGE), post(OFFICE_PAGE, data={"failures_before_broken": "x"})],
    "deliveries:preference": [get((405,) * 7), post((302,) * 7, data={"sms": ""})],
    "deliveries:unit_channel": [post((302, 302, 404, 302, 404, 404, 404), lambda w: [w.unit_a.pk], {"kind": "x"})],
    # The REST API (issue 19, api/urls.py), here with the session the browser docs use; a token answers
    # the same (tests/test_api.py). Anonymous: 401. Another unit's record: 404, as on the pages.
    # Operations (ops/): no login; /healthz is 503 here (no scan or scoring run has finished in this
    # world); /metrics answers everyone in development (production asks for its bearer token).
    "healthz": [get((503,) * 7)],
    "healthz_live": [get(ANYONE)],
    "metrics": [get(ANYONE)],
    "api:schema": [get(ANYONE)],
    "api:docs": [get(ANYONE)],
    # A leader's own digest setting and its preview (dave is the mayor); a secretary, a unit, the office: 403.
    "leader_digest_save": [get((405,) * 7), post((302, 403, 403, 403, 302, 403, 403), data={"frequency": "daily"})],
    "leader_digest_preview": [get((302, 403, 403, 403, 200, 403, 403))],
    "api:token_create": [get((405,) * 7), post((302, 200, 200, 200, 200, 200, 200), data={"name": "大屏"})],
    "api:token_revoke": [post((302, 404, 404, 404, 404, 404, 404), lambda w: [MISSING])],
    "api:me": [get(API_LOGGED_IN)],
    "api:rankings": [get(API_WITH_A_ROLE)],
    "api:evidence-download": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.submitted_evidence.pk])],
    "api:unit-list": [get(API_LOGGED_IN)],
    "api:unit-detail": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.unit_a.pk])],
    "api:leader-list": [get(API_WITH_A_ROLE)],
    "api:leader-detail": [get(API_WITH_A_ROLE, lambda w: [w.target.leader_id])],
    "api:target-list": [get(API_LOGGED_IN)],
    "api:target-detail": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.target.pk])],
    "api:assignment-list": [get(API_LOGGED_IN)],
    "api:assignment-detail": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.assignment.pk])],
    "api:report-list": [get(API_LOGGED_IN), post((401, 400, 400, 400, 400, 400, 400))],
    "api:report-detail": [
        get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.submitted.pk]),
        get((401, 200, 404, 200, 404, 404, 404), lambda w: [w.draft.pk]),
        get((401, 404, 200, 404, 404, 404, 404), lambda w: [w.co_draft.pk]),
    ],
    "api:report-submit": [post((401, 200, 404, 403, 404, 404, 404), lambda w: [w.draft.pk])],
    "api:report-evidence": [post((401, 400, 404, 403, 404, 404, 404), lambda w: [w.draft.pk])],
    "api:report-approve": [post((401, 403, 404, 200, 403, 200, 404), lambda w: [w.pending.pk])],
    "api:report-return-report": [
        post((401, 403, 404, 403, 403, 200, 404), lambda w: [w.submitted.pk], {"reason": "请补充"})
    ],
    "api:report-accept": [post((401, 403, 404, 403, 403, 200, 404), lambda w: [w.submitted.pk])],
    "api:notice-list": [get(API_LOGGED_IN)],
    "api:notice-detail": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.notice.pk])],
    "api:notice-sign": [post((401, 200, 404, 404, 404, 404, 404), lambda w: [w.notice.pk])],
    "api:notice-answer": [post((401, 400, 404, 404, 404, 404, 404), lambda w: [w.notice.pk], {"response": "已整改"})],
    "api:instruction-list": [get(API_LOGGED_IN)],
    "api:instruction-detail": [get((401, 200, 404, 200, 200, 200, 404), lambda w: [w.instruction.pk])],
    "api:score-entry-list": [get(API_LOGGED_IN)],
    "api:score-entry-detail": [get((401, 404, 404, 404, 404, 404, 404), lambda w: [MISSING])],
    "api:disclosure-list": [get(ANYONE)],
    "api:disclosure-detail": [get((404,) * 7, lambda w: [MISSING])],
    # 推进例会: the office or a leader enters a progress meeting, then records its decisions.
    "coordination:meeting_new": [get(LEADERS_AND_OFFICE)],
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def every_url_pattern() -> list[tuple[str, str]]:
    """(key, route) of every URL pattern of the site, from the root urlconf down."""
    return [(name or route, route) for route, name in _walk(get_resolver().url_patterns)]


def _row_key(key: str) -> str:
    return "admin:" if key.startswith("admin:") or key.startswith("admin/") else key


def test_every_url_pattern_has_a_row():
    missing = sorted({f"{key}  ({route})" for key, route in every_url_pattern() if _row_key(key) not in ROWS})
    assert not missing, (
        "These URL patterns have no row in tests/governance/test_url_matrix.py ROWS; add one (what each "
        "demo role must get):\n  " + "\n  ".join(missing)
    )


def test_no_row_names_a_url_that_is_gone():
    keys = {_row_key(key) for key, _route in every_url_pattern()}
    assert set(ROWS) - keys == set()


@pytest.fixture
def world(unit_a, unit_b, alice, bob, carol, dave, erin, leader):
    from tasks import services
    from tasks.choices import AssignmentRole
    from tests.workspace_data import filed_report, issued_target_of

    w = unit_a_world(unit_a=unit_a, alice=alice, erin=erin, leader=leader)
    w.unit_a, w.unit_b = unit_a, unit_b
    accepted = filed_report(w.assignment, alice, day=D(2018, 4, 25), period="2018-03")
    with at(D(2018, 4, 26)):
        services.accept_report(accepted, acting_user=erin)
    w.accepted = accepted
    # A target unit A leads with unit B as co-unit: B's draft and B's submitted report.
    shared = issued_target_of(unit_a, office=erin, leader=leader, co_units=[unit_b])
    co = shared.assignments.get(role=AssignmentRole.CO)
    w.co_draft = filed_report(co, bob, submit=False, evidence=False)
    w.co_submitted = filed_report(co, bob, day=D(2018, 5, 25), period="2018-04", evidence=False)
    with at(D(2018, 4, 20)):
        accountability.prepare_letters(2018, acting_user=erin)
    w.letter = ResponsibilityLetter.objects.get(unit=unit_a, year=2018)
    with at(D(2018, 6, 26)):
        accountability.issue_task_notices([w.assignment.pk], acting_user=erin)
    w.notice = Notice.objects.filter(unit=unit_a).first()
    w.message = InboxMessage.objects.filter(recipient=alice).first()
    with at(D(2018, 6, 26)):
        w.check = accountability.record_check(
            w.assignment, kind=CheckKind.RESPONSIBILITY, finding="推进不力", acting_user=erin
        )
        w.case = propose_case(
            check=w.check,
            measure=ensure_starting_measures()["通报批评"],
            facts="推进不力",
            evidence=jpeg("约谈记录.jpg"),
            acting_user=erin,
        )
        w.instruction = accountability.issue_instruction(
            target=w.target, text="抓紧推进。", due_date=D(2018, 7, 10), units=[unit_a], acting_user=dave
        )
        w.coordination, w.decision = _coordination_world(unit_a, alice, dave)
    return w


def _coordination_world(unit_a, alice, dave):
    """Unit A's request waiting for its meeting, and a decided one with a decision unit A owns."""
    from accountability.services import coordination
    from tasks.models import ResponsiblePerson

    waiting = coordination.request_coordination(
        unit=unit_a, blocked="用地手续", leader=dave_leader(dave), acting_user=alice
    )
    decided = coordination.request_coordination(
        unit=unit_a, blocked="电力迁改", leader=dave_leader(dave), acting_user=alice
    )
    coordination.schedule_coordination(decided, meeting_at=clock.now(), place="现场", units=[], acting_user=dave)
    person = ResponsiblePerson.objects.create(unit=unit_a, name="王五")
    row = {"text": "完成迁改", "owner": unit_a, "person": person, "deadline": D(2018, 7, 31)}
    [decision] = coordination.record_decisions(decided, rows=[row], acting_user=dave)
    return waiting, decision


def _unit_a_channel(w):
    from accountability.models import Channel

    channel, _created = Channel.objects.get_or_create(
        unit=w.unit_a, defaults={"kind": "webhook", "name": "甲县工作群", "address": "http://127.0.0.1:9/hook"}
    )
    return channel


def dave_leader(dave) -> Leader:
    return Leader.objects.get(roles__user=dave)


@pytest.fixture
def people(alice, bob, carol, dave, erin):
    sysadmin = UserFactory(username="sysadmin", is_staff=True, is_superuser=True)
    return {"anonymous": None, "alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin,
            "sysadmin": sysadmin}  # fmt: skip


def _url(key: str, args, world, query: str) -> str:
    if key == "admin:":
        return reverse("admin:index") + query
    if "/" in key or "." in key:  # an unnamed pattern: its route is its URL
        return "/" + key
    return reverse(key, args=args(world) if args else []) + query.format(check=world.check.pk)


def _statuses(world, people, key, method, args, data, query) -> dict[str, int]:
    people = {role: people[role] for role in ROLES}
    return statuses_by_role(_url(key, args, world, query), method=method, data=data, people=people)


CASES = [(key, *row) for key, rows in ROWS.items() for row in rows]


@pytest.mark.parametrize(
    ("key", "method", "args", "data", "expected", "query"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_demo_role_gets_the_expected_status(world, people, key, method, args, data, expected, query):
    got = _statuses(world, people, key, method, args, data, query)
    assert expected is not None, f"{key}: no expected statuses yet; got {tuple(got.values())}"
    assert got == dict(zip(ROLES, expected, strict=True))


def test_every_case_states_what_each_role_gets_or_prints_it(request):
    """With ZMD_MATRIX_PRINT=1, print what each role gets for every case (to help write a new row)."""
    if os.environ.get("ZMD_MATRIX_PRINT"):
        world, people = request.getfixturevalue("world"), request.getfixturevalue("people")
        for key, method, args, data, expected, query in CASES:
            got = tuple(_statuses(world, people, key, method, args, data, query).values())
            note = "" if expected is not None and tuple(expected) == got else f"  expected {expected}"
            print(f"{key:<32} {method:<5} {got}{note}")
    unstated = [key for key, _m, _a, _d, expected, _q in CASES if expected is None or len(expected) != len(ROLES)]
    assert not unstated, f"cases without one status per role: {unstated}"


def _evaluation_round(world, *, published: bool = False):
    """A 常态问政 round evaluating unit A, dave's sheet submitted; published by erin if asked."""
    from accountability.services.evaluations import open_round, publish_round, save_sheet
    from tasks.models import User

    erin, dave = User.objects.get(username="erin"), User.objects.get(username="dave")
    with at(D(2018, 10, 8)):
        round_ = open_round(
            name="2018年第三季度问政",
            period_start=D(2018, 7, 1),
            period_end=D(2018, 9, 30),
            units=[world.unit_a],
            evaluators=[dave],
            acting_user=erin,
        )
        marks = {subject.pk: (4, 4, "推进较快") for subject in round_.subjects.all()}
        save_sheet(round_.sheets.get(), marks, submit=True, acting_user=dave)
        if published:
            publish_round(round_, acting_user=erin)
    return round_
