"""Who may do what: the one place roles turn into permissions.

Every view, export and job that acts for a person starts from ``Model.objects.for_user(user,
action)``; those querysets ask this module. A person may hold several roles at once (staff of one
unit and head of another, a leader who also works in the office).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache as cache_once

from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    STAFF = "staff", _("Unit staff")
    HEAD = "head", _("Unit head")
    LEADER = "leader", _("City leader")
    OFFICE = "office", _("Supervision office")
    # Evaluators from outside the government (常态问政): they fill evaluation sheets and see nothing else.
    NPC_DEPUTY = "npc", _("NPC deputy")
    CPPCC_MEMBER = "cppcc", _("CPPCC member")


EVALUATOR_KINDS = (RoleKind.NPC_DEPUTY, RoleKind.CPPCC_MEMBER)


class Action(models.TextChoices):
    VIEW = "view", "view"
    REPORT = "report", "report"  # unit staff: file reports, sign for, answer
    APPROVE = "approve", "approve"  # unit head: approve the unit's reports
    INSTRUCT = "instruct", "instruct"  # leader: write instructions (批示)
    MANAGE = "manage", "manage"  # supervision office: everything


@dataclass(frozen=True)
class Access:
    """The roles one person holds, read once per request."""

    office: bool = False
    leader_ids: frozenset[int] = field(default_factory=frozenset)
    staff_unit_ids: frozenset[int] = field(default_factory=frozenset)
    head_unit_ids: frozenset[int] = field(default_factory=frozenset)
    # A secretary (秘书) acting for leaders (tasks.Delegation): the leaders' users; their posts are
    # in ``leader_ids`` too, so the secretary sees and instructs as the leader would, in their name.
    acting_for_user_ids: frozenset[int] = field(default_factory=frozenset)
    own_leader: bool = False  # holds a leader post of their own
    evaluator: bool = False  # an NPC deputy or CPPCC member who fills 常态问政 sheets
    # Those of ``leader_ids`` over the whole city (the mayor): read with the roles, so a page's scope
    # (tasks.selectors.scope.user_scope) needs no query of its own.
    whole_city_leader_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_secretary_only(self) -> bool:
        """Holds leader posts only through a delegation: what they write is in the leader's name."""
        return bool(self.acting_for_user_ids) and not self.own_leader

    @property
    def is_leader(self) -> bool:
        return bool(self.leader_ids)

    @property
    def unit_ids(self) -> frozenset[int]:
        return self.staff_unit_ids | self.head_unit_ids

    @property
    def sees_everything(self) -> bool:
        return self.office or self.is_leader

    def unit_ids_for(self, action: str) -> frozenset[int]:
        """Units whose own records this person may act on for ``action``."""
        if action == Action.VIEW:
            return self.unit_ids
        if action == Action.REPORT:
            return self.staff_unit_ids
        if action == Action.APPROVE:
            return self.head_unit_ids
        return frozenset()

    def allows_everywhere(self, action: str) -> bool:
        """Whether ``action`` is allowed on every unit's records."""
        if self.office:
            return True
        if self.is_leader:
            return action in (Action.VIEW, Action.INSTRUCT)
        return False


NO_ACCESS = Access()


