"""The office's review: nothing is public before it; 答复 publishes the text and the answer without the
contact; 不予采纳 keeps the reason out of sight; 转为问题督查单 issues a notice for the unit, linked both
ways and in the five-list register; the public page counts clues per target."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accountability.choices import FeedbackStatus, NoticeKind
from accountability.models import Notice
from accountability.services import public_feedback as channel
from core.errors import RuleViolation
from tests.scenarios import issued, link

from .conftest import latest, send

pytestmark = pytest.mark.usefixtures("on_sept_10")
CONTACT = "13912345678"


def _public(client, disclosure) -> str:
    return client.get(reverse("public:detail", args=[disclosure.pk])).content.decode()


def _row(page: str, code: str) -> str:
    start = page.index(f'data-target="{code}"')
    return page[start : page.index("</tr>", start)]


def test_nothing_is_public_before_the_office_looked_at_it(published, road, client):
    send(client, published, road, text="桥面有裂缝，没有修。", contact=CONTACT)
    page = _public(client, published)
    assert "桥面有裂缝" not in page and CONTACT not in page
    assert "<td>1</td><td>0</td>" in _row(page, road.code)  # received, answered


def test_an_answer_shows_publicly_with_the_text_and_never_the_contact(published, road, client, erin):
    send(client, published, road, text="桥面有裂缝，没有修。", contact=CONTACT)
    channel.answer_feedback(latest(), acting_user=erin, answer="已责成甲县十日内修复。")
    page = _public(client, published)
    assert "桥面有裂缝" in page and "已责成甲县十日内修复" in page
    assert CONTACT not in page
    assert "<td>1</td><td>1</td>" in _row(page, road.code)


def test_the_office_answers_through_its_queue(published, road, client, erin):
    send(client, published, road, contact=CONTACT)
    clue = latest()
    client.force_login(erin)
    queue = client.get(reverse("public_feedback:queue")).content.decode()
    assert reverse("public_feedback:detail", args=[clue.pk]) in queue
    page = client.get(reverse("public_feedback:detail", args=[clue.pk])).content.decode()
    assert CONTACT in page  # the office sees the contact
    for label in ("答复", "不予采纳", "转为问题督查单"):
        assert f">{label}</button>" in page
    response = client.post(reverse("public_feedback:answer", args=[clue.pk]), {"answer": "已核实，正在整改。"})
    assert response.status_code == 302
    clue.refresh_from_db()
    assert (clue.status, clue.answer, clue.closed_by) == (FeedbackStatus.ANSWERED, "已核实，正在整改。", erin)
    again = client.post(reverse("public_feedback:dismiss", args=[clue.pk]), {"reason": "重复提交的线索"}, follow=True)
    assert "已处理" in again.content.decode()
    clue.refresh_from_db()
    assert clue.status == FeedbackStatus.ANSWERED


def test_a_dismissed_clue_keeps_its_reason_and_shows_nowhere(published, road, client, erin):
    send(client, published, road, text="这条线索与本目标无关。")
    client.force_login(erin)
    client.post(reverse("public_feedback:dismiss", args=[latest().pk]), {"reason": "与公示目标无关"})
    clue = latest()
    assert (clue.status, clue.dismiss_reason) == (FeedbackStatus.DISMISSED, "与公示目标无关")
    client.logout()
    page = _public(client, published)
    assert "与本目标无关" not in page and "与公示目标无关" not in page
    assert "<td>1</td><td>0</td>" in _row(page, road.code)


def test_an_empty_answer_is_refused_in_chinese_and_nothing_changes(published, road, client, erin):
    send(client, published, road)
    client.force_login(erin)
    page = client.post(reverse("public_feedback:answer", args=[latest().pk]), {"answer": "  "}).content.decode()
    assert "这个字段是必填项" in page or "请至少" in page
    assert latest().status == FeedbackStatus.NEW


def test_a_clue_turned_into_a_notice_is_in_the_register_and_linked_both_ways(published, road, unit_a, client, erin):
    send(client, published, road, text="路面只修了一半。", contact=CONTACT)
    clue = latest()
    client.force_login(erin)
    response = client.post(
        reverse("public_feedback:notice", args=[clue.pk]),
        {"assignment": link(road, unit_a).pk, "required_action": "十五日内完成剩余路段。", "due_date": "2018-09-25"},
    )
    assert response.status_code == 302
    clue.refresh_from_db()
    notice = clue.notice
    assert clue.status == FeedbackStatus.NOTICE
    assert (notice.kind, notice.unit, notice.target) == (NoticeKind.SUPERVISION, unit_a, road)
    assert "路面只修了一半" in notice.body and CONTACT not in notice.body
    register = client.get(reverse("notices:register")).content.decode()
    assert notice.number in register
    notice_page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert reverse("public_feedback:detail", args=[clue.pk]) in notice_page
    clue_page = client.get(reverse("public_feedback:detail", args=[clue.pk])).content.decode()
    assert reverse("notices:detail", args=[notice.pk]) in clue_page
    xlsx = client.get(reverse("notices:register_xlsx"))
    assert CONTACT.encode() not in b"".join(xlsx.streaming_content if xlsx.streaming else [xlsx.content])


def test_a_notice_only_for_an_assignment_of_the_clues_target(published, road, client, erin, unit_a):
    send(client, published, road)
    elsewhere = issued(erin, unit_a, title="另一个目标")
    assert not channel.assignments_for(latest()).filter(target=elsewhere).exists()
    with pytest.raises(RuleViolation, match="请选择线索所涉目标的一项未办结任务"):
        channel.turn_into_notice(
            latest(),
            acting_user=erin,
            assignment=link(elsewhere, unit_a),
            required_action="整改",
            due_date=dt.date(2018, 9, 25),
        )
    assert not Notice.objects.filter(kind=NoticeKind.SUPERVISION).exists()
    assert latest().status == FeedbackStatus.NEW


def test_per_target_and_whole_counts(published, road, client, erin):
    for _ in range(3):
        send(client, published, road)
    send(client, published, text="整体公示的数据更新得太慢。")
    clues = list(road.public_feedback.order_by("pk"))
    channel.answer_feedback(clues[0], acting_user=erin, answer="已答复第一条线索")
    channel.dismiss_feedback(clues[1], acting_user=erin, reason="不予采纳的理由")
    page = _public(client, published)
    assert "<td>3</td><td>1</td>" in _row(page, road.code)
    whole = page[page.index("本期公示整体") :]
    assert whole.startswith("本期公示整体</td><td>1</td><td>0</td>")


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_only_the_office_sees_the_queue(published, road, client, request, who):
    send(client, published, road, contact=CONTACT)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("public_feedback:queue")).status_code == 403
    assert client.get(reverse("public_feedback:detail", args=[latest().pk])).status_code == 403
    assert client.get(reverse("public_feedback:settings")).status_code == 403
    assert "公众线索" not in client.get(reverse("home")).content.decode()


def test_the_office_has_a_nav_link(client, erin):
    client.force_login(erin)
    assert reverse("public_feedback:queue") in client.get(reverse("home")).content.decode()


def test_the_queue_needs_a_login(client):
    response = client.get(reverse("public_feedback:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
