"""Lists that end: 待督查问题 resolved or merged, one row per repeated problem; the unread badge;
the review queue's filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accountability import services as acc
from accountability.choices import MessageKind, NoticeStatus, ProblemOutcome
from accountability.context_processors import _Inbox
from accountability.models import InboxMessage, Notice, ProblemDecision
from accountability.selectors.notices import open_problems
from accountability.services import sign_for_notice
from core.errors import RuleViolation
from tasks.choices import TargetType
from tests.notice_helpers import D, at, co_assignment, file_report, scan

__all__ = ["co_assignment"]  # a fixture

SAME = "征地拆迁滞后，资金到位率偏低。"


@pytest.fixture
def repeated(erin, alice, bob, lead_assignment, co_assignment):
    """Unit A repeats the same problem three months running; unit B raises another in February."""
    reports = [
        file_report(lead_assignment, alice, D(2018, month, 25), 8 * month, accept_by=erin, problems=SAME)
        for month in (1, 2, 3)
    ]
    other = file_report(co_assignment, bob, D(2018, 2, 25), 16, accept_by=erin, problems="协办意见未反馈。")
    return reports, other


def test_the_same_problem_repeated_month_after_month_is_listed_once(erin, repeated):
    reports, other = repeated
    rows = list(open_problems(erin))
    assert [row.pk for row in rows] == [reports[0].pk, other.pk]  # oldest first
    assert (rows[0].repeats, rows[0].latest_period) == (3, "2018-03")


def test_a_resolved_problem_leaves_the_list_with_its_repeats(erin, repeated):
    reports, other = repeated
    with at(D(2018, 4, 2)):
        decision = acc.resolve_problem(reports[0], reason="已协调解决", acting_user=erin)
    assert decision.outcome == ProblemOutcome.RESOLVED
    assert [row.pk for row in open_problems(erin)] == [other.pk]
    with pytest.raises(RuleViolation, match="This problem has already been closed"):
        acc.resolve_problem(reports[0], reason="再次", acting_user=erin)


def test_a_problem_is_merged_only_into_an_earlier_one_with_a_reason(erin, repeated):
    reports, other = repeated
    with pytest.raises(RuleViolation, match="Merge a problem into an earlier one, not a later one"):
        acc.merge_problem(reports[0], into=other, reason="同一问题", acting_user=erin)  # other is later
    with pytest.raises(RuleViolation, match="Say why the problem is closed"):
        acc.merge_problem(other, into=reports[0], reason="  ", acting_user=erin)
    with pytest.raises(RuleViolation, match="A problem cannot be merged into itself"):
        acc.merge_problem(other, into=other, reason="同一问题", acting_user=erin)
    assert not ProblemDecision.objects.exists()
    acc.merge_problem(other, into=reports[0], reason="同一问题", acting_user=erin)
    assert [row.pk for row in open_problems(erin)] == [reports[0].pk]


def test_the_office_resolves_and_merges_on_the_problems_page(client, erin, alice, repeated):
    reports, other = repeated
    client.force_login(erin)
    page = client.get(reverse("notices:problems")).content.decode()
    assert page.count(f"<td>{SAME}</td>") == 1 and "已反映3次" in page
    assert "标记已解决" in page and "并入此前问题" in page
    response = client.post(reverse("notices:problem_resolve", args=[other.pk]), {"reason": ""}, follow=True)
    assert "请说明处理理由" in response.content.decode() and not ProblemDecision.objects.exists()
    client.post(
        reverse("notices:problem_merge", args=[other.pk]), {"merged_into": str(reports[0].pk), "reason": "同一问题"}
    )
    client.post(reverse("notices:problem_resolve", args=[reports[0].pk]), {"reason": "已解决"})
    assert f"<td>{SAME}</td>" not in client.get(reverse("notices:problems")).content.decode()
    closed = client.get(reverse("notices:problems") + "?state=closed").content.decode()
    assert "已解决" in closed and "并入此前问题" in closed and "同一问题" in closed
    client.force_login(alice)
    assert client.post(reverse("notices:problem_resolve", args=[reports[1].pk]), {"reason": "x"}).status_code in (
        403,
        404,
    )
    assert ProblemDecision.objects.count() == 2


def test_the_unread_count_counts_messages_not_closed_notices(client, erin, alice, lead_assignment):
    scan(D(2018, 1, 3))  # issues the task notices (the broker is not running in tests)
    notices = list(Notice.objects.filter(unit=lead_assignment.unit))
    assert notices, "the issued target sent its task notice"
    before = _Inbox(alice).unread
    assert before == InboxMessage.objects.filter(recipient=alice, read_at__isnull=True).count() > 0
    with at(D(2018, 1, 3)):
        sign_for_notice(notices[0], acting_user=alice)  # a task notice: signing closes it
    notices[0].refresh_from_db()
    assert notices[0].status == NoticeStatus.CLOSED
    assert _Inbox(alice).unread == before - 1
    InboxMessage.objects.create(
        recipient=alice, kind=MessageKind.DIGEST, day=D(2018, 1, 3), subject="提醒", created_at=notices[0].issued_at
    )
    assert _Inbox(alice).unread == before  # a message with no notice always counts


def test_the_review_queue_filters_by_unit_age_and_kind_oldest_first(client, erin, alice, bob, issued_target):
    lead, co = issued_target.assignments.order_by("role")
    old = file_report(lead, alice, D(2018, 1, 25), 9)
    new = file_report(co, bob, D(2018, 2, 25), 16, period="2018-02")
    client.force_login(erin)
    url = reverse("review_queue")
    with at(D(2018, 3, 1), 10):
        rows = list(client.get(url).context["page"])
        assert [row.pk for row in rows] == [old.pk, new.pk]
        assert rows[0].waiting_days == 35
        assert [r.pk for r in client.get(url, {"unit": co.unit_id}).context["page"]] == [new.pk]
        assert [r.pk for r in client.get(url, {"age": "14"}).context["page"]] == [old.pk]
        other_kind = TargetType.LIVELIHOOD if issued_target.target_type != TargetType.LIVELIHOOD else TargetType.TASK
        assert list(client.get(url, {"target_type": other_kind}).context["page"]) == []
        same_kind = client.get(url, {"target_type": issued_target.target_type}).context["page"]
        assert len(list(same_kind)) == 2
        assert client.get(url, {"age": "abc", "unit": "999999"}).status_code == 200
