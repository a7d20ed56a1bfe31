"""The life of a task in the browser's pages: 申请销号, 申请延期, 销号核验, 退回重办."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.models import Notice, ScoreEntry
from tasks import services
from tasks.choices import AssignmentStatus, ExtensionStatus
from tests.scenarios import D, at, issued, link
from tests.workspace_data import jpeg


@pytest.fixture
def task(erin, unit_a, unit_b):
    return issued(erin, unit_a, [unit_b])


def _page(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_unit_sees_the_buttons_and_others_do_not(task, unit_a, client, alice, carol, bob, dave, erin):
    url = reverse("assignment_detail", args=[link(task, unit_a).pk])
    for person in (alice, carol):  # staff and head
        page = _page(client, person, url)
        assert "申请销号" in page and "申请延期" in page
    for person in (dave, erin):
        page = _page(client, person, url)
        assert reverse("assignment_claim", args=[link(task, unit_a).pk]) not in page
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_a_claim_without_statement_or_evidence_is_refused_in_chinese(task, unit_a, client, alice):
    lead = link(task, unit_a)
    client.force_login(alice)
    with at(D(2018, 9, 10)):
        response = client.post(reverse("assignment_claim", args=[lead.pk]), {"final_percent": "100"})
    content = response.content.decode()
    assert "请填写完成情况说明" in content and "请至少上传一份佐证材料" in content
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ISSUED and not lead.claims.exists()
    with at(D(2018, 9, 10)):
        response = client.post(
            reverse("assignment_claim", args=[lead.pk]),
            {"final_percent": "90", "statement": "基本完成", "evidence": jpeg()},
        )
    assert "方可申请销号" in response.content.decode() and not lead.claims.exists()


def test_the_unit_claims_and_the_office_verifies_in_the_queue(task, unit_a, client, alice, erin):
    lead = link(task, unit_a)
    client.force_login(alice)
    with at(D(2018, 9, 10)):
        response = client.post(
            reverse("assignment_claim", args=[lead.pk]),
            {"final_percent": "100", "statement": "已全面完成", "evidence": [jpeg("验收.jpg"), jpeg("照片.jpg")]},
            follow=True,
        )
    content = response.content.decode()
    assert "已申请销号" in content and "验收.jpg" in content and "待核验" in content
    queue = _page(client, erin, reverse("notices:close_outs"))
    assert "销号核验" in queue and "已全面完成" in queue and "验收.jpg" in queue
    evidence = lead.claims.get().evidence.first()
    assert client.get(reverse("claim_evidence", args=[evidence.pk])).status_code == 200
    with at(D(2018, 9, 12)):
        response = client.post(reverse("notices:close_out", args=[lead.pk]), {"note": "经核验"}, follow=True)
    notice = Notice.objects.get(kind="close_out", assignment=lead)
    assert "任务销号单" in response.content.decode() and notice.number in response.content.decode()
    assert ScoreEntry.objects.filter(assignment=lead, rule__code="completed_lead").exists()
    register = _page(client, erin, reverse("notices:register") + "?kind=close_out")
    assert notice.number in register


def test_the_office_refuses_a_claim_from_the_assignment_page(task, unit_a, client, alice, erin):
    lead = link(task, unit_a)
    with at(D(2018, 9, 10)):
        services.claim_completion(lead, acting_user=alice, final_percent=100, statement="完成")
    page = _page(client, erin, reverse("assignment_detail", args=[lead.pk]))
    assert "核验并销号" in page and "不予销号" in page and "退回重办" in page
    no_reason = client.post(reverse("notices:refuse_claim", args=[lead.pk]), {"reason": ""}, follow=True)
    assert "请填写理由" in no_reason.content.decode()
    with at(D(2018, 9, 11)):
        client.post(
            reverse("notices:refuse_claim", args=[lead.pk]),
            {"reason": "佐证材料不足", "next": reverse("assignment_detail", args=[lead.pk])},
        )
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.IN_PROGRESS
    unit_page = _page(client, alice, reverse("assignment_detail", args=[lead.pk]))
    assert "佐证材料不足" in unit_page and "申请销号" in unit_page


def test_the_office_returns_a_closed_task_for_redo_and_the_points_go(task, unit_a, client, alice, erin):
    from accountability import services as acc

    lead = link(task, unit_a)
    with at(D(2018, 9, 10)):
        services.claim_completion(lead, acting_user=alice, final_percent=100, statement="完成")
        acc.verify_and_close_out(lead, acting_user=erin)
    queue = _page(client, erin, reverse("notices:close_outs"))
    assert "最近销号的任务" in queue and reverse("notices:redo", args=[lead.pk]) in queue
    with at(D(2018, 9, 14)):
        response = client.post(reverse("notices:redo", args=[lead.pk]), {"reason": "抽查不实"}, follow=True)
    assert "已退回重办" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.RETURNED
    assert sum(ScoreEntry.objects.filter(assignment=lead).values_list("amount", flat=True)) == 0
    assert "退回重办" in _page(client, alice, reverse("assignment_detail", args=[lead.pk]))


def test_the_unit_asks_for_more_time_and_the_office_decides_in_the_queue(task, unit_a, client, alice, erin):
    lead = link(task, unit_a)
    url = reverse("assignment_extension", args=[lead.pk])
    client.force_login(alice)
    with at(D(2018, 9, 10)):
        bad = client.post(url, {"new_deadline": "2018-11-30", "reason": "x"})
        assert "申请的完成时限须晚于现有时限" in bad.content.decode()
        client.post(url, {"new_deadline": "2019-01-31", "reason": "汛期影响施工"})
    extension = lead.extension_requests.get()
    assert "等待督查室审批" in _page(client, alice, url)
    queue = _page(client, erin, reverse("notices:close_outs"))
    assert "汛期影响施工" in queue and reverse("extension_decide", args=[extension.pk]) in queue
    decide = reverse("extension_decide", args=[extension.pk])
    refused = client.post(decide, {"decision": "refuse", "note": ""}, follow=True)
    assert "请说明不同意的理由" in refused.content.decode()
    with at(D(2018, 9, 12)):
        client.post(decide, {"decision": "grant", "note": "同意", "next": reverse("notices:close_outs")})
    extension.refresh_from_db()
    lead.refresh_from_db()
    assert extension.status == ExtensionStatus.GRANTED and lead.deadline == D(2019, 1, 31)


def test_the_queue_takes_the_same_queries_for_few_or_many(erin, unit_a, unit_b, alice, bob, client):
    def claims(n):
        for _ in range(n):
            assignment = link(issued(erin, unit_a, [unit_b]), unit_a)
            with at(D(2018, 9, 10)):
                services.claim_completion(
                    assignment, acting_user=alice, final_percent=100, statement="完成", evidence=[jpeg()]
                )
                services.request_extension(
                    link(assignment.target, unit_b), new_deadline=D(2019, 1, 31), reason="延期", acting_user=bob
                )

    client.force_login(erin)
    claims(1)
    client.get(reverse("notices:close_outs"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notices:close_outs"))
    claims(3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("notices:close_outs"))
    assert response.content.decode().count("claim-row") == 4
    assert len(many.captured_queries) == len(few.captured_queries), [q["sql"] for q in many.captured_queries]