def access_for(user) -> Access:
    """The user's roles, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_zmd_access", None)
    if cached is not None:
        return cached
    # The office is a role, never a flag: the technical administrator (a superuser) works in the
    # admin and holds no office powers in the product.
    office = own_leader = evaluator = False
    leaders, staff, heads, acting_for, whole_city = set(), set(), set(), set(), set()
    # One query: the person's roles (with the unit or leader post the page header names) and the
    # leader roles of those they act for as secretary, as a statement written once per process.
    roles = _roles_of(user)
    own_roles = {}  # by pk: the join to delegations repeats a role once per delegation its holder gave
    for role in roles:
        holder_id, kind, unit_id, leader_id = role.user_id, role.kind, role.unit_id, role.leader_id
        if kind == RoleKind.LEADER and leader_id is not None and role.leader.whole_city:
            whole_city.add(leader_id)
        if holder_id != user.pk:
            leaders.add(leader_id)
            acting_for.add(holder_id)
            continue
        own_roles[role.pk] = role
        if kind == RoleKind.OFFICE:
            office = True
        elif kind == RoleKind.LEADER:
            leaders.add(leader_id)
            own_leader = True
        elif kind == RoleKind.STAFF:
            staff.add(unit_id)
        elif kind == RoleKind.HEAD:
            heads.add(unit_id)
        elif kind in EVALUATOR_KINDS:
            evaluator = True
    access = Access(
        office,
        frozenset(leaders),
        frozenset(staff),
        frozenset(heads),
        frozenset(acting_for),
        own_leader,
        evaluator,
        frozenset(whole_city),
    )
    user._zmd_access = access
    user._zmd_roles = list(own_roles.values())
    return access


@cache_once  # the models do not change while the process runs
def _roles_statement(role_model) -> tuple[str, list, list, list]:
    """The roles' statement and the columns of a role, its unit and its leader post. Written by
    hand: the ORM took about 1 ms of every page to build and compile the same query, and its
    ``OR`` over the delegations' join read every role of the table; two indexed halves do not."""
    unit_model = role_model._meta.get_field("unit").related_model
    leader_model = role_model._meta.get_field("leader").related_model
    delegation = role_model._meta.get_field("user").related_model._meta.get_field("delegations_given")
    delegation_table = delegation.related_model._meta.db_table

    role_fields, unit_fields, leader_fields = (
        list(model._meta.concrete_fields) for model in (role_model, unit_model, leader_model)
    )
    select = ", ".join(
        [f"r.{f.column}" for f in role_fields]
        + [f"u.{f.column}" for f in unit_fields]
        + [f"l.{f.column}" for f in leader_fields]
    )
    joins = (
        f"FROM {role_model._meta.db_table} r "
        f"LEFT JOIN {unit_model._meta.db_table} u ON u.{unit_model._meta.pk.column} = r.unit_id "
        f"LEFT JOIN {leader_model._meta.db_table} l ON l.{leader_model._meta.pk.column} = r.leader_id"
    )
    sql = (
        f"SELECT {select} {joins} WHERE r.user_id = %s "
        f"UNION ALL SELECT {select} {joins} "
        f"JOIN {delegation_table} d ON d.leader_user_id = r.user_id "
        "WHERE d.secretary_id = %s AND d.is_active AND r.kind = %s "
        "ORDER BY 1"  # the key: the first column
    )
    return sql, role_fields, unit_fields, leader_fields


def _roles_of(user) -> list:
    """The roles ``access_for`` reads (``tasks.Role`` with its unit and leader post in place, as
    ``select_related`` would leave them), ordered by key; a role comes once per delegation given."""
    role_model = user.roles.model
    sql, role_fields, unit_fields, leader_fields = _roles_statement(role_model)
    unit_model = role_model._meta.get_field("unit").related_model
    leader_model = role_model._meta.get_field("leader").related_model
    db = router.db_for_read(role_model)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, RoleKind.LEADER.value])
        rows = cursor.fetchall()
    names = (
        [f.attname for f in role_fields],
        [f.attname for f in unit_fields],
        [f.attname for f in leader_fields],
    )
    ends = (len(role_fields), len(role_fields) + len(unit_fields))
    roles = []
    for row in rows:
        role = role_model.from_db(db, names[0], row[: ends[0]])
        unit = row[ends[0] : ends[1]]
        leader = row[ends[1] :]
        role_model.unit.field.set_cached_value(role, unit_model.from_db(db, names[1], unit) if unit[0] else None)
        role_model.leader.field.set_cached_value(
            role, leader_model.from_db(db, names[2], leader) if leader[0] else None
        )
        roles.append(role)
    return roles


def roles_of(user) -> list:
    """The user's own roles (``tasks.Role`` with their unit and leader post), read by the same query
    as ``access_for`` and cached with it: the page header lists them."""
    access_for(user)
    return getattr(user, "_zmd_roles", [])


def scope_by_unit(queryset, user, action: str, unit_path: str):
    """Filter ``queryset`` to rows whose unit (reached by ``unit_path``) ``user`` may ``action``."""
    access = access_for(user)
    if access.allows_everywhere(action):
        return queryset
    unit_ids = access.unit_ids_for(action)
    if not unit_ids:
        return queryset.none()
    return queryset.filter(**{f"{unit_path}__in": unit_ids})


def forget_access(user) -> None:
    """Drop the cached roles (after roles change within one request or test)."""
    user.__dict__.pop("_zmd_access", None)
    user.__dict__.pop("_zmd_roles", None)
