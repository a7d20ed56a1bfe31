"""Each person's inbox: the notices addressed to their unit, a day's reminders, requests for the office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import EmailStatus, MessageKind, NoticeStatus
from .notices import Notice

ENDED_NOTICE_STATUSES = (NoticeStatus.CLOSED, NoticeStatus.WITHDRAWN, NoticeStatus.DISMISSED)


class InboxMessageQuerySet(models.QuerySet):
    def for_user(self, user) -> InboxMessageQuerySet:
        """A person's inbox is theirs alone, whatever roles they hold."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> InboxMessageQuerySet:
        return self.filter(read_at__isnull=True)

    def waiting(self) -> InboxMessageQuerySet:
        """Unread messages that still ask something: a notice closed, withdrawn or refused since it
        arrived (a task notice signed long ago) no longer counts in the badge."""
        return self.unread().filter(Q(notice__isnull=True) | ~Q(notice__status__in=ENDED_NOTICE_STATUSES))


class InboxMessage(models.Model):
    """One entry in one person's inbox, and the email that carries it.

    Not kept in history: the notice it points to is the record; whether a person has read a
    message or the mail went out is bookkeeping, written with compare-and-set updates.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="inbox", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MessageKind.choices)
    notice = models.ForeignKey(
        Notice, models.CASCADE, null=True, blank=True, related_name="messages", verbose_name=_("notice")
    )
    day = models.DateField(_("day"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_claimed_at = models.DateTimeField(_("email being sent since"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = InboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "notice", "kind"],
                condition=Q(notice__isnull=False),
                name="inbox_notice_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(kind=MessageKind.DIGEST),
                name="inbox_one_digest_per_person_per_day",
            ),
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(kind=MessageKind.LEADER_DIGEST),
                name="inbox_one_leader_digest_per_person_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"
