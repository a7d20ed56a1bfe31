"""What waits for a leader's decision, first on the leader's home page ("needs me today"): the 问责
cases addressed to their posts, and the exposures and disclosures the office put forward (which
ones: ``waiting_querysets()`` in accountability/selectors/leader_today.py, read by the digest too)."""

from __future__ import annotations

from tasks.panels import Panel, register

from ..selectors.leader_today import waiting_querysets


def waiting_for_leader(user) -> dict | None:
    """Counts of what waits for ``user`` as a city leader; None for anyone else."""
    waiting = waiting_querysets(user)
    if waiting is None:
        return None
    return {kind: rows.count() for kind, rows in waiting.items()}


def _today_items(request, **_):
    return waiting_for_leader(request.user)


def register_panels() -> None:
    register("today", Panel("approvals-today", "accountability/_approvals_today.html", _today_items, order=5))
