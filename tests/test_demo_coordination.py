"""The demo's 现场协调快办: a scheduled meeting with three decisions (done, in progress, overdue with
its 问题督查单) and a new request waiting; each demo login sees what its role should."""

import pytest
from django.test import Client
from django.urls import reverse

from accountability.choices import CoordinationStatus, DecisionStatus, NoticeCause
from accountability.demo_coordination import build_coordination_demo
from accountability.models import Coordination, DecisionItem, Notice
from accountability.selectors.meetings import meeting_pack
from tasks.demo import DEMO_DATE
from tasks.models import Leader, User


@pytest.mark.django_db
def test_the_demo_has_a_decided_coordination_and_one_waiting(demo):
    assert build_coordination_demo() == 0  # idempotent: load_demo built it already
    statuses = sorted(Coordination.objects.filter(unit__isnull=False).values_list("status", flat=True))
    assert statuses == sorted([CoordinationStatus.DECIDED, CoordinationStatus.REQUESTED])
    items = DecisionItem.objects.filter(coordination__unit__isnull=False).order_by("deadline")
    assert [item.status for item in items] == [DecisionStatus.CLOSED, DecisionStatus.OPEN, DecisionStatus.OPEN]
    overdue = [item for item in items if item.is_overdue_on(DEMO_DATE)]
    assert len(overdue) == 1 and overdue[0].owner.name == "市发改委"
    [notice] = Notice.objects.filter(cause=NoticeCause.DECISION_OVERDUE)
    assert notice.decision_item == overdue[0] and notice.number and "备案变更" in notice.body
    assert items[2].progress.exists() and items[0].progress.get().asks_close
    pack = meeting_pack(Leader.objects.get(post="副市长（分管工业）"), DEMO_DATE)
    assert sorted(item.state_on for item in pack.decisions) == ["done", "open", "overdue"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "requests", "decisions"),
    [
        ("staff_yicheng", 1, 3),  # asked for it: its request and all its decisions
        ("staff_fgw", 2, 1),  # called to the meeting and given one decision; its own new request
        ("staff_gxw", 1, 1),
        ("vmayor_industry", 1, 3),
        ("office", 3, 4),  # and the mayor's 推进例会 with its decision
        ("staff_xiping", 1, 0),  # called to the waiting request only
        ("staff_jyj", 0, 0),
    ],
)
def test_each_demo_login_sees_its_share(demo, username, requests, decisions):
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    assert Coordination.objects.for_user(user).count() == requests
    assert DecisionItem.objects.for_user(user).count() == decisions
    assert client.get(reverse("coordination:list")).status_code == 200
    assert client.get(reverse("coordination:decisions")).status_code == 200


@pytest.mark.django_db
def test_the_demo_has_the_mayors_progress_meeting_with_one_decision(demo):
    [meeting] = Coordination.objects.filter(unit__isnull=True)
    assert meeting.leader.post == "市长" and meeting.status == CoordinationStatus.DECIDED
    assert meeting.meeting_at.date().isoformat() == "2018-09-25"
    [item] = meeting.decisions.all()
    assert item.owner.name == "市住建局" and item.deadline.isoformat() == "2018-10-31"
    assert not item.is_overdue_on(DEMO_DATE)
    pack = meeting_pack(meeting.leader, DEMO_DATE)
    assert item in pack.decisions
    client = Client()
    client.force_login(User.objects.get(username="mayor"))
    page = client.get(reverse("coordination:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "推进例会：推进例会 2018年9月" in page.content.decode()
