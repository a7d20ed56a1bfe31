"""Personal API tokens: what another system (a county's ledger, the province's platform, the
meeting room's big screen) presents instead of a password to read and file through /api/v1/."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> ApiTokenQuerySet:
        """A person sees and revokes only their own tokens (not even the office sees another's)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A person's API token (接口令牌). Only the SHA-256 of the key is kept: the key is shown once, when
    it is made, and a stolen database does not give working keys. ``prefix`` (the key's first
    characters) lets the owner tell their tokens apart on the profile page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("token name"), max_length=64)
    key_hash = models.CharField(_("key fingerprint"), max_length=64, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=12)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Who made or revoked a token, and when, is in the audit search; the hash and each use are not.
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user"], condition=Q(revoked_at__isnull=True), name="api_token_live_by_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
