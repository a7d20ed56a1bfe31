"""Slots where other apps add a section to a workspace page without the ledger importing them.

``tasks`` never imports ``accountability``; instead an app registers a panel for a slot in its
``AppConfig.ready``: a template and a function that returns that template's context. Slots in use:

- ``"dashboard"`` — the leader dashboard (``request``);
- ``"home"`` — the home page, below its fold (``request``);
- ``"today"`` — the home page's "needs me today" block: list items (``<li>``) of counts with links,
  what the person must act on (``request``);
- ``"assignment"`` — an assignment's page (``request``, ``assignment``);
- ``"assignment-actions"`` — the same page, beside its buttons (``request``, ``assignment``).
- ``"profile"`` — a person's own profile page, /profile/ (``request``): room for notification
  channels, API tokens.

A panel's context function must scope what it reads with ``for_user`` and run a fixed number of
queries, so that the page's query count stays flat however many rows there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[..., dict | None]  # returning None hides the panel for this person
    order: int = 100


_slots: dict[str, dict[str, Panel]] = {}


def register(slot: str, panel: Panel) -> None:
    """Add ``panel`` to ``slot``; registering the same name again replaces it (reloads are harmless)."""
    _slots.setdefault(slot, {})[panel.name] = panel


def shared(request, key: str, compute: Callable[[], object]):
    """A figure that two panels of one page show (the home page's "needs me today" block and a
    section below it), computed once per request so the page's query count does not double."""
    figures = request.__dict__.setdefault("_panel_figures", {})
    if key not in figures:
        figures[key] = compute()
    return figures[key]


def panels_for(slot: str) -> list[Panel]:
    return sorted(_slots.get(slot, {}).values(), key=lambda panel: (panel.order, panel.name))
