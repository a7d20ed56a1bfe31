"""The delivery pages: the office's log, channels and rules; the profile's 消息接收方式 and 本单位工作群."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.choices import ChannelKind, DeliveryStatus, MessageKind
from accountability.models import Channel, Delivery, DeliveryRules, PersonChannelPreference
from core import clock


def _delivery(n: int, **fields) -> Delivery:
    defaults = {
        "key": f"sms:1390000{n:04d}:message:{n}", "channel_kind": ChannelKind.SMS, "phone": f"1390000{n:04d}",
        "message_kind": MessageKind.NOTICE, "subject": f"通知{n}", "created_at": clock.now(),
    }  # fmt: skip
    return Delivery.objects.create(**(defaults | fields))


def test_the_office_reads_the_delivery_log_and_filters_it_by_state(client, erin):
    _delivery(1, status=DeliveryStatus.SENT)
    _delivery(2, status=DeliveryStatus.FAILED, last_error="HTTP 500 Internal Server Error", attempts=5)
    client.force_login(erin)
    page = client.get(reverse("deliveries:log"), {"status": "failed"}).content.decode()
    assert "通知2" in page and "HTTP 500 Internal Server Error" in page
    assert "通知1" not in page


def test_the_delivery_log_costs_the_same_queries_for_two_rows_or_twenty(client, erin):
    client.force_login(erin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("deliveries:log")).status_code == 200
        return len(captured)

    _delivery(1)
    _delivery(2)
    few = queries()
    for n in range(3, 21):
        _delivery(n)
    assert queries() == few


def test_units_are_refused_the_office_pages(client, alice):
    client.force_login(alice)
    for name in ("deliveries:log", "deliveries:channels", "deliveries:rules", "deliveries:channel_new"):
        assert client.get(reverse(name)).status_code == 403


def test_the_office_adds_a_channel_and_turns_its_kind_on(client, erin, unit_a):
    client.force_login(erin)
    response = client.post(
        reverse("deliveries:channel_new"),
        {"kind": "dingtalk", "unit": unit_a.pk, "name": "甲县钉钉群", "address": "tok", "secret": "SEC",
         "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    channel = Channel.objects.get()
    assert (channel.kind, channel.unit, channel.enabled, channel.secret) == ("dingtalk", unit_a, True, "SEC")
    assert not DeliveryRules.current().dingtalk_on  # off until the office turns the kind on
    form = {
        "dingtalk_on": "on", "group_kinds": ["notice", "instruction"], "group_warning_min_level": "2",
        "responsible_sms_min_level": "3", "sms_kinds": ["instruction"], "failures_before_broken": "4",
    }  # fmt: skip
    assert client.post(reverse("deliveries:rules"), form).status_code == 302
    rules = DeliveryRules.current()
    assert rules.dingtalk_on and not rules.wecom_on
    assert (rules.group_kinds, rules.group_warning_min_level, rules.failures_before_broken) == (
        ["notice", "instruction"], 2, 4,
    )  # fmt: skip
    assert "甲县钉钉群" in client.get(reverse("deliveries:channels")).content.decode()


def test_a_webhook_without_a_url_is_refused_with_a_message(client, erin):
    client.force_login(erin)
    response = client.post(reverse("deliveries:channel_new"), {"kind": "webhook", "name": "督查室", "address": "x"})
    assert response.status_code == 200
    assert not Channel.objects.exists()


def test_the_office_restores_a_broken_channel(client, erin, unit_a):
    channel = Channel.objects.create(
        kind="wecom", unit=unit_a, name="甲县群", address="k", enabled=True, broken_at=clock.now(),
        consecutive_failures=5,
    )  # fmt: skip
    client.force_login(erin)
    restore = reverse("deliveries:channel_restore", args=[channel.pk])
    assert f'action="{restore}"' in client.get(reverse("deliveries:channels")).content.decode()  # 恢复通道
    client.post(restore)
    channel.refresh_from_db()
    assert (channel.broken_at, channel.consecutive_failures) == (None, 0)


def test_the_office_has_no_unit_work_group_section_on_its_profile(client, erin):
    client.force_login(erin)
    page = client.get(reverse("profile")).content.decode()
    assert 'id="message-channels"' in page and 'id="unit-channel"' not in page


def test_a_unit_sets_its_own_work_group_on_the_profile_page(client, alice, bob, unit_a):
    client.force_login(alice)
    assert 'id="unit-channel"' in client.get(reverse("profile")).content.decode()  # 本单位工作群
    form = {"kind": "wecom", "name": "甲县工作群", "address": "robot-key", "enabled": "on"}
    assert client.post(reverse("deliveries:unit_channel", args=[unit_a.pk]), form).status_code == 302
    channel = Channel.objects.get()
    assert (channel.unit, channel.kind, channel.address) == (unit_a, "wecom", "robot-key")
    client.force_login(bob)  # another unit's staff
    assert client.post(reverse("deliveries:unit_channel", args=[unit_a.pk]), form | {"address": "x"}).status_code == 404
    channel.refresh_from_db()
    assert channel.address == "robot-key"


@pytest.mark.parametrize("mobile, saved", [("13800000001", True), ("", False)])
def test_a_person_chooses_text_messages_only_with_a_mobile(client, alice, mobile, saved):
    alice.mobile = mobile
    alice.save()
    client.force_login(alice)
    assert 'id="message-channels"' in client.get(reverse("profile")).content.decode()  # 消息接收方式
    response = client.post(reverse("deliveries:preference"), {"sms": "on"}, follow=True)
    assert PersonChannelPreference.objects.filter(user=alice, sms=True).exists() is saved
    told = [message.level_tag for message in response.context["messages"]]
    assert told == (["success"] if saved else ["error"])  # without a mobile: told to enter one first
