"""The demo's accountability: one case waiting for its leader, one approved by him; the approved
exposure approved by the mayor, not by the office that prepared it."""

import pytest

from accountability.choices import CaseStatus, NoticeKind, NoticeStatus
from accountability.models import AccountabilityCase, Notice
from core.access import access_for


@pytest.mark.django_db
def test_the_demo_has_a_proposed_and_a_decided_case_and_a_leader_approved_exposure(demo):
    statuses = sorted(AccountabilityCase.objects.values_list("status", flat=True))
    assert statuses == sorted([CaseStatus.PROPOSED, CaseStatus.APPROVED])
    decided = AccountabilityCase.objects.get(status=CaseStatus.APPROVED)
    assert (
        decided.decided_by != decided.proposed_by and decided.approver_id in access_for(decided.decided_by).leader_ids
    )
    exposure = Notice.objects.filter(kind=NoticeKind.EXPOSURE).exclude(status=NoticeStatus.PROPOSED).first()
    assert exposure is not None and exposure.issued_by.username == "mayor"
