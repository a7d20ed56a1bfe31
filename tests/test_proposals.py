"""Suggestions and proposals: deadlines by kind, one extension, replies, co-units' views, redo."""

import pytest

from core.errors import RuleViolation
from tasks import services
from tasks.choices import (
    HandlingMode,
    ProposalKind,
    ProposalStatus,
    ReplyKind,
    ResultCode,
    Satisfaction,
    TargetType,
)
from tasks.models import Proposal, ProposalReply
from tests.factories import UnitFactory
from tests.scenarios import D, at, issued, link


@pytest.fixture
def proposal_target(erin, unit_a, unit_b):
    return issued(erin, unit_a, [unit_b], start=D(2018, 4, 10), target_type=TargetType.PROPOSAL)


def _register(target, erin, *, kind=ProposalKind.NPC, mode=HandlingMode.SEPARATE, number="18"):
    with at(D(2018, 4, 10), 12):
        return services.register_proposal(
            target, kind=kind, number=number, session="2018年会议", proposers="王某某等5名代表",
            handling_mode=mode, acting_user=erin,
        )  # fmt: skip


def _reply(proposal, assignment, user, day, code=ResultCode.A):
    with at(day):
        return services.submit_reply(proposal, assignment=assignment, text="已办理", result_code=code, acting_user=user)


def _rate(reply, erin, day, view):
    with at(day):
        return services.record_satisfaction(reply, satisfaction=view, acting_user=erin)


def test_an_npc_suggestion_is_due_in_three_months_and_the_chain_follows(proposal_target, erin):
    proposal = _register(proposal_target, erin)
    assert proposal.reply_deadline == D(2018, 7, 10)
    assert set(proposal_target.assignments.values_list("deadline", flat=True)) == {D(2018, 7, 10)}
    proposal_target.refresh_from_db()
    assert proposal_target.deadline == D(2018, 7, 10)
    assert proposal.history.get().history_user == erin


def test_a_cppcc_proposal_is_due_in_five_months(proposal_target, erin):
    assert _register(proposal_target, erin, kind=ProposalKind.CPPCC).reply_deadline == D(2018, 9, 10)


def test_the_months_are_configurable(proposal_target, erin, settings):
    settings.ZMD_PROPOSAL_REPLY_MONTHS_NPC = 2
    assert _register(proposal_target, erin).reply_deadline == D(2018, 6, 10)


def test_only_a_proposal_target_carries_proposal_data(erin, unit_a):
    target = issued(erin, unit_a, target_type=TargetType.TASK)
    with pytest.raises(RuleViolation, match="suggestion or proposal"):
        _register(target, erin)
    assert not Proposal.objects.exists()


def test_a_number_is_registered_once_per_session(erin, proposal_target, unit_a):
    _register(proposal_target, erin)
    other = issued(erin, unit_a, start=D(2018, 4, 10), target_type=TargetType.PROPOSAL)
    with pytest.raises(RuleViolation, match="already registered"):
        _register(other, erin)


def test_one_extension_and_no_second(proposal_target, erin):
    proposal = _register(proposal_target, erin)
    with at(D(2018, 7, 1)):
        services.extend_reply_deadline(proposal, new_deadline=D(2018, 8, 10), reason="需省厅会商", acting_user=erin)
    proposal.refresh_from_db()
    assert (proposal.original_deadline, proposal.reply_deadline) == (D(2018, 7, 10), D(2018, 8, 10))
    assert set(proposal_target.assignments.values_list("deadline", flat=True)) == {D(2018, 8, 10)}
    with at(D(2018, 8, 1)), pytest.raises(RuleViolation, match="already been extended once"):
        services.extend_reply_deadline(proposal, new_deadline=D(2018, 9, 10), reason="再延", acting_user=erin)
    proposal.refresh_from_db()
    assert proposal.reply_deadline == D(2018, 8, 10)


def test_separately_each_unit_answers_and_it_concludes_when_all_are_satisfied(
    proposal_target, erin, alice, bob, unit_a, unit_b
):
    proposal = _register(proposal_target, erin)
    first = _reply(proposal, link(proposal_target, unit_a), alice, D(2018, 6, 1))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING  # unit B has not answered
    second = _reply(proposal, link(proposal_target, unit_b), bob, D(2018, 6, 2), code=ResultCode.B)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED
    _rate(first, erin, D(2018, 6, 10), Satisfaction.SATISFIED)
    _rate(second, erin, D(2018, 6, 10), Satisfaction.BASIC)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONCLUDED and proposal.concluded_at is not None


def test_jointly_the_co_unit_sends_views_and_only_the_lead_answers(proposal_target, erin, alice, bob, unit_a, unit_b):
    proposal = _register(proposal_target, erin, mode=HandlingMode.JOINT)
    with pytest.raises(RuleViolation, match="lead unit answers"):
        _reply(proposal, link(proposal_target, unit_b), bob, D(2018, 5, 20))
    with at(D(2018, 5, 20)):
        views = services.send_views(proposal, assignment=link(proposal_target, unit_b), text="建议", acting_user=bob)
    assert (views.kind, views.round, views.result_code) == (ReplyKind.VIEWS, 1, "")
    with at(D(2018, 5, 21)), pytest.raises(RuleViolation, match="already sent its views"):
        services.send_views(proposal, assignment=link(proposal_target, unit_b), text="再次", acting_user=bob)
    _reply(proposal, link(proposal_target, unit_a), alice, D(2018, 6, 1))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED


