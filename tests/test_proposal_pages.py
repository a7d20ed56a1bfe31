"""Proposal pages: units reply from the browser, the office registers, extends and records the view."""

import pytest
from django.urls import reverse

from tasks import services
from tasks.choices import HandlingMode, ProposalKind, ProposalStatus, Satisfaction, TargetType
from tasks.models import Proposal, ProposalReply
from tests.factories import UnitFactory
from tests.scenarios import D, at, issued, link, npc_proposal


@pytest.fixture
def proposal(erin, unit_a, unit_b):
    return npc_proposal(erin, unit_a, [unit_b], handling_mode=HandlingMode.JOINT)


def test_the_office_registers_a_proposal_target_from_the_list(erin, unit_a, client):
    target = issued(erin, unit_a, start=D(2018, 4, 10), target_type=TargetType.PROPOSAL, title="关于营商环境的提案")
    client.force_login(erin)
    page = client.get(reverse("proposals:list")).content.decode()
    assert reverse("proposals:register", args=[target.pk]) in page
    with at(D(2018, 4, 11)):
        response = client.post(
            reverse("proposals:register", args=[target.pk]),
            {
                "kind": "cppcc",
                "number": "56",
                "session": "2018年政协会议",
                "proposers": "李某某",
                "handling_mode": "joint",
            },
        )
    proposal = Proposal.objects.get(target=target)
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.reply_deadline == D(2018, 9, 10)


def test_a_bad_registration_is_refused_in_chinese(erin, unit_a, client):
    target = issued(erin, unit_a, start=D(2018, 4, 10), target_type=TargetType.PROPOSAL)
    client.force_login(erin)
    response = client.post(reverse("proposals:register", args=[target.pk]), {"kind": "npc", "number": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_lead_replies_and_the_co_unit_sends_views_from_the_page(proposal, client, alice, bob, unit_a, unit_b):
    url = reverse("proposals:detail", args=[proposal.pk])
    client.force_login(bob)
    assert "会办意见" in client.get(url).content.decode()
    with at(D(2018, 6, 1)):
        client.post(
            reverse("proposals:action", args=[proposal.pk, "views"]),
            {"assignment": link(proposal.target, unit_b).pk, "text": "建议加大投入"},
        )
    client.force_login(alice)
    with at(D(2018, 6, 5)):
        client.post(
            reverse("proposals:action", args=[proposal.pk, "reply"]),
            {"assignment": link(proposal.target, unit_a).pk, "text": "已落实", "result_code": "A"},
        )
    assert list(ProposalReply.objects.order_by("written_at").values_list("kind", "assignment__unit__name")) == [
        ("views", "乙局"),
        ("reply", "甲县"),
    ]


def test_a_crafted_post_for_another_units_assignment_stores_nothing(proposal, client, bob, unit_a):
    client.force_login(bob)
    response = client.post(
        reverse("proposals:action", args=[proposal.pk, "reply"]),
        {"assignment": link(proposal.target, unit_a).pk, "text": "冒名答复", "result_code": "A"},
    )
    assert response.status_code == 404
    assert not ProposalReply.objects.exists()


def test_the_office_writes_no_reply_for_a_unit(proposal, client, erin, unit_a):
    client.force_login(erin)
    assert "提交答复" not in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    response = client.post(
        reverse("proposals:action", args=[proposal.pk, "reply"]),
        {"assignment": link(proposal.target, unit_a).pk, "text": "代答", "result_code": "A"},
    )
    assert response.status_code == 404 and not ProposalReply.objects.exists()


def test_the_office_records_an_unsatisfied_view_and_the_unit_answers_again(proposal, client, erin, alice, unit_a):
    with at(D(2018, 6, 5)):
        reply = services.submit_reply(
            proposal, assignment=link(proposal.target, unit_a), text="答复", result_code="B", acting_user=alice
        )
    client.force_login(erin)
    with at(D(2018, 7, 1)):
        client.post(reverse("proposals:record-view", args=[reply.pk]), {"satisfaction": Satisfaction.UNSATISFIED})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REDO
    client.force_login(alice)
    assert "第2轮" in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()


def test_a_second_extension_is_refused_with_a_message(proposal, client, erin):
    client.force_login(erin)
    url = reverse("proposals:action", args=[proposal.pk, "extend"])
    with at(D(2018, 6, 1)):
        client.post(url, {"new_deadline": "2018-08-10", "reason": "需会商"})
        response = client.post(url, {"new_deadline": "2018-09-10", "reason": "再延"}, follow=True)
    assert "不能再次延期" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.reply_deadline == D(2018, 8, 10)


def test_units_see_only_their_proposals(proposal, client, erin):
    other_unit = UnitFactory(name="丙县")
    other = issued(erin, other_unit, start=D(2018, 4, 10), target_type=TargetType.PROPOSAL, title="丙县的建议")
    with at(D(2018, 4, 10), 12):
        services.register_proposal(
            other, kind=ProposalKind.NPC, number="19", session="2018年会议", proposers="赵某某",
            handling_mode=HandlingMode.SEPARATE, acting_user=erin,
        )  # fmt: skip
    from tests.factories import RoleFactory, UserFactory

    carl = RoleFactory(user=UserFactory(username="carl"), unit=other_unit).user
    client.force_login(carl)
    page = client.get(reverse("proposals:list")).content.decode()
    assert "丙县的建议" in page and "关于养护的建议" not in page
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404


def test_the_proposal_list_takes_the_same_queries_for_few_or_many(erin, client, django_assert_num_queries):
    def make(count, start):
        for n in range(count):
            target = issued(
                erin, UnitFactory(name=f"县{start + n}"), start=D(2018, 4, 10), target_type=TargetType.PROPOSAL
            )
            services.register_proposal(
                target, kind=ProposalKind.NPC, number=str(start + n), session="会", proposers="某",
                handling_mode=HandlingMode.SEPARATE, acting_user=erin,
            )  # fmt: skip

    client.force_login(erin)
    make(2, 0)
    client.get(reverse("proposals:list"))
    with django_assert_num_queries(7) as few:  # + the inbox badge
        client.get(reverse("proposals:list"))
    make(12, 100)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("proposals:list")).content.decode().count("/proposals/") >= 14
