"""A year's assessment in the state a URL of /assessment/ needs (the URL matrix builds it on its world)."""

from __future__ import annotations

from accountability.models import Assessment, Reward
from accountability.services.assessment import (
    approve_assessment,
    ensure_reward_measures,
    prepare_assessment,
    propose_rewards,
)
from tasks.models import User

YEAR = 2018
WEIGHTS = {
    "weight_completion": "40",
    "weight_points": "40",
    "weight_checks": "10",
    "weight_cases": "10",
    "case_deduction": "20",
}


def assessment_year(state: str = "draft") -> int:
    """2018 with a draft the office (erin) prepared, or approved by the leader (dave), or approved
    with rewards proposed; made once, whatever asks first."""
    erin, dave = User.objects.get(username="erin"), User.objects.get(username="dave")
    assessment = Assessment.objects.filter(year=YEAR).first() or prepare_assessment(
        YEAR, weights=WEIGHTS, acting_user=erin
    )
    if state != "draft" and assessment.is_draft:
        assessment = approve_assessment(assessment, acting_user=dave)
    if state == "rewards" and not Reward.objects.exists():
        measure = ensure_reward_measures()["通报表扬"]
        unit_id = assessment.rows.values_list("unit_id", flat=True).first()
        propose_rewards(assessment, proposals=[(unit_id, measure, "")], acting_user=erin)
    return YEAR
