"""What waits for a leader's decision, first on the leader's home page ("needs me today"): the 问责
cases addressed to their posts, and the exposures and disclosures the office put forward (any city
leader approves those, never the one who prepared them: accountability/permissions.py)."""

from __future__ import annotations

from core.access import access_for
from tasks.panels import Panel, register

from ..choices import CaseStatus, DisclosureStatus, NoticeKind, NoticeStatus
from ..models import AccountabilityCase, Disclosure, Notice


def waiting_for_leader(user) -> dict | None:
    """Counts of what waits for ``user`` as a city leader; None for anyone else."""
    access = access_for(user)
    if not access.is_leader:
        return None
    return {
        "cases": AccountabilityCase.objects.filter(status=CaseStatus.PROPOSED, approver__in=access.leader_ids).count(),
        "exposures": Notice.objects.filter(kind=NoticeKind.EXPOSURE, status=NoticeStatus.PROPOSED)
        .exclude(issued_by=user)
        .count(),
        "disclosures": Disclosure.objects.filter(status=DisclosureStatus.DRAFT).exclude(prepared_by=user).count(),
    }


def _today_items(request, **_):
    return waiting_for_leader(request.user)


def register_panels() -> None:
    register("today", Panel("approvals-today", "accountability/_approvals_today.html", _today_items, order=5))
