"""Sections the five lists add to the workspaces (tasks.panels): notice counts on the leader
dashboard, what waits for the office or the unit on the home page."""

from __future__ import annotations

from core.access import access_for
from tasks.choices import AssignmentStatus
from tasks.panels import Panel, register, shared

from ..selectors.notices import notice_counts, office_pending


def _dashboard_panel(request, year: int | None = None, **_):
    """Open warnings by colour, exposures, notices issued in the year (one query)."""
    if not access_for(request.user).sees_everything:
        return None
    return {"counts": notice_counts(request.user, year=year)}


def _home_figures(request) -> dict | None:
    """What waits for the office, or a unit's notice counts: shared by the two home panels."""
    access = access_for(request.user)
    if access.office:
        return {"pending": shared(request, "office_pending", lambda: office_pending(request.user))}
    if access.unit_ids:
        return {"counts": shared(request, "notice_counts", lambda: notice_counts(request.user))}
    return None


def _home_panel(request, **_):
    return _home_figures(request)


def _today_items(request, **_):
    """The home page's "needs me today" counts the five lists add: for the office what waits for
    its decision, for a unit what it must sign for, answer or act on (the figures of the section
    below, counted once)."""
    return _home_figures(request)


def _close_out_actions(request, assignment=None, **_):
    """销号核验 on the assignment's page: verify, refuse or return a claim, or return a close-out."""
    if assignment is None or not access_for(request.user).office:
        return None
    if assignment.status not in (AssignmentStatus.CLAIMED, AssignmentStatus.VERIFIED, AssignmentStatus.CLOSED):
        return None
    return {"assignment": assignment}


def register_panels() -> None:
    register(
        "assignment-actions",
        Panel("close-out", "accountability/notices/_assignment_actions.html", _close_out_actions, order=10),
    )
    register("dashboard", Panel("notices", "accountability/notices/_dashboard_panel.html", _dashboard_panel, order=20))
    register("home", Panel("notices-home", "accountability/notices/_home_panel.html", _home_panel, order=30))
    register("today", Panel("notices-today", "accountability/notices/_today_items.html", _today_items, order=30))
