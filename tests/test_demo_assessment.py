"""The demo's year-end assessments: 2017 approved by the mayor (not by the office that prepared it)
with rewards and penalties approved, so the page is not empty in 2018; the 2018 draft, which the
open appeal of 市商务局 keeps from approval; building it again adds nothing."""

import pytest

from accountability.choices import AssessmentStatus, RewardStatus
from accountability.demo_assessment import build_assessment_demo
from accountability.models import Assessment, Reward
from accountability.services.assessment import approve_assessment
from core.errors import RuleViolation
from tasks.models import User


@pytest.mark.django_db
def test_the_demo_has_an_approved_2017_with_rewards_and_a_2018_draft_held_by_an_appeal(demo, client):
    previous = Assessment.objects.get(year=2017)
    assert previous.status == AssessmentStatus.APPROVED and previous.approved_by.username == "mayor"
    assert previous.prepared_by.username == "office" and previous.from_year_results
    rewards = Reward.objects.filter(assessment=previous)
    assert rewards.count() >= 5 and set(rewards.values_list("status", flat=True)) == {RewardStatus.APPROVED}
    assert {"评为先进", "通报批评", "约谈"} <= set(rewards.values_list("measure__name", flat=True))
    draft = Assessment.objects.get(year=2018)
    assert draft.is_draft and draft.rows.count() > 10
    with pytest.raises(RuleViolation, match="市商务局 has an open appeal for 2018"):
        approve_assessment(draft, acting_user=User.objects.get(username="mayor"))
    assert build_assessment_demo() == 0 and Assessment.objects.count() == 2
    # A unit reads its own line and its own approved measure of 2017.
    rewarded = rewards.select_related("unit").first()
    staff = User.objects.filter(roles__unit=rewarded.unit).first()
    client.force_login(staff)
    page = client.get("/assessment/2017/").content.decode()
    assert f"<td>{rewarded.unit.name}</td>" in page and rewarded.measure.name in page


@pytest.mark.django_db
def test_the_demo_pages_show_the_office_its_button_and_the_mayor_the_blocking_appeal(demo, client):
    client.force_login(User.objects.get(username="office"))
    page = client.get("/assessment/2018/").content.decode()
    assert "生成考核" in page and "市商务局" in page
    assert "提出奖惩" in client.get("/assessment/2017/").content.decode()
    client.force_login(User.objects.get(username="mayor"))
    page = client.get("/assessment/2018/").content.decode()
    assert 'action="/assessment/2018/approve/"' in page and "以下申诉尚未处理" in page
    assert client.get("/assessment/").status_code == 200
    assert client.get("/assessment/2017/print/").status_code == 200
