"""A leader's choice of how often the digest of their scope (领导摘要) reaches them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import DigestFrequency


class LeaderDigestPreference(models.Model):
    """One leader's choice: every day, once a week on ``weekday`` (0 Monday … 6 Sunday), or not at
    all. A leader without a row gets no digest: the digest is asked for, never imposed.

    Not kept in history: a person's own delivery setting, like their language on the profile.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="leader_digest", verbose_name=_("person")
    )
    frequency = models.CharField(
        _("how often"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), default=0, validators=[MaxValueValidator(6)])
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("leader's digest setting")
        verbose_name_plural = _("leaders' digest settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="leader_digest_weekday_in_week"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()}"
