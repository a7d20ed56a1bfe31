"""保位争先: the city's main indicators ranked among the province's cities.

The province publishes a monthly bulletin (city, indicator, value, growth, rank); the office brings
it in (Excel or by hand). The office marks which 数据指标类 targets are province indicators and sets
the first-group line (第一方阵). An indicator that leaves the first group is told to its lead unit and
its leader once (``ProvinceExit``), without a warning notice and without points.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import Target

from ..choices import FigureSource
from .scores import OfficeManagedQuerySet

# Henan's 18 cities (17 prefecture-level cities and 济源), in the province's usual order.
HENAN_CITIES = [
    "郑州", "开封", "洛阳", "平顶山", "安阳", "鹤壁", "新乡", "焦作", "濮阳",
    "许昌", "漯河", "三门峡", "南阳", "商丘", "信阳", "周口", "驻马店", "济源",
]  # fmt: skip
HOME_CITY = "驻马店"
DEFAULT_FIRST_GROUP = 6  # our reading: the top third of 18


class ProvinceCity(models.Model):
    """One of the province's cities as the bulletin names it; ``is_home`` marks our own city."""

    name = models.CharField(_("city"), max_length=32, unique=True)
    is_home = models.BooleanField(_("our city"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("province city")
        verbose_name_plural = _("province cities")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_home"], condition=Q(is_home=True), name="province_one_home_city"),
        ]

    def __str__(self) -> str:
        return self.name


class ProvinceIndicator(models.Model):
    """A 数据指标类 target the office ranks against the province: the name the bulletin spells,
    its unit of measure and whether a higher figure is better."""

    target = models.OneToOneField(Target, models.PROTECT, related_name="province_indicator", verbose_name=_("target"))
    name = models.CharField(
        _("name in the bulletin"), max_length=64, unique=True, help_text=_("As the province's bulletin spells it.")
    )
    measure_unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("province indicator")
        verbose_name_plural = _("province indicators")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ProvinceFigure(models.Model):
    """One city's line of one indicator in one month's bulletin."""

    indicator = models.ForeignKey(
        ProvinceIndicator, models.CASCADE, related_name="figures", verbose_name=_("province indicator")
    )
    city = models.ForeignKey(ProvinceCity, models.PROTECT, related_name="figures", verbose_name=_("city"))
    month = models.DateField(_("month"), help_text=_("The first day of the bulletin's month."))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    growth = models.DecimalField(_("growth (%)"), max_digits=9, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    source = models.CharField(_("source"), max_length=8, choices=FigureSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    history = HistoricalRecords()

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("province bulletin figure")
        verbose_name_plural = _("province bulletin figures")
        ordering = ["indicator", "month", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "city", "month"], name="province_figure_once_per_month"),
            models.UniqueConstraint(fields=["indicator", "month", "rank"], name="province_rank_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.city} · {self.month:%Y-%m}"


class ProvinceRules(models.Model):
    """The office's settings for 保位争先 (one row): where the first group ends."""

    first_group_line = models.PositiveSmallIntegerField(
        _("first group line"),
        default=DEFAULT_FIRST_GROUP,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("A rank at or above this line is in the first group (第一方阵)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("province ranking settings")
        verbose_name_plural = _("province ranking settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> ProvinceRules:
        """The row in force, or the defaults (unsaved: reading a page writes nothing)."""
        return cls.objects.order_by("pk").first() or cls()


class ProvinceExit(models.Model):
    """An indicator that left the first group in a month: the lead unit and the leader were told.

    One row per indicator and month (a unique rule), so a second import of the same bulletin or a
    corrected rank never tells them twice."""

    indicator = models.ForeignKey(
        ProvinceIndicator, models.CASCADE, related_name="exits", verbose_name=_("province indicator")
    )
    month = models.DateField(_("month"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    line = models.PositiveSmallIntegerField(_("first group line"))
    created_at = models.DateTimeField(_("created at"))

    objects = OfficeManagedQuerySet.as_manager()

    class Meta:
        verbose_name = _("first group exit")
        verbose_name_plural = _("first group exits")
        ordering = ["-month", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="province_exit_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.month:%Y-%m}"
