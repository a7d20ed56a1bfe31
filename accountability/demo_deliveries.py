"""The demo's work groups: every unit's group is a signed webhook pointing at the local receiver that
`make run` starts (scripts/demo_receiver.py, 127.0.0.1:8025), so a newcomer sees messages leave
without an account anywhere. The office has turned webhooks and text messages (the console backend)
on. The log shows each state: the day before's posts sent, the last unit's channel broken after five
failures (its posts failed, then skipped), and the demo day's posts waiting for the worker, which
sends them to the receiver when `make run` starts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from core import clock
from core.access import RoleKind
from tasks.models import Unit, User

from .choices import ChannelKind, DeliveryStatus
from .models import Channel, Delivery, DeliveryRules, InboxMessage, PersonChannelPreference
from .services.channels import route_messages, send_deliveries_later

DEMO_SECRET = "zmd-demo-webhook-secret"
# The mayor reads the daily digest by text message (the console backend prints it in the worker's log).
TEXTING_LEADERS = {"mayor": "13800000001"}
REFUSED = "[Errno 111] Connection refused"


def _receiver(path: str) -> str:
    return f"http://127.0.0.1:{settings.ZMD_DEMO_RECEIVER_PORT}{path}"


def build_delivery_demo() -> dict[str, int]:
    if Channel.objects.exists():
        return {"channels": 0}
    with transaction.atomic():
        rules = DeliveryRules.current()
        rules.webhook_on = rules.sms_on = True
        rules.save()
        units = list(
            Unit.objects.filter(roles__kind__in=[RoleKind.STAFF, RoleKind.HEAD]).distinct().order_by("sort_order", "pk")
        )
        channels = [
            Channel(
                kind=ChannelKind.WEBHOOK, unit=unit, name=f"{unit.name}工作群", address=_receiver(f"/groups/{unit.pk}"),
                secret=DEMO_SECRET, enabled=True,
            )
            for unit in units
        ]  # fmt: skip
        channels.append(
            Channel(kind=ChannelKind.WEBHOOK, name="督查室工作群", address=_receiver("/groups/office"),
                    secret=DEMO_SECRET, enabled=True)
        )  # fmt: skip
        Channel.objects.bulk_create(channels)
        _leaders_choose_text_messages()
        last_day = InboxMessage.objects.aggregate(day=Max("day"))["day"]
        if last_day is None:
            return {"channels": len(channels)}
        earlier, broken = _history(last_day)
        if broken is not None:  # a wrong address, five failures in a row, then broken
            Channel.objects.filter(pk=broken.pk).update(
                address="http://127.0.0.1:9/groups/wrong", broken_at=clock.now() - dt.timedelta(hours=20),
                consecutive_failures=5, last_error=REFUSED,
            )  # fmt: skip
        waiting = route_messages(list(InboxMessage.objects.filter(day=last_day).values_list("pk", flat=True)))
        send_deliveries_later(waiting)  # the worker posts them to the receiver (the broken one's: skipped)
    return {"channels": len(channels), "sent": earlier, "waiting": len(waiting)}


def _leaders_choose_text_messages() -> None:
    for username, mobile in TEXTING_LEADERS.items():
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            continue
        if not user.mobile:
            User.objects.filter(pk=user.pk).update(mobile=mobile)
        PersonChannelPreference.objects.get_or_create(user=user, defaults={"sms": True})


def _history(last_day: dt.date) -> tuple[int, Channel | None]:
    """The day before the demo day's posts, as the worker left them: sent, except at one unit's group,
    whose wrong address failed (that channel is returned, to be marked broken)."""
    before = InboxMessage.objects.filter(day__lt=last_day).aggregate(day=Max("day"))["day"]
    if before is None:
        return 0, None
    ids = route_messages(list(InboxMessage.objects.filter(day=before).values_list("pk", flat=True)))
    rows = Delivery.objects.filter(pk__in=ids)
    first = rows.filter(channel__unit__isnull=False).order_by("-unit__sort_order", "-pk").first()
    broken = first.channel if first is not None else None
    rows.filter(channel=broken).update(status=DeliveryStatus.FAILED, attempts=5, last_error=REFUSED)
    sent = rows.exclude(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.SENT, attempts=1, sent_at=clock.now() - dt.timedelta(days=1)
    )
    return sent, broken