def test_unsatisfied_means_redo_with_a_new_deadline_and_a_second_round(
    proposal_target, erin, alice, bob, unit_a, unit_b
):
    proposal = _register(proposal_target, erin, mode=HandlingMode.JOINT)
    lead = link(proposal_target, unit_a)
    reply = _reply(proposal, lead, alice, D(2018, 6, 20), code=ResultCode.C)
    _rate(reply, erin, D(2018, 7, 5), Satisfaction.UNSATISFIED)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REDO
    assert proposal.reply_deadline == D(2018, 8, 5)  # one month to answer again
    assert set(proposal_target.assignments.values_list("deadline", flat=True)) == {D(2018, 8, 5)}
    assert services.current_round(lead) == 2
    with at(D(2018, 7, 10)):  # the co-unit sends views again for the new round
        views = services.send_views(proposal, assignment=link(proposal_target, unit_b), text="补充", acting_user=bob)
    assert views.round == 2
    again = _reply(proposal, lead, alice, D(2018, 7, 20), code=ResultCode.A)
    assert again.round == 2
    _rate(again, erin, D(2018, 7, 25), Satisfaction.SATISFIED)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONCLUDED
    assert reply.history.filter(satisfaction=Satisfaction.UNSATISFIED).get().history_user == erin


def test_a_unit_cannot_answer_twice_in_a_round_or_be_rated_twice(proposal_target, erin, alice, unit_a):
    proposal = _register(proposal_target, erin)
    reply = _reply(proposal, link(proposal_target, unit_a), alice, D(2018, 6, 1))
    with pytest.raises(RuleViolation, match="already replied"):
        _reply(proposal, link(proposal_target, unit_a), alice, D(2018, 6, 2))
    _rate(reply, erin, D(2018, 6, 10), Satisfaction.SATISFIED)
    with pytest.raises(RuleViolation, match="already been recorded"):
        _rate(reply, erin, D(2018, 6, 11), Satisfaction.UNSATISFIED)
    assert ProposalReply.objects.count() == 1


def test_a_unit_not_on_the_chain_cannot_answer(proposal_target, erin, alice):
    proposal = _register(proposal_target, erin)
    stranger = issued(erin, UnitFactory(name="丙县"), target_type=TargetType.PROPOSAL).assignments.get()
    with pytest.raises(RuleViolation, match="no part"):
        _reply(proposal, stranger, alice, D(2018, 6, 1))


def test_a_reply_needs_text_and_a_code_and_stores_nothing_otherwise(proposal_target, erin, alice, unit_a):
    proposal = _register(proposal_target, erin)
    with at(D(2018, 6, 1)), pytest.raises(RuleViolation, match="Write the reply"):
        services.submit_reply(
            proposal, assignment=link(proposal_target, unit_a), text="  ", result_code="A", acting_user=alice
        )
    with at(D(2018, 6, 1)), pytest.raises(RuleViolation, match="Choose a result code from A to D"):
        services.submit_reply(
            proposal, assignment=link(proposal_target, unit_a), text="答复", result_code="E", acting_user=alice
        )
    assert not ProposalReply.objects.exists()


def test_the_handling_mode_is_fixed_once_units_replied(proposal_target, erin, alice, unit_a):
    proposal = _register(proposal_target, erin)
    _reply(proposal, link(proposal_target, unit_a), alice, D(2018, 6, 1))
    with pytest.raises(RuleViolation, match="handling mode"):
        services.update_proposal(proposal, handling_mode=HandlingMode.JOINT, acting_user=erin)
    services.update_proposal(proposal, proposers="王某某等6名代表", acting_user=erin)
    proposal.refresh_from_db()
    assert proposal.proposers == "王某某等6名代表" and proposal.handling_mode == HandlingMode.SEPARATE


def test_concluding_closes_the_chain_through_the_ledger(proposal_target, erin, unit_a, unit_b, alice, bob):
    """办结: each link is claimed, verified and closed out by the services, so that its close-out
    notice and its points follow as for any task."""
    from accountability import services as acc
    from accountability.models import Notice
    from tasks.choices import AssignmentStatus, ClaimStatus, TargetStatus

    proposal = _register(proposal_target, erin)
    lead, co = link(proposal_target, unit_a), link(proposal_target, unit_b)
    first = _reply(proposal, lead, alice, D(2018, 6, 1))
    _rate(first, erin, D(2018, 6, 5), Satisfaction.SATISFIED)
    lead.refresh_from_db()
    assert lead.status != AssignmentStatus.CLOSED  # the co-unit has not answered yet
    second = _reply(proposal, co, bob, D(2018, 6, 20))
    _rate(second, erin, D(2018, 6, 25), Satisfaction.BASIC)
    proposal.refresh_from_db()
    proposal_target.refresh_from_db()
    assert proposal.status == ProposalStatus.CONCLUDED
    assert proposal_target.status == TargetStatus.CLOSED
    for assignment in (lead, co):
        assignment.refresh_from_db()
        assert assignment.status == AssignmentStatus.CLOSED and assignment.progress_percent == 100
        assert assignment.claims.get().status == ClaimStatus.VERIFIED
        statuses = list(assignment.history.order_by("history_id").values_list("status", flat=True))
        steps = [status for i, status in enumerate(statuses) if i == 0 or statuses[i - 1] != status]
        assert steps[-3:] == ["claimed", "verified", "closed"]
    with at(D(2018, 6, 26)):
        notices = acc.issue_close_out_notices([lead.pk, co.pk], acting_user=erin)
    assert {n.assignment_id for n in notices} == {lead.pk, co.pk}
    assert Notice.objects.filter(kind="close_out").count() == 2
