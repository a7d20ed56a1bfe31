"""The named people who answer for a unit's assignments (责任人): 事有专管之人、人有明确之责。"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action

from .org import Unit


class ResponsiblePersonQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> ResponsiblePersonQuerySet:
        # A unit's people are seen by whoever sees the unit (its staff and head, leaders, the office).
        return self.filter(unit__in=Unit.objects.for_user(user, action))

    def active(self) -> ResponsiblePersonQuerySet:
        return self.filter(is_active=True)


class ResponsiblePerson(models.Model):
    """A named person of a unit who answers for its assignments (责任人), with post and phones.

    ``needs_completion`` (待完善) marks a record made from a bare name (an old free-text entry or an
    Excel import): the office completes the post and phones and clears the flag.
    """

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="people", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=64)
    post = models.CharField(_("post"), max_length=64, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=32, blank=True)
    login = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_records",
        verbose_name=_("login"),
    )
    needs_completion = models.BooleanField(
        _("to be completed"),
        default=False,
        help_text=_("Made from a bare name: the post and phones still have to be filled in."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ResponsiblePersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible person")
        verbose_name_plural = _("responsible persons")
        ordering = ["unit__sort_order", "unit__name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name

    @property
    def phone(self) -> str:
        """The number to call first: the mobile, else the office line."""
        return self.mobile or self.office_phone
