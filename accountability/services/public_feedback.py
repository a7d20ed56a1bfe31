"""The public's channel (公开接受社会监督): a clue is received, then the office answers it, does not
adopt it, or turns it into an issue supervision notice (问题督查单); personal information is erased
a period after the clue is closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from core.phones import is_phone_number, plain_number
from core.text import strip_control
from tasks.choices import OPEN_ASSIGNMENT_STATUSES
from tasks.models import Assignment, Target
from tasks.services import save_with_history, validate_and_save

from ..choices import CLOSED_FEEDBACK_STATUSES, DisclosureStatus, FeedbackKind, FeedbackStatus
from ..models import Disclosure, FeedbackSettings, PublicFeedback
from ..models.feedback import CONTACT_MAX, TEXT_MAX
from .notices import issue_supervision
from .photos import reencode_photo

HOUR = dt.timedelta(hours=1)
# The address's fingerprint is needed only to count an hour's clues: it is emptied after a day.
SENDER_KEY_DAYS = 1
MIN_TEXT = 5


class TooManyClues(RuleViolation):
    """Refused for the hour (one address, or everyone together, sent the most allowed)."""


def sender_key(address: str | None) -> str:
    """A keyed hash of the address: enough to count, not enough to say who sent it."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "?").encode(), hashlib.sha256).hexdigest()


def snapshot_targets(disclosure: Disclosure) -> dict[str, str]:
    """The targets published in the snapshot, by code: {code: title}."""
    data = Disclosure.objects.filter(pk=disclosure.pk).values_list("data", flat=True).first() or {}
    return {project["code"]: project["title"] for project in data.get("livelihood", []) if project.get("code")}


def clean_contact(value: str) -> str:
    """A mobile or landline number, or an email address; empty is fine."""
    value = strip_control(value or "").strip()
    if not value:
        return ""
    if len(value) > CONTACT_MAX:
        raise RuleViolation({"contact": [_("The contact is too long.")]})
    phone = plain_number(value)
    if is_phone_number(phone):
        return phone
    try:
        validate_email(value)
    except ValidationError:
        raise RuleViolation(
            {
                "contact": [
                    _("Enter a mobile or landline number (such as 13800001234 or 0396-1234567) or an email address.")
                ]
            }
        ) from None
    return value


def clean_text(value: str, *, field: str = "text") -> str:
    value = strip_control(value or "").strip()
    if len(value) < MIN_TEXT:
        raise RuleViolation({field: [_("Write at least %(n)s characters.") % {"n": MIN_TEXT}]})
    if len(value) > TEXT_MAX:
        raise RuleViolation(
            {field: [_("At most %(max)s characters (this text has %(n)s).") % {"max": TEXT_MAX, "n": len(value)}]}
        )
    return value


def check_limits(key: str, *, now=None) -> None:
    """Refuse when this address, or everyone together, sent the most allowed in the last hour."""
    rules = FeedbackSettings.current()
    since = (now or clock.now()) - HOUR
    recent = PublicFeedback.objects.filter(received_at__gte=since)
    if recent.filter(sender_key=key).count() >= rules.per_address_per_hour:
        raise TooManyClues(_("You have sent several clues in the last hour. Please wait an hour and send again."))
    if recent.count() >= rules.per_hour:
        raise TooManyClues(_("We are receiving many clues at the moment. Please try again in an hour."))


def submit_feedback(
    disclosure: Disclosure,
    *,
    text: str,
    address: str | None,
    kind: str = FeedbackKind.CLUE,
    target_code: str = "",
    contact: str = "",
    photo=None,
) -> PublicFeedback:
    """Anyone, without logging in, leaves a comment or clue under a published disclosure or one of its
    targets. Nothing of it is public until the office has answered it."""
    if disclosure.status != DisclosureStatus.PUBLISHED:
        raise RuleViolation(_("This publication cannot be commented on."))
    if kind not in FeedbackKind.values:
        raise RuleViolation({"kind": [_("Choose a comment or a clue.")]})
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name, cleaner, value in (("text", clean_text, text), ("contact", clean_contact, contact)):
        try:
            cleaned[name] = cleaner(value)
        except RuleViolation as error:
            errors.update(error.message_dict)
    title = ""
    if target_code:
        title = snapshot_targets(disclosure).get(target_code)
        if title is None:
            errors.setdefault("target", []).append(_("This target is not in the publication."))
    if errors:
        raise RuleViolation(errors)
    key = sender_key(address)
    check_limits(key)
    image = reencode_photo(photo) if photo else None
    year = disclosure.as_of.year
    target = Target.objects.filter(code=target_code, year=year).first() if target_code else None
    now = clock.now()
    feedback = PublicFeedback(
        disclosure=disclosure,
        target=target,
        target_code=target_code,
        target_title=title or "",
        kind=kind,
        text=cleaned["text"],
        contact=cleaned["contact"],
        sender_key=key,
        received_at=now,
        changed_at=now,
    )
    if image is not None:
        feedback.photo.save("photo.jpg", ContentFile(image), save=False)
    with transaction.atomic():
        save_with_history(feedback, acting_user=None, reason=_("Received from the public"))
    return feedback


