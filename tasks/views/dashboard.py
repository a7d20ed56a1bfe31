"""The leader dashboard (领导驾驶舱) and the battle map (挂图作战). Leaders and the office read all."""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
from functools import cache as once

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.shortcuts import render
from django.urls import get_script_prefix
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import SafeString, mark_safe

from core import clock
from core.access import access_for
from core.bounds import year_param
from core.fragments import _template_digest, fragment_key, kept_text, language_key, rendered_once, rendered_under
from core.lists import paginate
from core.views import leaders_and_office

from ..choices import RankingGroup, TargetStatus
from ..forms.filters import year_choices
from ..judgment.state import attach, judge_targets
from ..models import Assignment, Target, Unit
from ..selectors import dashboard as figures
from ..selectors.battle_map import battle_map
from ..selectors.ranked_units import ranked_units
from ..selectors.scope import MINE, chosen_scope
from ..services import change_counter

MY_TARGETS_SHOWN = 20


def _year(request) -> int:
    years = [year for year, _ in year_choices()]
    year = year_param(request)
    return year if year in years else clock.today().year


@leaders_and_office
def dashboard(request):
    user = request.user
    access = access_for(user)
    year = _year(request)
    today = clock.today()
    chosen = chosen_scope(request)
    # Kept per the database's count of changes, read before the figures (change_counter): the
    # key names all else they derive from (the reader's roles, read before it, are in it as values).
    parts = (_code_digest(), user.pk, _access_key(access), year, chosen.choice, today)
    parts += (language_key(), get_script_prefix())
    shown = change_counter.kept("dashboard", parts, lambda: _figures(user, year, today, chosen))
    context = {
        "year": year,
        "years": year_choices(),
        "today": today,
        **shown,
        "my_leader_id": min(access.leader_ids, default=None),
        "is_leader": access.is_leader,
        **chosen.context(),
    }
    return render(request, "tasks/dashboard/dashboard.html", context)


def _figures(user, year: int, today, chosen) -> dict:
    """Everything the dashboard shows of the database but the panels: its figures and the tables
    rendered from them."""
    scope = chosen.scope
    targets = Target.objects.for_user(user).filter(year=year).exclude(status=TargetStatus.DRAFT)
    assignments = figures.issued(Assignment.objects.for_user(user).filter(target__year=year))
    if scope is not None:
        targets, assignments = scope.targets(targets), scope.assignments(assignments)
    ranked = ranked_units(assignments, today)
    rankings = ranked.groups
    trend = figures.shown_trend(assignments, year, today, scope=scope, count=figures.assignment_count_of(rankings))
    mine = []
    if scope is not None:
        # The worst first, and one row more than shown, to know whether to link to the rest
        # (a city leader may have hundreds; the dashboard is read at a glance).
        mine = list(
            figures.target_figures(targets).order_by(F("worst_level").desc(nulls_last=True), "code")[
                : MY_TARGETS_SHOWN + 1
            ]
        )
        mine = attach(mine, judge_targets(mine, today))
    return {
        "matrix": figures.totals_by_source_and_type(targets),
        "colours": figures.colour_counts_of(rankings),
        **_completion_tables(rankings, year, chosen.choice, trend),
        "trend": trend,
        "trend_rows": list(zip(trend["week_ends"], trend["planned"], trend["actual"], strict=True)),
        "lagging_count": len(ranked.lagging),
        "lagging_table": _lagging_table(ranked.lagging),
        "my_targets": _my_targets_table(mine[:MY_TARGETS_SHOWN]) if scope is not None else "",
        "my_targets_count": min(len(mine), MY_TARGETS_SHOWN),
        "my_targets_cut": len(mine) > MY_TARGETS_SHOWN,
    }


def _access_key(access) -> tuple:
    """The reader's roles as plain, ordered values (a frozenset's order is not its value)."""
    return tuple(
        (name, tuple(sorted(value)) if isinstance(value, frozenset) else value)
        for name, value in sorted(vars(access).items())
    )


FRAGMENTS = (
    "tasks/dashboard/_completion.html",
    "tasks/dashboard/_lagging.html",
    "tasks/dashboard/target_table.html",
    "includes/bar.html",
)


def _code_digest() -> str:
    """What computes and renders the kept figures: a deployment that changes it names new keys
    (while developing, a template edited under the running server too)."""
    return _sources_digest() if settings.DEBUG else _deployed_digest()


