"""A proposal's life in the browser: the unit asks for the one extension and the office grants or
refuses it; a reply found 不满意 is answered again in a second round; the office records each view."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tasks.choices import ExtensionStatus, HandlingMode, ProposalStatus, ReplyKind
from tasks.models import ExtensionRequest, Proposal, ProposalReply
from tests.scenarios import D, at, link, npc_proposal


@pytest.fixture
def proposal(erin, unit_a, unit_b):
    """NPC suggestion no. 18 handled separately by units A and B, assigned 04-10, due 07-10."""
    return npc_proposal(erin, unit_a, [unit_b], handling_mode=HandlingMode.SEPARATE)


def _detail(client, proposal) -> str:
    return client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()


def _post(client, proposal, action, data):
    return client.post(reverse("proposals:action", args=[proposal.pk, action]), data, follow=True)


def _ask(client, proposal, assignment, day="2018-08-10", reason="需与省厅会商"):
    return _post(
        client, proposal, "request-extension", {"assignment": assignment.pk, "new_deadline": day, "reason": reason}
    )


def test_the_unit_asks_for_more_time_and_the_office_grants_it_once(proposal, client, alice, erin, unit_a, unit_b):
    lead = link(proposal.target, unit_a)
    client.force_login(alice)
    with at(D(2018, 6, 20)):
        assert "request-extension" in _detail(client, proposal)
        page = _ask(client, proposal, lead).content.decode()
    assert "延期申请已提交督查室。" in page
    request = ExtensionRequest.objects.get()
    assert (request.status, request.requested_deadline, request.previous_deadline) == (
        ExtensionStatus.PENDING,
        D(2018, 8, 10),
        D(2018, 7, 10),
    )
    assert "request-extension" not in _detail(client, proposal)  # waiting: no second form

    client.force_login(erin)
    with at(D(2018, 6, 21)):
        assert f"id_decide{request.pk}_decision" in _detail(client, proposal)
        _post(client, proposal, "decide-extension", {"request": request.pk, "decision": "grant", "note": ""})
    proposal.refresh_from_db()
    request.refresh_from_db()
    assert request.status == ExtensionStatus.GRANTED and request.decided_by == erin
    assert (proposal.reply_deadline, proposal.original_deadline) == (D(2018, 8, 10), D(2018, 7, 10))
    assert proposal.extension_reason == "需与省厅会商"
    assert {a.deadline for a in proposal.target.assignments.all()} == {D(2018, 8, 10)}  # the whole chain

    client.force_login(alice)
    assert "request-extension" not in _detail(client, proposal)  # the one extension is used
    with at(D(2018, 7, 1)):
        refused = _ask(client, proposal, lead, day="2018-09-10").content.decode()
    assert "不能再次延期" in refused
    assert ExtensionRequest.objects.count() == 1
    proposal.refresh_from_db()
    assert proposal.reply_deadline == D(2018, 8, 10)


def test_the_office_refuses_with_a_reason_and_the_unit_may_ask_again(proposal, client, alice, erin, unit_a):
    lead = link(proposal.target, unit_a)
    client.force_login(alice)
    with at(D(2018, 6, 20)):
        _ask(client, proposal, lead)
    request = ExtensionRequest.objects.get()
    client.force_login(erin)
    with at(D(2018, 6, 21)):
        no_reason = _post(client, proposal, "decide-extension", {"request": request.pk, "decision": "refuse"})
    assert "请说明不同意的理由。" in no_reason.content.decode()
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING
    with at(D(2018, 6, 21)):
        _post(client, proposal, "decide-extension", {"request": request.pk, "decision": "refuse", "note": "时间充足"})
    request.refresh_from_db()
    proposal.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED and proposal.reply_deadline == D(2018, 7, 10)
    assert not proposal.was_extended
    client.force_login(alice)
    assert "request-extension" in _detail(client, proposal)


def test_a_bad_request_is_refused_in_chinese_and_stores_nothing(proposal, client, alice, unit_a):
    client.force_login(alice)
    with at(D(2018, 6, 20)):
        earlier = _ask(client, proposal, link(proposal.target, unit_a), day="2018-07-01").content.decode()
        empty = _ask(client, proposal, link(proposal.target, unit_a), reason=" ").content.decode()
    assert "晚于" in earlier
    assert "这个字段是必填项" in empty
    assert not ExtensionRequest.objects.exists()


def test_nobody_asks_for_another_unit_and_only_the_office_decides(proposal, client, alice, bob, carol, unit_a):
    client.force_login(bob)
    with at(D(2018, 6, 20)):
        assert _ask(client, proposal, link(proposal.target, unit_a)).status_code == 404
    client.force_login(alice)
    with at(D(2018, 6, 20)):
        _ask(client, proposal, link(proposal.target, unit_a))
    request = ExtensionRequest.objects.get()
    for person in (alice, carol):
        client.force_login(person)
        response = _post(client, proposal, "decide-extension", {"request": request.pk, "decision": "grant"})
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING


def test_an_unsatisfied_reply_is_redone_in_the_browser_and_the_office_records_each_view(
    proposal, client, alice, bob, erin, unit_a, unit_b
):
    lead, co = link(proposal.target, unit_a), link(proposal.target, unit_b)
    client.force_login(alice)
    with at(D(2018, 6, 5)):
        _post(client, proposal, "reply", {"assignment": lead.pk, "result_code": "B", "text": "已列入计划"})
    client.force_login(bob)
    with at(D(2018, 6, 6)):
        _post(client, proposal, "reply", {"assignment": co.pk, "result_code": "A", "text": "已解决"})
    first = ProposalReply.objects.get(assignment=lead, round=1)

    client.force_login(erin)
    with at(D(2018, 7, 1)):
        page = _detail(client, proposal)
        assert f'action="{reverse("proposals:record-view", args=[first.pk])}"' in page
        view = {"satisfaction": "unsatisfied", "note": "未落实"}
        client.post(reverse("proposals:record-view", args=[first.pk]), view)
        second_co = ProposalReply.objects.get(assignment=co)
        client.post(reverse("proposals:record-view", args=[second_co.pk]), {"satisfaction": "satisfied"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REDO

    client.force_login(alice)
    with at(D(2018, 7, 2)):
        page = _detail(client, proposal)
        assert "第2轮" in page and re.search(r'name="text"', page)
        _post(client, proposal, "reply", {"assignment": lead.pk, "result_code": "A", "text": "已补充落实"})
    redo = ProposalReply.objects.get(assignment=lead, round=2, kind=ReplyKind.REPLY)
    assert redo.text == "已补充落实" and 'name="text"' not in _detail(client, proposal)

    client.force_login(erin)
    with at(D(2018, 7, 20)):
        client.post(reverse("proposals:record-view", args=[redo.pk]), {"satisfaction": "satisfied"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONCLUDED
    assert [(r.round, r.satisfaction) for r in ProposalReply.objects.filter(assignment=lead).order_by("round")] == [
        (1, "unsatisfied"),
        (2, "satisfied"),
    ]
    assert Proposal.objects.get().concluded_at is not None
