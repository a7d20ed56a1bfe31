"""The demo's clues: answered, not adopted, turned into a notice, one waiting; a second run adds nothing."""

from __future__ import annotations

from django.urls import reverse

from accountability.choices import FeedbackStatus, NoticeKind
from accountability.demo_feedback import build_feedback_demo
from accountability.models import PublicFeedback
from core.access import RoleKind
from tests.factories import RoleFactory, UserFactory


def test_the_demo_has_each_outcome_and_is_idempotent(published, client):
    RoleFactory(user=UserFactory(username="office"), kind=RoleKind.OFFICE, unit=None)
    assert build_feedback_demo() == 4
    statuses = set(PublicFeedback.objects.values_list("status", flat=True))
    assert statuses == {FeedbackStatus.ANSWERED, FeedbackStatus.DISMISSED, FeedbackStatus.NOTICE, FeedbackStatus.NEW}
    notice = PublicFeedback.objects.get(status=FeedbackStatus.NOTICE).notice
    assert notice.kind == NoticeKind.SUPERVISION and notice.number
    assert build_feedback_demo() == 0 and PublicFeedback.objects.count() == 4
    page = client.get(reverse("public:detail", args=[published.pk])).content.decode()
    assert "东头还有一段没有硬化" in page and "13803960001" not in page
