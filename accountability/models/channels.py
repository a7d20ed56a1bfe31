"""Where messages leave the system besides the inbox: work-group robots (企业微信 / 政务微信, 钉钉),
signed webhooks, text messages; the office's rules of what goes where; each person's choice; and
one delivery record per message and destination (docs/DELIVERY.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import access_for
from tasks.choices import WarningLevel
from tasks.models import Unit

from ..choices import GROUP_CHANNEL_KINDS, ChannelKind, DeliveryStatus, MessageKind
from .inbox import InboxMessage
from .notices import Notice


def default_group_kinds() -> list[str]:
    return [MessageKind.NOTICE, MessageKind.INSTRUCTION, MessageKind.COORDINATION]


def default_sms_kinds() -> list[str]:
    # A leader reads the digest of their scope on the phone (issue 20), if they chose text messages.
    return [MessageKind.INSTRUCTION, MessageKind.LEADER_DIGEST]


class ChannelQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> ChannelQuerySet:
        """The office sees every channel; a unit's people their own unit's work group."""
        if user is None or not user.is_authenticated:
            return self.none()
        access = access_for(user)
        if access.office:
            return self
        return self.filter(unit_id__in=access.unit_ids)


class DeliveryQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view") -> DeliveryQuerySet:
        """The delivery log is the office's."""
        if user is None or not user.is_authenticated or not access_for(user).office:
            return self.none()
        return self


class Channel(models.Model):
    """A work group's robot (a unit's, or the office's when ``unit`` is empty) that messages are
    posted to. Off until turned on; marked broken after repeated failures and then skipped until
    the office restores it. Bookkeeping fields are written with compare-and-set updates."""

    kind = models.CharField(_("kind"), max_length=12, choices=[(k.value, k.label) for k in GROUP_CHANNEL_KINDS])
    unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="channels", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=64)
    # The robot's key (企业微信 / 政务微信), access token (钉钉) or, for a webhook, its full URL.
    address = models.CharField(_("robot key or address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    enabled = models.BooleanField(_("turned on"), default=False)
    broken_at = models.DateTimeField(_("marked broken at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        verbose_name = _("work-group channel")
        verbose_name_plural = _("work-group channels")
        ordering = ["unit__sort_order", "unit__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(unit__isnull=False), name="channel_one_per_unit")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_broken(self) -> bool:
        return self.broken_at is not None


class DeliveryRules(models.Model):
    """The office's switches and routing table (收发规则), one row: which channel kinds are on at
    all, which kinds of message go to a unit's work group and which by text message."""

    wecom_on = models.BooleanField(_("WeCom / government WeChat robots on"), default=False)
    dingtalk_on = models.BooleanField(_("DingTalk robots on"), default=False)
    webhook_on = models.BooleanField(_("webhooks on"), default=False)
    sms_on = models.BooleanField(_("text messages on"), default=False)
    group_kinds = models.JSONField(_("kinds of message posted to the unit's work group"), default=default_group_kinds)
    group_warning_min_level = models.PositiveSmallIntegerField(
        _("warnings posted to the work group from"), choices=WarningLevel.choices, default=WarningLevel.YELLOW
    )
    responsible_sms_min_level = models.PositiveSmallIntegerField(
        _("warnings texted to the responsible person from"),
        choices=WarningLevel.choices,
        null=True,
        blank=True,
        default=WarningLevel.RED,
        help_text=_("Empty: never."),
    )
    sms_kinds = models.JSONField(
        _("kinds of message texted to people who chose text messages"), default=default_sms_kinds
    )
    failures_before_broken = models.PositiveSmallIntegerField(
        _("failures in a row before a channel is marked broken"), default=5
    )

    class Meta:
        verbose_name = _("delivery rules")
        verbose_name_plural = _("delivery rules")

    def __str__(self) -> str:
        return str(_("delivery rules"))

    @classmethod
    def current(cls) -> DeliveryRules:
        rules = cls.objects.filter(pk=1).first()
        if rules is None:
            rules, _created = cls.objects.get_or_create(pk=1)
        return rules

    def kind_on(self, kind: str) -> bool:
        return bool(getattr(self, f"{kind}_on", False))

    @property
    def any_on(self) -> bool:
        return self.wecom_on or self.dingtalk_on or self.webhook_on or self.sms_on


class PersonChannelPreference(models.Model):
    """How a person wants to be reached besides the inbox (消息接收方式): text messages to the
    mobile on their profile for the kinds the office sends by text."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="channel_preference", verbose_name=_("person")
    )
    sms = models.BooleanField(_("text messages to my mobile"), default=False)

    class Meta:
        verbose_name = _("message channel preference")
        verbose_name_plural = _("message channel preferences")

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """One message to one destination (a work group, a mobile). ``key`` is unique: a unit's group
    gets one post per notice however many of its people got it in their inbox, and a retry or a
    second job finds the row and sends nothing again once it is sent."""

    key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    channel_kind = models.CharField(_("channel"), max_length=12, choices=ChannelKind.choices)
    channel = models.ForeignKey(
        Channel, models.CASCADE, null=True, blank=True, related_name="deliveries", verbose_name=_("work-group channel")
    )
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    unit = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit"))
    message = models.ForeignKey(
        InboxMessage, models.SET_NULL, null=True, blank=True, related_name="deliveries", verbose_name=_("inbox message")
    )
    notice = models.ForeignKey(
        Notice, models.SET_NULL, null=True, blank=True, related_name="deliveries", verbose_name=_("notice")
    )
    message_kind = models.CharField(_("kind of message"), max_length=12, choices=MessageKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(_("state"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.key
