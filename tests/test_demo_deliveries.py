"""The demo's work groups: every unit's channel points at the local receiver, and the log shows each state."""

import pytest

from accountability.choices import ChannelKind, DeliveryStatus, MessageKind
from accountability.demo_deliveries import build_delivery_demo
from accountability.models import Channel, Delivery, DeliveryRules
from core.access import RoleKind
from tasks.demo import DEMO_DATE
from tasks.models import Unit


@pytest.mark.django_db
def test_each_demo_unit_posts_to_the_local_receiver_and_the_log_shows_every_state(demo, settings):
    units = set(Unit.objects.filter(roles__kind__in=[RoleKind.STAFF, RoleKind.HEAD]).values_list("pk", flat=True))
    channels = Channel.objects.filter(unit__isnull=False)
    assert set(channels.values_list("unit_id", flat=True)) == units
    receiver = f"http://127.0.0.1:{settings.ZMD_DEMO_RECEIVER_PORT}/groups/"
    working = channels.filter(broken_at__isnull=True)
    assert all(address.startswith(receiver) for address in working.values_list("address", flat=True))
    assert set(channels.values_list("kind", flat=True)) == {ChannelKind.WEBHOOK}
    assert channels.filter(broken_at__isnull=False).count() == 1
    rules = DeliveryRules.current()
    assert rules.webhook_on and rules.sms_on and not rules.wecom_on
    states = set(Delivery.objects.values_list("status", flat=True))
    assert {DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.PENDING} <= states
    # One post per notice and group: no key twice, and no group got two rows for one notice.
    assert Delivery.objects.count() == Delivery.objects.values("key").distinct().count()
    # The mayor chose text messages: the demo day's digest waits for the worker to text it.
    digests = Delivery.objects.filter(message__kind=MessageKind.LEADER_DIGEST, message__recipient__username="mayor")
    today = digests.get(message__day=DEMO_DATE)
    assert (today.channel_kind, today.status) == (ChannelKind.SMS, DeliveryStatus.PENDING)
    assert set(digests.exclude(pk=today.pk).values_list("status", flat=True)) == {DeliveryStatus.SENT}  # the day before
    count = Delivery.objects.count()
    assert build_delivery_demo() == {"channels": 0}  # a second load changes nothing
    assert Delivery.objects.count() == count
