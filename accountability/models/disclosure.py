"""Public disclosure (公示晾晒): each publication is a frozen snapshot the public reads without logging in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.access import Action, access_for

from ..choices import DisclosureStatus


class DisclosureQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> DisclosureQuerySet:
        """The office prepares and publishes; leaders may read drafts; units read the public pages."""
        access = access_for(user)
        if access.office or (action == Action.VIEW and access.is_leader):
            return self
        return self.none()

    def published(self) -> DisclosureQuerySet:
        """What the public may read: nothing else ever leaves this queryset."""
        return self.filter(status=DisclosureStatus.PUBLISHED)


class Disclosure(models.Model):
    """One publication (公示) of each unit's record for a period: prepared, approved, published.

    ``data`` is the snapshot taken when the office prepared it (refreshed only while a draft);
    from approval on it never changes, so later edits of the ledger leave a publication as it
    was. A correction is a new publication that names the one it corrects.
    """

    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    period_label = models.CharField(pgettext_lazy("span", "period"), max_length=40)
    as_of = models.DateField(_("figures as of"))
    note = models.TextField(_("introduction"), blank=True)
    show_responsible_persons = models.BooleanField(
        _("publish the responsible persons of livelihood projects"),
        default=False,
        help_text=_("Names only, as entered on the chain; telephone numbers are never published."),
    )
    show_proposers = models.BooleanField(_("publish the proposers' names"), default=False)
    data = models.JSONField(_("snapshot"), default=dict)
    digest = models.CharField(_("snapshot fingerprint"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT
    )
    corrects = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("corrects")
    )
    correction_note = models.TextField(_("what was corrected"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The snapshot is large and frozen; history keeps its fingerprint, not a copy per change.
    history = HistoricalRecords(excluded_fields=["data"])

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("public disclosure")
        verbose_name_plural = _("public disclosures")
        ordering = ["-as_of", "-prepared_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DisclosureStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="disclosure_published_has_a_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def is_frozen(self) -> bool:
        return self.status != DisclosureStatus.DRAFT
