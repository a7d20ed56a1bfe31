"""What needs a city leader today, as supervision counts it: their own 批示 overdue and the
decisions waiting for them. The home page's "needs me today" panels (``instruction_panels``,
``approval_panels``) and the leader's digest (``services/leader_digest.py``) read these, so a
figure is the same in both."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from core.access import access_for

from ..choices import CaseStatus, DisclosureStatus, NoticeKind, NoticeStatus
from ..models import AccountabilityCase, AnswerState, Disclosure, Instruction, Notice


def overdue_instructions(user, day: dt.date) -> QuerySet[Instruction]:
    """The leader's own 批示 some addressed unit has not answered by the due date, as of ``day``."""
    return Instruction.objects.filter(author=user).in_state(AnswerState.OVERDUE, day)


def waiting_querysets(user) -> dict[str, QuerySet] | None:
    """What waits for ``user``'s decision as a city leader, by kind: the 问责 cases addressed to
    their posts, and the exposures and disclosures the office put forward (any city leader approves
    those, never the one who prepared them: accountability/permissions.py). None for anyone else."""
    access = access_for(user)
    if not access.is_leader:
        return None
    return {
        "cases": AccountabilityCase.objects.filter(status=CaseStatus.PROPOSED, approver__in=access.leader_ids),
        "exposures": Notice.objects.filter(kind=NoticeKind.EXPOSURE, status=NoticeStatus.PROPOSED).exclude(
            issued_by=user
        ),
        "disclosures": Disclosure.objects.filter(status=DisclosureStatus.DRAFT).exclude(prepared_by=user),
    }
