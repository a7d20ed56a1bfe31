"""Sections that scoring adds to the workspaces (tasks.panels): rankings on the leader dashboard,
what waits for the office on its home page."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import clock
from core.access import access_for
from core.fragments import fragment_key, rendered_once
from tasks.panels import Panel, register, shared

from ..choices import AppealStatus, DisclosureStatus, RankingPeriod
from ..models import Appeal, Disclosure
from ..selectors.ranking_cache import ranking_key
from ..selectors.scores import ranking


def _ranking_panel(request, year: int | None = None, **_):
    """Both groups' ranking with grades: today's for this year, the year's end for a past year
    (eight queries whatever the number of units and entries)."""
    if not access_for(request.user).sees_everything:
        return None
    today = clock.today()
    as_of = today if year is None or year >= today.year else dt.date(year, 12, 31)
    # The tables rendered for the kept ranking of the same key: the ranking itself is not read back
    # (unpickling a province's 900 ranked units cost the dashboard 7 ms; the panel shows only them).
    key = ranking_key(as_of=as_of, today=today, period=RankingPeriod.YEAR, variant="plain")
    text = cache.get(fragment_key(PANEL_TABLES, key, PANEL_INCLUDES)) if key is not None else None
    if text is not None:
        return {"as_of": as_of, "tables": mark_safe(text)}  # rendered by the template, escaped then
    table = ranking(as_of=as_of, with_trend=False)  # the compact tables draw no trend
    return {"as_of": table.as_of, "tables": _panel_tables(table)}


PANEL_TABLES = "accountability/scores/_ranking_panel_groups.html"
PANEL_INCLUDES = ("accountability/scores/_ranking_table.html",)


def _panel_tables(table):
    """The two compact tables, rendered once per kept ranking (a province's 900 units' rows took
    150 ms of the dashboard): the kept ranking's key names every figure they show."""
    context = {"ranking": table}
    if table.key is None:  # not kept (a past year, or a unit's figures being judged again)
        return render_to_string(PANEL_TABLES, context)
    return rendered_once(PANEL_TABLES, context, table.key, includes=PANEL_INCLUDES)


def _office_panel(request, **_):
    if not access_for(request.user).office:
        return None
    counts = Disclosure.objects.for_user(request.user).aggregate(
        drafts=Count("pk", filter=~Q(status=DisclosureStatus.PUBLISHED))
    )
    return {"pending_appeals": _pending_appeals(request), "drafts": counts["drafts"]}


def _pending_appeals(request) -> int:
    return shared(
        request,
        "pending_appeals",
        lambda: Appeal.objects.for_user(request.user).filter(status=AppealStatus.PENDING).count(),
    )


def _today_items(request, **_):
    """Appeals waiting for the office's decision, on its "needs me today" block (one query)."""
    if not access_for(request.user).office:
        return None
    return {"pending_appeals": _pending_appeals(request)}


def register_panels() -> None:
    register("dashboard", Panel("scores", "accountability/scores/_ranking_panel.html", _ranking_panel, order=30))
    register("home", Panel("scoring-office", "accountability/scores/_office_panel.html", _office_panel, order=40))
    register("today", Panel("scoring-today", "accountability/scores/_today_items.html", _today_items, order=40))
