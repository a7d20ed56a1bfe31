"""The public's channel (公开接受社会监督): comments and clues left under a publication, and the
office's settings for them.

A clue's contact, photo and the fingerprint of the address it came from are personal information
(个人信息保护法): only the office sees them, nothing publishes or exports them, history does not copy
them, and the erasure job empties them a period after the clue is closed.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.access import Action, access_for
from tasks.models import Target

from ..choices import CLOSED_FEEDBACK_STATUSES, FeedbackKind, FeedbackStatus
from .disclosure import Disclosure
from .notices import Notice

TEXT_MAX = 2000
CONTACT_MAX = 100
PERSONAL_FIELDS = ["contact", "photo", "sender_key"]


def feedback_photo_path(instance: PublicFeedback, filename: str) -> str:
    # A random name: nothing of the sender's file name is kept.
    return f"public-feedback/{uuid4().hex}.jpg"


class PublicFeedbackQuerySet(models.QuerySet):
    def for_user(self, user, action: str = Action.VIEW) -> PublicFeedbackQuerySet:
        """Only the supervision office reads and handles what the public sent."""
        return self if access_for(user).office else self.none()

    def answered(self) -> PublicFeedbackQuerySet:
        """What the public may read: answered clues (their text and the answer, never the contact)."""
        return self.filter(status=FeedbackStatus.ANSWERED)


class PublicFeedback(models.Model):
    """A comment or clue (线索) a member of the public left, without logging in, under a published
    disclosure or one of its targets; the office answers it, does not adopt it, or turns it into an
    issue supervision notice (问题督查单) for the responsible unit."""

    disclosure = models.ForeignKey(Disclosure, models.PROTECT, related_name="feedback", verbose_name=_("publication"))
    target = models.ForeignKey(
        Target, models.PROTECT, null=True, blank=True, related_name="public_feedback", verbose_name=_("target")
    )
    target_code = models.CharField(_("target code"), max_length=32, blank=True)
    target_title = models.CharField(_("target as published"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=FeedbackKind.choices, default=FeedbackKind.CLUE)
    text = models.TextField(_("text"), max_length=TEXT_MAX)
    contact = models.CharField(_("contact"), max_length=CONTACT_MAX, blank=True)
    photo = models.FileField(_("photo"), upload_to=feedback_photo_path, max_length=200, blank=True)
    sender_key = models.CharField(
        _("sender fingerprint"), max_length=64, blank=True, help_text=_("A keyed hash of the address, for limits only.")
    )
    status = models.CharField(_("state"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW)
    answer = models.TextField(_("answer"), blank=True, max_length=TEXT_MAX)
    dismiss_reason = models.TextField(_("why it was not adopted"), blank=True, max_length=TEXT_MAX)
    notice = models.OneToOneField(
        Notice,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="public_feedback",
        verbose_name=_("issue supervision notice"),
    )
    received_at = models.DateTimeField(_("received at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handled by")
    )
    personal_erased_at = models.DateTimeField(_("personal information erased at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    # History keeps who decided what; it never copies the personal information.
    history = HistoricalRecords(excluded_fields=PERSONAL_FIELDS)

    objects = PublicFeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("public comment or clue")
        verbose_name_plural = _("public comments and clues")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=FeedbackStatus.NEW, closed_at=None)
                | Q(status__in=CLOSED_FEEDBACK_STATUSES, closed_at__isnull=False),
                name="feedback_closed_has_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=FeedbackStatus.NOTICE) | Q(notice__isnull=False),
                name="feedback_notice_is_linked",
            ),
        ]
        indexes = [
            models.Index(fields=["disclosure", "-changed_at"]),
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["sender_key", "received_at"]),
            models.Index(fields=["received_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:30]}"

    @property
    def is_closed(self) -> bool:
        return self.status != FeedbackStatus.NEW


class FeedbackSettings(models.Model):
    """The office's settings for the public's channel (one row): how long personal information is kept
    after a clue is closed, and how much one address, and everyone together, may send in an hour."""

    retention_days = models.PositiveSmallIntegerField(
        _("keep contacts and photos for (days after the clue is closed)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    per_address_per_hour = models.PositiveSmallIntegerField(
        _("clues one address may send in an hour"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    per_hour = models.PositiveIntegerField(
        _("clues everyone together may send in an hour"),
        default=300,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settings of public clues")
        verbose_name_plural = _("settings of public clues")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> FeedbackSettings:
        found = cls.objects.order_by("pk").first()
        return found if found is not None else cls()
