"""Accounts as the office keeps them: the login log, open sessions, password state, role handovers.

The login log and the handovers are audit records: the product only adds to them (no edit or delete
view; the admin shows them read-only) and keeps them at least ``ZMD_AUDIT_KEEP_DAYS`` (180) days.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.access import RoleKind


class LoginEventKind(models.TextChoices):
    SUCCESS = "success", _("Logged in")
    FAILURE = "failure", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    IDLE = "idle", _("Logged out after idling")
    EVICTED = "evicted", _("Session ended by a newer login")


class LoginEvent(models.Model):
    """One line of the login log (登录日志): who tried to log in or out, from where, when (server time)."""

    kind = models.CharField(_("event"), max_length=16, choices=LoginEventKind.choices)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
        verbose_name=_("person"),
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("login log entry")
        verbose_name_plural = _("login log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="loginevent_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"


class AccountState(models.Model):
    """What the office set on a login: a one-time password the person must change at next login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="account_state", verbose_name=_("person")
    )
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    password_set_at = models.DateTimeField(_("password set"), null=True, blank=True)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self) -> str:
        return str(self.user)


class UserSession(models.Model):
    """A session a login opened: the oldest ones end when a person holds more than the limit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="open_sessions", verbose_name=_("person")
    )
    session_key = models.CharField(_("session key"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started"))

    class Meta:
        verbose_name = _("open session")
        verbose_name_plural = _("open sessions")
        ordering = ["user", "started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"


class RoleHandover(models.Model):
    """A role handed from one person to a successor (交接): both names stay on record."""

    kind = models.CharField(_("role"), max_length=16, choices=RoleKind.choices)
    unit = models.ForeignKey("tasks.Unit", models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    leader = models.ForeignKey("tasks.Leader", models.PROTECT, null=True, blank=True, verbose_name=_("city leader"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="roles_handed_over", verbose_name=_("handed over by")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="roles_taken_over", verbose_name=_("successor")
    )
    old_login_deactivated = models.BooleanField(_("old login deactivated"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("role handover")
        verbose_name_plural = _("role handovers")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit or self.leader or ''}: {self.from_user} → {self.to_user}"
