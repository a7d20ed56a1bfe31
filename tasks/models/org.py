"""The organisation: units, leaders, people and their roles, task forces."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, RoleKind, access_for
from core.lean_models import LeanLoading

from ..choices import UNIT_KINDS_BY_GROUP, RankingGroup, UnitKind


class UnitQuerySet(models.QuerySet):
    def in_group(self, group: str) -> UnitQuerySet:
        return self.filter(kind__in=UNIT_KINDS_BY_GROUP[RankingGroup(group)])

    def for_user(self, user, action: str = Action.VIEW) -> UnitQuerySet:
        access = access_for(user)
        if access.allows_everywhere(action):
            return self
        return self.filter(pk__in=access.unit_ids_for(action))


class Unit(LeanLoading):
    """A responsible unit (责任单位): a county or district, a functional zone or a city department."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    requires_head_approval = models.BooleanField(
        _("reports need the unit head's approval"),
        default=False,
        help_text=_("When set, a submitted report waits for the unit head before it reaches the office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def ranking_group(self) -> str:
        return RankingGroup.DEPARTMENTS if self.kind == UnitKind.DEPARTMENT else RankingGroup.COUNTIES


class Field(models.Model):
    """A field (分管领域) such as 工业 or 交通: a label the office puts on targets and gives to leaders."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Leader(models.Model):
    """A city leader (市领导), named by post; the person holding the post logs in through a role.

    The leader's scope (tasks/selectors/scope.py) is the targets they lead, the targets of their
    fields and the assignments of their units; a leader over the whole city (the mayor) has the city."""

    post = models.CharField(_("post"), max_length=64, unique=True)
    fields_in_charge = models.CharField(_("fields in charge"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    whole_city = models.BooleanField(
        _("in charge of the whole city"), default=False, help_text=_("The mayor: their scope is the whole city.")
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="leaders", verbose_name=_("units in charge"))
    fields = models.ManyToManyField(Field, blank=True, related_name="leaders", verbose_name=_("fields in charge"))
    history = HistoricalRecords(m2m_fields=[units, fields])

    class Meta:
        verbose_name = _("city leader")
        verbose_name_plural = _("city leaders")
        ordering = ["sort_order", "post"]

    def __str__(self) -> str:
        return self.post


class User(AbstractUser):
    """A person who logs in. What they may do comes from their roles, not from Django groups."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=32, blank=True)
    # The pages speak the person's language, never the browser's (accounts/language.py).
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, default="zh-hans")
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def access(self):
        return access_for(self)


class Role(models.Model):
    """One role a person holds: staff or head of a unit, a city leader, the supervision office, or an
    evaluator from outside the government (an NPC deputy or CPPCC member, for 常态问政)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("person"))
    kind = models.CharField(_("role"), max_length=16, choices=RoleKind.choices)
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("unit"))
    leader = models.ForeignKey(
        Leader, models.CASCADE, null=True, blank=True, related_name="roles", verbose_name=_("city leader")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "unit"],
                condition=Q(unit__isnull=False),
                name="role_unique_per_unit",
                violation_error_message=_("This person already has this role in this unit."),
            ),
            models.UniqueConstraint(
                fields=["user", "leader"],
                condition=Q(leader__isnull=False),
                name="role_unique_per_leader",
                violation_error_message=_("This person already holds this leader post."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind=RoleKind.OFFICE),
                name="role_office_once",
                violation_error_message=_("This person already works in the office."),
            ),
            models.CheckConstraint(
                name="role_target_matches_kind",
                condition=(
                    Q(kind__in=[RoleKind.STAFF, RoleKind.HEAD], unit__isnull=False, leader__isnull=True)
                    | Q(kind=RoleKind.LEADER, unit__isnull=True, leader__isnull=False)
                    | Q(
                        kind__in=[RoleKind.OFFICE, RoleKind.NPC_DEPUTY, RoleKind.CPPCC_MEMBER],
                        unit__isnull=True,
                        leader__isnull=True,
                    )
                ),
                violation_error_message=_(
                    "Staff and heads belong to a unit, leaders to a leader post, the office and evaluators to neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.leader
        return f"{self.user} · {self.get_kind_display()}" + (f" · {where}" if where else "")


class Delegation(models.Model):
    """A secretary (秘书) acting for a leader on approvals and instructions; the record names both
    ("秘书 X 代 Y", tasks/services/delegation.py)."""

    leader_user = models.ForeignKey(User, models.CASCADE, related_name="delegations_given", verbose_name=_("leader"))
    secretary = models.ForeignKey(User, models.CASCADE, related_name="delegations_held", verbose_name=_("secretary"))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["leader_user", "secretary"],
                name="delegation_once",
                violation_error_message=_("This secretary already acts for this leader."),
            ),
            models.CheckConstraint(
                name="delegation_not_self",
                condition=~Q(leader_user=models.F("secretary")),
                violation_error_message=_("A person cannot be their own secretary."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.secretary} → {self.leader_user}"


class TaskForce(models.Model):
    """A task force (专班): the named group of people that carries one key target."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    leader = models.ForeignKey(Leader, models.PROTECT, related_name="task_forces", verbose_name=_("city leader"))
    members = models.ManyToManyField(User, blank=True, related_name="task_forces", verbose_name=_("members"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("task force")
        verbose_name_plural = _("task forces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