def _sources_digest() -> str:
    from ..selectors import ranked_units as ranked_module
    from ..selectors import scope as scope_module
    from ..services import leader_progress

    modules = (sys.modules[__name__], figures, scope_module, leader_progress, ranked_module)
    sources = "".join(inspect.getsource(module) for module in modules)
    sources += ranked_module._rule_digest() + "".join(_template_digest(name) for name in FRAGMENTS)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


_deployed_digest = once(_sources_digest)


def _completion_tables(rankings: dict, year: int, scope: str, trend: dict) -> dict:
    """Completion by unit, rendered once per figures: a province's 900 units' rows took most of the
    page's time, and they change only when a unit's figures do. The charts' data (the weekly trend
    and each group's units, completion and plan) beside them, the groups' part kept with the rows."""
    groups = [(group, label, rankings[group]) for group, label in RankingGroup.choices]
    content = (
        year,
        scope,
        [
            (
                group,
                [(u.pk, u.rank, u.name, u.completion, u.planned, u.assignment_count, u.behind_count) for u in units],
            )
            for group, _label, units in groups
        ],
    )
    context = {"rankings": groups, "year": year, "scope": scope}
    template = "tasks/dashboard/_completion.html"
    key = fragment_key(template, content)  # 900 units' figures at a province: hashed once for both texts
    charted = kept_text(f"{key}:chart", lambda: _rankings_json(rankings))
    return {"completion_tables": rendered_under(key, template, context), "chart": _chart_data(trend, charted)}


def _rankings_json(rankings: dict) -> str:
    return json.dumps(
        {
            group: {
                "units": [u.name for u in rankings[group]],
                "completion": [float(u.completion) for u in rankings[group]],
                "planned": [float(u.planned) for u in rankings[group]],
            }
            for group in rankings
        },
        cls=DjangoJSONEncoder,
    )


def _chart_data(trend: dict, rankings_json: str) -> SafeString:
    """``{{ chart|json_script:"dashboard-data" }}`` of ``{"trend": …, "rankings": …}``, the rankings'
    part already written (``json.dumps`` of the whole gives the same text)."""
    text = f'{{"trend": {json.dumps(trend, cls=DjangoJSONEncoder)}, "rankings": {rankings_json}}}'
    return format_html(
        '<script id="dashboard-data" type="application/json">{}</script>',
        mark_safe(text.translate(_json_script_escapes)),  # escaped for a script element as json_script does
    )


def _my_targets_table(targets: list[Target]):
    """The leader's own targets, rendered once per figures (as the completion table): twenty rows
    through the template language cost more than their query."""
    content = [
        (t.pk, t.code, t.title, t.lead_unit, t.unit_count, t.judged, t.deadline)  # all the table shows
        for t in targets
    ]
    return rendered_once(
        "tasks/dashboard/target_table.html", {"targets": targets}, content, includes=("includes/bar.html",)
    )


def _lagging_table(behind: dict):
    """The furthest behind (``ranked_units``' judgments), rendered once per rows shown."""
    rows = figures.lagging_rows(behind)
    content = [
        (row["pk"], row["target_id"], row["code"], row["title"], row["unit_name"], row["deadline"], row["judged"])
        for row in rows
    ]
    return rendered_once("tasks/dashboard/_lagging.html", {"lagging": rows}, content, includes=("includes/bar.html",))


@leaders_and_office
def battle_map_view(request):
    user = request.user
    year = _year(request)
    today = clock.today()
    by = "unit" if request.GET.get("by") == "unit" else "target"
    access = access_for(user)
    chosen = chosen_scope(request)
    scope = chosen.scope
    assignments = figures.issued(Assignment.objects.for_user(user).filter(target__year=year))
    if scope is not None:
        assignments = scope.assignments(assignments)
    if by == "unit":
        objects = Unit.objects.for_user(user).filter(pk__in=assignments.values("unit_id")).order_by("sort_order")
    else:
        objects = (
            Target.objects.for_user(user)
            .filter(year=year)
            .exclude(status=TargetStatus.DRAFT)
            .select_related("leader")
            .order_by("code")
        )
        if scope is not None:
            objects = scope.targets(objects)
    page = paginate(request, objects)
    rows = battle_map(assignments, list(page.object_list), by=by, year=year, today=today)
    return render(
        request,
        "tasks/dashboard/battle_map.html",
        {
            "year": year,
            "years": year_choices(),
            "by": by,
            "mine": chosen.choice == MINE,
            **chosen.context(),
            "is_leader": access.is_leader,
            "page": page,
            "rows": rows,
            "months": range(1, 13),
            "this_month": today.month if today.year == year else None,
        },
    )