def _close(feedback: PublicFeedback, *, acting_user, status: str, reason: str, **fields) -> PublicFeedback:
    with transaction.atomic():
        locked = PublicFeedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status != FeedbackStatus.NEW:
            raise RuleViolation(
                _("This clue was already handled (%(status)s).") % {"status": locked.get_status_display()}
            )
        now = clock.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status, locked.closed_at, locked.closed_by, locked.changed_at = status, now, acting_user, now
        save_with_history(locked, acting_user=acting_user, reason=reason)
    return locked


def answer_feedback(feedback: PublicFeedback, *, acting_user, answer: str) -> PublicFeedback:
    """答复: the answer and the clue's text (never the contact) are published under the snapshot."""
    answer = clean_text(answer, field="answer")
    return _close(
        feedback, acting_user=acting_user, status=FeedbackStatus.ANSWERED, reason=_("Answered"), answer=answer
    )


def dismiss_feedback(feedback: PublicFeedback, *, acting_user, reason: str) -> PublicFeedback:
    """不予采纳: kept with the reason, never shown to the public."""
    reason = clean_text(reason, field="reason")
    return _close(
        feedback,
        acting_user=acting_user,
        status=FeedbackStatus.DISMISSED,
        reason=_("Not adopted"),
        dismiss_reason=reason,
    )


def assignments_for(feedback: PublicFeedback):
    """The assignments a clue may be turned into a notice for: its target's, or the publication's targets'."""
    if feedback.target_id:
        targets = Q(target_id=feedback.target_id)
    else:
        codes = list(snapshot_targets(feedback.disclosure))
        targets = Q(target__code__in=codes, target__year=feedback.disclosure.as_of.year)
    return (
        Assignment.objects.filter(targets, status__in=OPEN_ASSIGNMENT_STATUSES)
        .select_related("target", "unit")
        .order_by("target__code", "role", "unit__sort_order")
    )


def notice_problem(feedback: PublicFeedback) -> str:
    """The problem as the notice states it: the clue's text, never its contact."""
    return _("Clue No. %(number)s from the public, under the publication “%(title)s”:\n%(text)s") % {
        "number": feedback.pk,
        "title": feedback.disclosure.title,
        "text": feedback.text,
    }


def turn_into_notice(
    feedback: PublicFeedback, *, acting_user, assignment: Assignment, required_action: str, due_date: dt.date
) -> PublicFeedback:
    """转为问题督查单: an issue supervision notice for the responsible unit, linked to the clue both ways."""
    if not assignments_for(feedback).filter(pk=assignment.pk).exists():
        raise RuleViolation({"assignment": [_("Choose an open assignment of the target the clue is about.")]})
    with transaction.atomic():
        locked = PublicFeedback.objects.select_for_update().select_related("disclosure").get(pk=feedback.pk)
        if locked.status != FeedbackStatus.NEW:
            raise RuleViolation(
                _("This clue was already handled (%(status)s).") % {"status": locked.get_status_display()}
            )
        notice = issue_supervision(
            assignment,
            acting_user=acting_user,
            problem=notice_problem(locked),
            required_action=required_action,
            due_date=due_date,
        )
        return _close(
            locked,
            acting_user=acting_user,
            status=FeedbackStatus.NOTICE,
            reason=_("Turned into issue supervision notice %(number)s") % {"number": notice.number},
            notice=notice,
        )


def update_feedback_settings(*, acting_user, **values) -> FeedbackSettings:
    rules = FeedbackSettings.current()
    for name, value in values.items():
        setattr(rules, name, value)
    with transaction.atomic():
        validate_and_save(rules, acting_user=acting_user, reason=_("Settings of public clues changed"))
    return rules


def erase_personal_data(*, now=None) -> int:
    """Empty the contact and photo of clues closed longer ago than the office's period, and every
    address fingerprint older than a day. Set-based and idempotent: a second run finds nothing."""
    now = now or clock.now()
    rules = FeedbackSettings.current()
    closed_before = now - dt.timedelta(days=rules.retention_days)
    due = PublicFeedback.objects.filter(
        status__in=CLOSED_FEEDBACK_STATUSES, closed_at__lte=closed_before, personal_erased_at=None
    )
    erased = 0
    with transaction.atomic():
        for feedback in due.select_for_update().only("pk", "photo"):
            if feedback.photo:
                feedback.photo.delete(save=False)
        erased = due.update(contact="", photo="", sender_key="", personal_erased_at=now, changed_at=now)
        PublicFeedback.objects.filter(received_at__lt=now - dt.timedelta(days=SENDER_KEY_DAYS)).exclude(
            sender_key=""
        ).update(sender_key="")
    return erased
