"""A leader's scope (我分管的): the one rule the dashboard, battle map, lists, home and meeting pack read.

A leader's scope is the targets they lead, the targets labelled with their fields (分管领域) and the
assignments of their units (分管单位); a leader over the whole city (the mayor) has the city. Scope is
a default view, never a wall: a leader may still open the whole city (``?scope=city``); what a
person may see at all stays with ``for_user()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from core.access import access_for
from core.id_lists import pk_among

from ..models import Assignment, Leader, Target

MINE = "mine"
CITY = "city"

# The rule itself: an assignment is in a leader's scope through its target's leader, its target's
# fields (分管领域) or its unit (分管单位). Every reader of a scope goes through these three paths.
SCOPE_PATHS = ("target__leader", "target__fields__leaders", "unit__leaders")


def _in_scope(ids, assignments: QuerySet | None = None) -> QuerySet:
    """The pks of ``assignments`` (all) in the scope of the leaders ``ids``: a union of index probes."""
    links = (Assignment.objects.all() if assignments is None else assignments).order_by()
    first, *rest = (links.filter(**{f"{path}__in": ids}).values("pk") for path in SCOPE_PATHS)
    return first.union(*rest)


def leaders_of(assignments: QuerySet | None = None, leader_ids=None) -> QuerySet:
    """(``zmd_leader``, ``zmd_assignment``) once for each leader post whose scope holds each of
    ``assignments`` (all), by ``SCOPE_PATHS``; ``leader_ids``: only these posts. An assignment in a
    leader's scope by two paths is one pair (UNION), so a leader's sums count it once."""
    links = (Assignment.objects.all() if assignments is None else assignments).order_by()
    branches = []
    for path in SCOPE_PATHS:
        rows = links.filter(**{f"{path}__isnull": False})
        if leader_ids is not None:
            rows = rows.filter(**{f"{path}__in": list(leader_ids)})
        branches.append(rows.values(zmd_leader=F(path), zmd_assignment=F("pk")))
    first, *rest = branches
    return first.union(*rest)


@dataclass(frozen=True)
class Scope:
    """What a set of leader posts covers. ``whole_city``: no filter at all."""

    leader_ids: frozenset[int]
    whole_city: bool

    def target_filter(self) -> Q:
        """Targets in scope: led by the leaders or labelled with one of their fields."""
        ids = list(self.leader_ids)
        return Q(leader__in=ids) | Q(fields__leaders__in=ids)

    def assignment_filter(self, prefix: str = "") -> Q:
        """Assignments in scope: of a target in scope, or carried by one of the leaders' units."""
        ids = list(self.leader_ids)
        result = Q()
        for path in SCOPE_PATHS:
            result |= Q(**{f"{prefix}{path}__in": ids})
        return result

    def targets(self, queryset: QuerySet) -> QuerySet:
        """``queryset`` (of targets) cut to the scope; a target of a leader's unit counts too."""
        if self.whole_city:
            return queryset
        ids = list(self.leader_ids)
        # A union of three index probes, not one OR over joins of every assignment (a scan of the year).
        targets = Target.objects.order_by()
        in_scope = (
            targets.filter(leader__in=ids)
            .values("pk")
            .union(
                targets.filter(fields__leaders__in=ids).values("pk"),
                targets.filter(assignments__unit__leaders__in=ids).values("pk"),
            )
        )
        return queryset.filter(pk_among("pk", in_scope))

    def assignments(self, queryset: QuerySet, prefix: str = "", *, few: bool = False) -> QuerySet:
        """``queryset`` cut to the scope; ``prefix`` reaches the assignment (``assignment__`` for reports).
        On PostgreSQL the scope's pks are matched as an array (``pk_among``): the planner hashed
        ``IN (…)`` against a scan of every assignment of the year (a province's 120,000 for a
        leader's 2,000), where the array is probed by primary key (the meeting pack's judgment 38 →
        20 ms, the dashboard's 57 → 11 ms at province). The same rows either way.
        ``few``: the queryset's own filter keeps few rows through a small index (reports with a
        problem): ``IN (…)`` lets the planner start there and hash the scope, where the array probes
        that index once per pk of the scope (the meeting pack's problems 19 → 15 ms at province)."""
        if self.whole_city:
            return queryset
        in_scope = _in_scope(list(self.leader_ids))
        if few:
            return queryset.filter(**{f"{prefix}pk__in": in_scope})
        return queryset.filter(pk_among(f"{prefix}pk", in_scope))


def leader_scope(leaders) -> Scope:
    """The scope of one leader post or several (a ``Leader``, or an iterable of them or of their ids)."""
    if isinstance(leaders, Leader):  # the row is at hand: no query
        return Scope(frozenset({leaders.pk}), leaders.whole_city)
    ids = frozenset(leader.pk if isinstance(leader, Leader) else leader for leader in leaders)
    whole_city = Leader.objects.filter(pk__in=ids, whole_city=True).exists()
    return Scope(ids, whole_city)


def user_scope(user) -> Scope | None:
    """The scope of the leader posts ``user`` holds; None for someone who holds none (the office)."""
    access = access_for(user)
    if not access.is_leader:
        return None
    # Whether one of the posts is over the whole city came with the roles (no query of its own).
    return Scope(access.leader_ids, bool(access.whole_city_leader_ids))


@dataclass(frozen=True)
class ScopeChoice:
    """The page's choice: ``choice`` (mine or city), ``scope`` to apply (None: the whole city) and
    whether to offer the toggle (a leader not over the whole city)."""

    choice: str
    scope: Scope | None
    toggle: bool

    def context(self) -> dict:
        return {"scope": self.choice, "scope_toggle": self.toggle}


def chosen_scope(request, *, list_page: bool = False) -> ScopeChoice:
    """``?scope=mine|city`` on a page: a leader opens on their own (mine), the office and the mayor
    on the city. A list (``list_page``) opened by a link that names its filters (a figure's link)
    shows what the filters name, the city, unless the link names the scope too: the figure and its
    list count the same rows."""
    scope = user_scope(request.user)
    toggle = scope is not None and not scope.whole_city
    filtered = list_page and any(key not in ("page", "scope") for key in request.GET)
    default = MINE if toggle and not filtered else CITY
    choice = request.GET.get("scope") or default
    if request.GET.get("mine") == "1":  # the older link from the home page
        choice = MINE
    if not toggle or choice not in (MINE, CITY):
        choice = default
    return ScopeChoice(choice, scope if choice == MINE else None, toggle)
