"""Messages leaving through work groups and text messages (docs/DELIVERY.md).

The inbox entry is written in the issuing transaction and is the record: nothing here can lose it.
After commit, ``send_after_commit()`` (delivery.py) hands the new messages' ids to a job that
routes them (``route_messages``: one ``Delivery`` row per destination under a unique idempotency
key, so a unit's work group gets one post per notice, not one per person) and sends each row
(``send_deliveries``), claiming it with a compare-and-set first.

What is promised: a delivery is never sent twice by two jobs or by a retry of a failure; a job killed
after its claim is sent again once the claim expires (``ZMD_DELIVERY_CLAIM_SECONDS``) by the sweep
(``resend_stale_deliveries``, every five minutes). If the worker dies after the channel took the post
and before the row is marked, that second send reaches the channel again: at least once, with the
same ``X-ZMD-Idempotency-Key``, which a webhook receiver (and the demo's) uses to drop the copy.
企业微信 and 钉钉 robots keep no keys, so there the group may see that one post twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.access import RoleKind, access_for
from core.errors import RuleViolation
from tasks.choices import WarningLevel
from tasks.models import Role, Unit

from ..choices import GROUP_CHANNEL_KINDS, ChannelKind, DeliveryStatus, MessageKind, NoticeKind
from ..models import Channel, Delivery, DeliveryRules, InboxMessage, PersonChannelPreference
from . import channel_adapters as adapters
from .duties import refuse_unless_office

logger = logging.getLogger(__name__)

DELIVERY_BATCH = 100
# Attempts (the first and its retries) before a delivery is given up as failed; the inbox still has it.
MAX_ATTEMPTS = 5
STALE_AFTER = dt.timedelta(minutes=2)
REROUTE_WINDOW = dt.timedelta(days=1)


class DeliveryFailed(OSError):
    """Some deliveries of a job failed and may pass: the job is retried with back-off."""


# --- Routing ------------------------------------------------------------------------------------


def _link(message: dict) -> str:
    if message["notice_id"]:
        return settings.ZMD_SITE_URL + reverse("notices:detail", args=[message["notice_id"]])
    return settings.ZMD_SITE_URL + reverse("notices:message", args=[message["pk"]])


def _content_hash(message: dict) -> str:
    text = f"{message['day']}|{message['subject']}|{message['body']}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _wants_group(rules: DeliveryRules, message: dict) -> bool:
    if message["kind"] not in rules.group_kinds:
        return False
    if message["notice__kind"] == NoticeKind.WARNING:
        return (message["notice__level"] or 0) >= rules.group_warning_min_level
    return True


def _responsible_phone(rules: DeliveryRules, message: dict) -> str:
    """A warning at or above the office's level is texted to the assignment's responsible person (责任人)."""
    if rules.responsible_sms_min_level is None or message["notice__kind"] != NoticeKind.WARNING:
        return ""
    if (message["notice__level"] or WarningLevel.GREEN) < rules.responsible_sms_min_level:
        return ""
    return message["notice__assignment__person__mobile"] or message["notice__assignment__responsible_phone"] or ""


def route_messages(message_ids: list[int], *, fresh_only: bool = False) -> list[int]:
    """Write the deliveries the office's rules call for (none twice: ``key`` is unique) and return the
    ids of those still to send. Set-based: a fixed number of queries per batch of messages.

    ``fresh_only`` (the after-commit job): a message older than a day is not posted any more — a job
    that waited in a queue while the channels were off (the demo's load, a long broker outage) must
    not flood a work group with old news once they are on. The inbox has those messages."""
    rules = DeliveryRules.current()
    if not rules.any_on or not message_ids:
        return []
    chosen = InboxMessage.objects.filter(pk__in=message_ids)
    if fresh_only:
        chosen = chosen.filter(created_at__gte=clock.now() - REROUTE_WINDOW)
    messages = list(
        chosen.values(
            "pk",
            "kind",
            "day",
            "subject",
            "body",
            "recipient_id",
            "recipient__mobile",
            "notice_id",
            "notice__kind",
            "notice__level",
            "notice__unit_id",
            "notice__assignment__person__mobile",
            "notice__assignment__responsible_phone",
        )
    )
    now = clock.now()
    rows: dict[str, Delivery] = {}
    group_kinds_on = [kind for kind in GROUP_CHANNEL_KINDS if rules.kind_on(kind)]
    if group_kinds_on:
        _route_to_groups(rules, messages, group_kinds_on, now, rows)
    if rules.sms_on:
        _route_to_phones(rules, messages, now, rows)
    if not rows:
        return []
    Delivery.objects.bulk_create(rows.values(), ignore_conflicts=True, batch_size=500)
    pending = Delivery.objects.filter(key__in=list(rows), status=DeliveryStatus.PENDING).order_by("pk")
    return list(pending.values_list("pk", flat=True))


def _route_to_groups(rules, messages, kinds_on, now, rows) -> None:
    wanted = [message for message in messages if _wants_group(rules, message)]
    if not wanted:
        return
    # A message about no notice goes to the groups of the units its recipient works in (the office's group
    # for the office's people); a notice goes to its own unit's group only.
    loose = {message["recipient_id"] for message in wanted if not message["notice_id"]}
    groups_of: dict[int, set[int | None]] = defaultdict(set)
    roles = Role.objects.filter(user_id__in=loose, kind__in=[RoleKind.STAFF, RoleKind.HEAD, RoleKind.OFFICE])
    for user_id, kind, unit_id in roles.values_list("user_id", "kind", "unit_id"):
        groups_of[user_id].add(None if kind == RoleKind.OFFICE else unit_id)
    channels = defaultdict(list)
    for channel in Channel.objects.filter(enabled=True, kind__in=kinds_on).select_related("unit"):
        channels[channel.unit_id].append(channel)
    for message in wanted:
        if message["notice_id"]:
            owners = {message["notice__unit_id"]}
            if message["kind"] == MessageKind.APPROVAL:  # an exposure candidate is the office's business
                owners = {None}
            about = f"notice:{message['notice_id']}:{message['kind']}"
        else:
            owners = groups_of.get(message["recipient_id"], set())
            about = f"{message['kind']}:{_content_hash(message)}"
        for owner in owners:
            for channel in channels.get(owner, ()):
                key = f"group:{channel.pk}:{about}"
                if key not in rows:
                    rows[key] = _delivery(key, message, now, channel_kind=channel.kind, channel=channel, unit_id=owner)


def _route_to_phones(rules, messages, now, rows) -> None:
    chose_sms = set(
        PersonChannelPreference.objects.filter(
            user_id__in={message["recipient_id"] for message in messages if message["kind"] in rules.sms_kinds},
            sms=True,
        ).values_list("user_id", flat=True)
    )
    for message in messages:
        phones = set()
        responsible = _responsible_phone(rules, message)
        if responsible:
            phones.add(responsible)
        if message["recipient_id"] in chose_sms and message["recipient__mobile"]:
            phones.add(message["recipient__mobile"])
        for phone in phones:
            # One text per phone and notice, however many inbox entries (and reasons) point at it.
            about = f"notice:{message['notice_id']}" if message["notice_id"] else f"message:{message['pk']}"
            key = f"sms:{phone}:{about}"
            if key not in rows:
                rows[key] = _delivery(
                    key, message, now, channel_kind=ChannelKind.SMS, phone=phone, unit_id=message["notice__unit_id"]
                )


def _delivery(key, message, now, **fields) -> Delivery:
    return Delivery(
        key=key,
        message_id=message["pk"],
        notice_id=message["notice_id"],
        message_kind=message["kind"],
        subject=message["subject"][:200],
        body=message["body"],
        link=_link(message)[:500],
        created_at=now,
        **fields,
    )


# --- Sending ------------------------------------------------------------------------------------


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    expired = now - dt.timedelta(seconds=settings.ZMD_DELIVERY_CLAIM_SECONDS)
    return bool(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=expired), pk=delivery_id
        ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _skip_reason(delivery: Delivery, rules: DeliveryRules) -> str:
    if not rules.kind_on(delivery.channel_kind):
        return _("The office has turned this kind of channel off.")
    channel = delivery.channel
    if delivery.channel_kind != ChannelKind.SMS:
        if channel is None:
            return _("The channel was removed.")
        if not channel.enabled:
            return _("The channel is turned off.")
        if channel.is_broken:
            return _("The channel is marked broken; the office restores it.")
    return ""


def _outgoing(delivery: Delivery) -> adapters.Outgoing:
    unit = delivery.unit.name if delivery.unit_id else (_("Supervision office") if delivery.channel_id else "")
    return adapters.Outgoing(
        key=delivery.key,
        subject=delivery.subject,
        body=delivery.body,
        link=delivery.link,
        unit=str(unit),
        kind=delivery.message_kind,
    )


def _post(delivery: Delivery) -> None:
    out = _outgoing(delivery)
    if delivery.channel_kind == ChannelKind.WECOM:
        adapters.post_wecom(delivery.channel, out)
    elif delivery.channel_kind == ChannelKind.DINGTALK:
        adapters.post_dingtalk(delivery.channel, out)
    elif delivery.channel_kind == ChannelKind.WEBHOOK:
        adapters.post_webhook(delivery.channel, out)
    else:
        adapters.send_sms(delivery.phone, out)


def send_deliveries(delivery_ids: list[int]) -> int:
    """Send each delivery still to send, once. Failures are recorded and, while attempts remain,
    raised together as ``DeliveryFailed`` after the others were sent (the job retries with back-off;
    the rows already sent are found sent and left alone)."""
    rules = DeliveryRules.current()
    sent = 0
    retry = []
    with translation.override(settings.LANGUAGE_CODE):
        for delivery_id in delivery_ids:
            if not _claim(delivery_id, clock.now()):
                continue
            delivery = Delivery.objects.select_related("channel", "unit").get(pk=delivery_id)
            reason = _skip_reason(delivery, rules)
            if reason:
                Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SKIPPED, last_error=reason)
                continue
            try:
                _post(delivery)
            except OSError as error:
                if _record_failure(delivery, str(error) or error.__class__.__name__, rules):
                    retry.append(delivery_id)
                continue
            now = clock.now()
            Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENT, sent_at=now, last_error="")
            if delivery.channel_id:
                Channel.objects.filter(pk=delivery.channel_id).update(consecutive_failures=0, last_sent_at=now)
            sent += 1
    if retry:
        raise DeliveryFailed(f"{len(retry)} deliveries failed and will be retried: {retry}")
    return sent


def _record_failure(delivery: Delivery, error: str, rules: DeliveryRules) -> bool:
    """Release the claim (or give up after MAX_ATTEMPTS) and count the failure against the channel; the
    channel is marked broken after ``failures_before_broken`` in a row and the office told once."""
    logger.warning("Delivery %s failed: %s", delivery.key, error)
    again = delivery.attempts < MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING if again else DeliveryStatus.FAILED, claimed_at=None, last_error=error[:1000]
    )
    if delivery.channel_id:
        Channel.objects.filter(pk=delivery.channel_id).update(
            consecutive_failures=F("consecutive_failures") + 1, last_error=error[:1000]
        )
        newly_broken = Channel.objects.filter(
            pk=delivery.channel_id, broken_at__isnull=True, consecutive_failures__gte=rules.failures_before_broken
        ).update(broken_at=clock.now())
        if newly_broken:
            _tell_office_broken(delivery.channel, error)
            Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)
            return False
    return again


def _tell_office_broken(channel: Channel, error: str) -> None:
    from .delivery import deliver_plain, office_people

    link = settings.ZMD_SITE_URL + reverse("deliveries:channels")
    subject = (_("Channel broken: %(channel)s") % {"channel": channel.name})[:200]
    body = "\n".join(
        [
            _("It failed %(count)d times in a row and receives nothing until it is restored.")
            % {"count": channel.consecutive_failures + 1},
            _("Last error: %(error)s") % {"error": error},
            link,
        ]
    )
    with transaction.atomic():
        deliver_plain(office_people(), kind=MessageKind.CHANNEL, subject=subject, body=body)


def resend_stale_deliveries() -> int:
    """Hand deliveries that never reached a worker, or whose worker died holding the claim, to a job."""
    moment = clock.now()
    expired = moment - dt.timedelta(seconds=settings.ZMD_DELIVERY_CLAIM_SECONDS)
    stale = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, created_at__lt=moment - STALE_AFTER)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=expired)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    send_deliveries_later(stale)
    return len(stale)


def reroute_recent_messages() -> int:
    """Route the last day's messages again (run by the daily scan): a routing job lost with the broker
    is made good; those already routed find their keys taken and add nothing."""
    if not DeliveryRules.current().any_on:
        return 0
    recent = InboxMessage.objects.filter(created_at__gte=clock.now() - REROUTE_WINDOW).order_by("pk")
    ids = list(recent.values_list("pk", flat=True))
    pending: list[int] = []
    for start in range(0, len(ids), 500):
        pending += route_messages(ids[start : start + 500])
    send_deliveries_later(pending)
    return len(pending)


def send_deliveries_later(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    def enqueue():
        from ..tasks import enqueue, send_deliveries

        for start in range(0, len(delivery_ids), DELIVERY_BATCH):
            enqueue(send_deliveries, delivery_ids[start : start + DELIVERY_BATCH])

    transaction.on_commit(enqueue)


# --- The office's and the units' settings -------------------------------------------------------------


def save_rules(rules: DeliveryRules, *, acting_user, **fields) -> DeliveryRules:
    refuse_unless_office(acting_user)
    for name, value in fields.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    return rules


def _refuse_unless_keeps(channel_unit_id: int | None, acting_user) -> None:
    access = access_for(acting_user)
    if not (access.office or (channel_unit_id is not None and channel_unit_id in access.unit_ids)):
        raise RuleViolation(_("Only the office or the unit's own people set its work group."))


def save_channel(channel: Channel, *, acting_user, **fields) -> Channel:
    """The office's channels and any unit's; a unit's people their own unit's work group."""
    unit = fields.get("unit", channel.unit if channel.pk else None)
    _refuse_unless_keeps(unit.pk if isinstance(unit, Unit) else None, acting_user)
    if channel.pk:
        _refuse_unless_keeps(channel.unit_id, acting_user)
    for name, value in fields.items():
        setattr(channel, name, value)
    if channel.kind == ChannelKind.WEBHOOK and not channel.address.startswith(("http://", "https://")):
        raise RuleViolation(_("A webhook's address is a URL starting with http:// or https://."))
    channel.full_clean()
    channel.save()
    return channel


def set_channel_enabled(channel: Channel, *, enabled: bool, acting_user) -> None:
    _refuse_unless_keeps(channel.unit_id, acting_user)
    Channel.objects.filter(pk=channel.pk).update(enabled=enabled)


def restore_channel(channel: Channel, *, acting_user) -> bool:
    """恢复通道: a broken channel receives again (what was skipped meanwhile stays in the inbox only)."""
    refuse_unless_office(acting_user)
    return bool(
        Channel.objects.filter(pk=channel.pk, broken_at__isnull=False).update(broken_at=None, consecutive_failures=0)
    )


def send_test_message(channel: Channel, *, acting_user) -> Delivery:
    """发送测试消息: a delivery like any other (it shows in the log), sent by the worker after commit."""
    _refuse_unless_keeps(channel.unit_id, acting_user)
    now = clock.now()
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        delivery = Delivery.objects.create(
            key=f"test:{channel.pk}:{now.isoformat()}",
            channel_kind=channel.kind,
            channel=channel,
            unit_id=channel.unit_id,
            message_kind=MessageKind.CHANNEL,
            subject=_("Test message from the supervision system"),
            body=_("Sent by %(person)s to check that this work group receives messages.") % {"person": acting_user},
            link=settings.ZMD_SITE_URL,
            created_at=now,
        )
        send_deliveries_later([delivery.pk])
    return delivery


def save_preference(user, *, sms: bool, acting_user) -> PersonChannelPreference:
    if acting_user.pk != user.pk:
        raise RuleViolation(_("Only the person themselves chooses how they are reached."))
    if sms and not user.mobile:
        raise RuleViolation(_("Enter your mobile phone on your profile first."))
    preference, _created = PersonChannelPreference.objects.update_or_create(user=user, defaults={"sms": sms})
    return preference
