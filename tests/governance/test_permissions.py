"""Issue 14, item 3: can(user, action, obj) is the one answer, and for_user agrees with it on drafts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from core.access import Action
from core.permissions import RULES, can
from tasks.models import ProgressReport
from tests.workspace_data import unit_a_world


@pytest.fixture
def world(unit_a, alice, erin, leader):
    return unit_a_world(unit_a=unit_a, alice=alice, erin=erin, leader=leader)


def test_an_action_without_a_rule_is_an_error_not_a_silent_no(alice):
    with pytest.raises(ValueError, match="no rule"):
        can(alice, "report.teleport")


def test_the_apps_rules_are_registered_in_the_one_place():
    assert {"report.delete", "report.reopen", "page.office", "letter.sign_unit", "notice.verify"} <= set(RULES)


def test_an_anonymous_visitor_may_do_nothing(world):
    assert not can(AnonymousUser(), "report.view", world.submitted)
    assert not can(None, "page.office")


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "dave", "erin"])
def test_can_view_agrees_with_for_user_on_drafts_and_filed_reports(request, world, who):
    user = request.getfixturevalue(who)
    for report in (world.draft, world.submitted, world.pending):
        in_scope = ProgressReport.objects.for_user(user, Action.VIEW).filter(pk=report.pk).exists()
        assert can(user, "report.view", report) == in_scope, (who, report.status)


def test_the_template_tag_shows_a_button_exactly_when_the_rule_allows(world, alice, erin):
    template = Template(
        '{% load permissions %}{% can "report.delete" report as ok %}{% if ok %}YES{% else %}NO{% endif %}'
    )
    for user, expected in ((alice, "YES"), (erin, "NO")):
        request = RequestFactory().get("/")
        request.user = user
        assert template.render(Context({"request": request, "report": world.draft})) == expected


def test_the_assignment_page_buttons_follow_the_rules_of_the_unit_and_the_office(world, alice, bob, dave, erin):
    assignment = world.assignment
    assert can(alice, "assignment.report", assignment) and can(alice, "assignment.claim", assignment)
    assert can(alice, "assignment.extend", assignment)
    for outsider in (bob, dave, erin):  # another unit, a leader, the office: not the unit's work
        assert not can(outsider, "assignment.claim", assignment)
        assert not can(outsider, "assignment.report", assignment)
    assert can(erin, "assignment.manage", assignment) and can(erin, "check.record", assignment)
    assert not can(alice, "assignment.manage", assignment) and not can(dave, "target.manage", assignment.target)
    assignment.status = "closed"
    assert not can(alice, "assignment.claim", assignment) and not can(alice, "assignment.extend", assignment)
