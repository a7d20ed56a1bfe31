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
    statuses = sorted(Coordination.objects.values_list("status", flat=True))
    assert statuses == sorted([CoordinationStatus.DECIDED, CoordinationStatus.REQUESTED])
    items = DecisionItem.objects.order_by("deadline")
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
        ("office", 2, 3),
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
