"""What 常态问政 adds to the home page: the evaluation sheets the person still has to fill in open
rounds (a count in "needs me today", for leaders, NPC deputies and CPPCC members alike)."""

from __future__ import annotations

from core.access import access_for
from tasks.panels import Panel, register

from ..choices import RoundStatus, SheetStatus
from ..models import EvaluationSheet


def _today_items(request, **_):
    access = access_for(request.user)
    if not (access.evaluator or access.is_leader):
        return None  # only they are given sheets; no query for a unit's or the office's home
    to_fill = EvaluationSheet.objects.filter(
        evaluator=request.user, status=SheetStatus.DRAFT, round__status=RoundStatus.OPEN
    ).count()
    return {"to_fill": to_fill} if to_fill else None


def register_panels() -> None:
    register(
        "today", Panel("evaluations-today", "accountability/evaluations/_today_items.html", _today_items, order=25)
    )
