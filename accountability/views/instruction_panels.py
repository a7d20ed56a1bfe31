"""What the 批示 add to the home page: for a unit, the instructions addressed to it still to
answer (a count in "needs me today" and the latest ones below); for a leader, those overdue."""

from __future__ import annotations

from django.db.models import Count, Q

from core import clock
from core.access import access_for
from tasks.panels import Panel, register, shared

from ..models import AnswerState, Instruction
from ..models.instructions import state_condition
from ..selectors.leader_today import overdue_instructions


def _figures(request) -> dict | None:
    access = access_for(request.user)
    day = clock.today()
    if access.unit_ids:
        units = list(access.unit_ids)
        addressed = Instruction.units.through.objects.filter(unit__in=units).values("instruction_id")
        mine = Instruction.objects.for_user(request.user).filter(pk__in=addressed)
        overdue = state_condition(AnswerState.OVERDUE, day, units)
        counts = mine.aggregate(
            to_answer=Count("pk", filter=Q(state_condition(AnswerState.WAITING, day, units)) | Q(overdue)),
            overdue=Count("pk", filter=Q(overdue)),
        )
        return {
            "unit": True,
            **counts,
            "latest": list(mine.select_related("author", "target").order_by("-created_at", "-pk")[:5]),
        }
    if access.is_leader:
        return {
            "leader": True,
            "overdue": overdue_instructions(request.user, day).count(),
        }
    return None


def _today_items(request, **_):
    return shared(request, "instruction_figures", lambda: _figures(request))


def _home_panel(request, **_):
    figures = shared(request, "instruction_figures", lambda: _figures(request))
    return figures if figures and figures.get("unit") else None


def register_panels() -> None:
    register(
        "today", Panel("instructions-today", "accountability/instructions/_today_items.html", _today_items, order=20)
    )
    register("home", Panel("instructions-home", "accountability/instructions/_home_panel.html", _home_panel, order=10))
