"""申请延期: one extension model and service for every assignment; a proposal is one case of it."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability import services as acc
from accountability.choices import ChangeRequestStatus
from accountability.models import LetterChangeRequest, ResponsibilityLetter
from core.errors import RuleViolation
from tasks import services
from tasks.choices import ExtensionStatus, HandlingMode
from tasks.models import Milestone
from tests.scenarios import D, at, issued, link, npc_proposal


@pytest.fixture
def task(erin, unit_a, unit_b):
    return issued(erin, unit_a, [unit_b])


ASKED_ON, ASKED_FOR = D(2018, 9, 10), D(2019, 3, 31)


def _ask(assignment, user, day=ASKED_ON, new_deadline=ASKED_FOR, reason="汛期影响施工"):
    with at(day):
        return services.request_extension(assignment, new_deadline=new_deadline, reason=reason, acting_user=user)


def test_a_request_needs_a_later_day_and_a_reason(task, unit_a, alice):
    lead = link(task, unit_a)
    with pytest.raises(RuleViolation, match="The new deadline must be later than the current one") as error:
        _ask(lead, alice, new_deadline=D(2018, 12, 1))
    assert "new_deadline" in error.value.message_dict
    with pytest.raises(RuleViolation, match="Say why more time is needed") as error:
        _ask(lead, alice, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(RuleViolation, match="next year"):
        _ask(lead, alice, new_deadline=D(2020, 1, 31))
    assert not lead.extension_requests.exists()


def test_a_grant_moves_the_deadline_and_stretches_the_plan_ahead_with_history(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    before = dict(lead.milestones.values_list("pk", "due_date"))
    request = _ask(lead, alice)
    with at(D(2018, 9, 12)):
        services.decide_extension(request, grant=True, acting_user=erin, note="同意")
    lead.refresh_from_db()
    task.refresh_from_db()
    assert (lead.deadline, task.deadline) == (D(2019, 3, 31), D(2019, 3, 31))
    after = dict(lead.milestones.values_list("pk", "due_date"))
    assert after.keys() == before.keys()  # the same nodes, moved in place
    for pk, day in before.items():
        if day <= D(2018, 9, 12):
            assert after[pk] == day  # passed nodes stay
        else:
            assert after[pk] > day
    last = max(after, key=after.get)
    assert after[last] == D(2019, 3, 31)
    assert Milestone.history.filter(id=last, history_change_reason__contains="2019-03-31").exists()
    days = sorted(after.values())
    assert len(set(days)) == len(days)


def test_a_refusal_needs_the_reason_and_moves_nothing(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    request = _ask(lead, alice)
    with pytest.raises(RuleViolation, match="Say why"):
        services.decide_extension(request, grant=False, acting_user=erin)
    with at(D(2018, 9, 12)):
        services.decide_extension(request, grant=False, acting_user=erin, note="全年任务不予延期")
    request.refresh_from_db()
    lead.refresh_from_db()
    assert (request.status, request.decision_note) == (ExtensionStatus.REFUSED, "全年任务不予延期")
    assert lead.deadline == D(2018, 12, 31)


def test_a_grant_on_a_signed_letter_counts_as_its_approved_change(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    with at(D(2018, 6, 2)):
        [letter] = [x for x in acc.prepare_letters(2018, acting_user=erin) if x.unit_id == unit_a.pk]
        acc.sign_for_unit(letter, signatory="甲县县长", acting_user=erin)
        acc.sign_for_city(letter, signatory="市长", acting_user=erin)
    request = _ask(lead, alice)
    with at(D(2018, 9, 12)):
        services.decide_extension(request, grant=True, acting_user=erin, note="同意")
    letter = ResponsibilityLetter.objects.get(pk=letter.pk)
    change = LetterChangeRequest.objects.get(letter=letter)
    assert letter.revision == 1
    assert (change.status, change.revision, change.extension) == (ChangeRequestStatus.APPROVED, 1, request)
    assert (change.previous, change.changes) == ({"deadline": "2018-12-31"}, {"deadline": "2019-03-31"})
    # An edit outside a request is still refused on the signed letter.
    with pytest.raises(RuleViolation, match="responsibility letter"):
        services.update_assignment(lead, acting_user=erin, responsible_person="某某")


def test_an_unsigned_letter_just_shows_the_new_deadline(task, unit_a, alice, erin):
    with at(D(2018, 6, 2)):
        acc.prepare_letters(2018, acting_user=erin)
    request = _ask(link(task, unit_a), alice)
    with at(D(2018, 9, 12)):
        services.decide_extension(request, grant=True, acting_user=erin)
    assert not LetterChangeRequest.objects.exists()
    assert ResponsibilityLetter.objects.get(unit=unit_a).revision == 0


def test_only_an_open_assignment_asks_and_a_closed_one_is_not_extended(task, unit_a, alice, erin):
    lead = link(task, unit_a)
    request = _ask(lead, alice)
    with at(D(2018, 9, 11)):
        services.claim_completion(lead, acting_user=alice, final_percent=100, statement="完成")
    with pytest.raises(RuleViolation, match="no deadline left"):
        services.decide_extension(request, grant=True, acting_user=erin)
    with pytest.raises(RuleViolation, match="open assignment"):
        _ask(lead, alice)


@pytest.fixture
def proposal(erin, unit_a, unit_b):
    return npc_proposal(erin, unit_a, [unit_b], handling_mode=HandlingMode.SEPARATE, deadline=D(2018, 7, 10))


def test_a_proposal_is_one_case_of_the_same_service(proposal, unit_a, unit_b, alice, bob, erin):
    """The same request moves the reply deadline of the whole chain, and only once."""
    lead, co = link(proposal.target, unit_a), link(proposal.target, unit_b)
    request = _ask(lead, alice, D(2018, 6, 1), new_deadline=D(2018, 8, 10))
    with at(D(2018, 6, 3)):
        services.decide_extension(request, grant=True, acting_user=erin)
    proposal.refresh_from_db()
    co.refresh_from_db()
    assert (proposal.reply_deadline, proposal.original_deadline, co.deadline) == (
        D(2018, 8, 10),
        D(2018, 7, 10),
        D(2018, 8, 10),
    )
    assert co.milestones.order_by("-due_date").first().due_date == D(2018, 8, 10)  # plans stretched too
    with pytest.raises(RuleViolation, match="extended once"):
        _ask(co, bob, D(2018, 6, 5), new_deadline=D(2018, 9, 10))


def test_the_old_proposal_functions_are_gone():
    assert not hasattr(services, "request_proposal_extension")
    assert not hasattr(services, "decide_proposal_extension")
    assert isinstance(D(2018, 1, 1), dt.date)
