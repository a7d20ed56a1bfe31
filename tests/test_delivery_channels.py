"""Work groups and text messages (docs/DELIVERY.md): each channel's request, against a local HTTP
receiver; routing by the office's rules; one send per delivery however often its job runs; a worker
that died mid-send; failures retried, a channel marked broken and the office told; the inbox keeps
every message whatever the channels do."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from urllib.parse import parse_qs, quote_plus, urlparse

import pytest

from accountability import services as accountability
from accountability.choices import ChannelKind, DeliveryStatus, MessageKind, NoticeKind
from accountability.models import Channel, Delivery, DeliveryRules, InboxMessage, Notice, PersonChannelPreference
from accountability.services import channel_adapters as adapters
from accountability.services import channels
from core import clock
from core.errors import RuleViolation
from tasks.choices import WarningLevel
from tests.notice_helpers import D, at, file_report, issue_single, scan
from tests.receiver_helpers import closed_port_url, running_receiver, url_of

OUT = adapters.Outgoing(
    key="group:1:notice:7:notice", subject="驻督告〔2018〕7号 任务通知", body="请按期完成。", link="http://x/7",
    unit="甲县", kind="notice",
)  # fmt: skip


@pytest.fixture
def receiver():
    with running_receiver() as server:
        yield server


def _posts(server) -> list[dict]:
    return [json.loads(post["body"]) for post in server.received]


def _rules(**switches) -> DeliveryRules:
    rules = DeliveryRules.current()
    for name, value in switches.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def _unit_hook(unit, server, **fields) -> Channel:
    return Channel.objects.create(
        kind=ChannelKind.WEBHOOK, unit=unit, name=f"{unit.name}工作群", address=url_of(server, "/hook"), enabled=True,
        **fields,
    )  # fmt: skip


def _task_notice_messages(lead_assignment, erin) -> list[int]:
    with at(D(2018, 1, 2)):
        [notice] = accountability.issue_task_notices([lead_assignment.pk], acting_user=erin)
    return list(InboxMessage.objects.filter(notice=notice).values_list("pk", flat=True))


# --- Each channel's request ----------------------------------------------------------------------


def test_a_wecom_robot_gets_markdown_at_its_key_under_the_configured_base_address(receiver, settings):
    settings.ZMD_WECOM_BASE_URL = url_of(receiver, "").rstrip("/")
    adapters.post_wecom(Channel(kind=ChannelKind.WECOM, address="robot-key-1"), OUT)
    [post] = receiver.received
    assert post["path"] == "/cgi-bin/webhook/send?key=robot-key-1"
    payload = json.loads(post["body"])
    assert payload["msgtype"] == "markdown"
    assert payload["markdown"]["content"].startswith("**驻督告〔2018〕7号 任务通知**\n> 甲县\n请按期完成。")
    assert post["headers"]["x-zmd-idempotency-key"] == OUT.key


def test_a_dingtalk_robot_gets_the_timestamp_and_signature_dingtalk_documents(receiver, settings):
    settings.ZMD_DINGTALK_BASE_URL = url_of(receiver, "").rstrip("/")
    channel = Channel(kind=ChannelKind.DINGTALK, address="token-9", secret="SEC-abc")
    adapters.post_dingtalk(channel, OUT, timestamp_ms=1538265600000)
    [post] = receiver.received
    expected = base64.b64encode(hmac.new(b"SEC-abc", b"1538265600000\nSEC-abc", hashlib.sha256).digest()).decode()
    path = urlparse(post["path"])
    assert path.path == "/robot/send"
    assert f"sign={quote_plus(expected)}" in path.query  # urlencoded, as DingTalk asks
    query = parse_qs(path.query)
    assert (query["access_token"], query["timestamp"], query["sign"]) == (["token-9"], ["1538265600000"], [expected])
    assert json.loads(post["body"])["markdown"]["title"] == OUT.subject


def test_a_webhook_is_signed_over_its_timestamp_and_body(receiver):
    adapters.post_webhook(Channel(kind=ChannelKind.WEBHOOK, address=url_of(receiver, "/in"), secret="s3"), OUT)
    [post] = receiver.received
    stamp = post["headers"]["x-zmd-timestamp"]
    expected = "sha256=" + hmac.new(b"s3", stamp.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
    assert post["headers"]["x-zmd-signature"] == expected
    assert json.loads(post["body"]) == {
        "idempotency_key": OUT.key, "kind": "notice", "unit": "甲县", "subject": OUT.subject, "body": OUT.body,
        "link": OUT.link,
    }  # fmt: skip


def test_a_robot_that_answers_an_errcode_did_not_take_the_message(receiver, settings):
    settings.ZMD_WECOM_BASE_URL = url_of(receiver, "").rstrip("/")
    receiver.answer = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    with pytest.raises(adapters.ChannelError, match="93000"):
        adapters.post_wecom(Channel(kind=ChannelKind.WECOM, address="wrong"), OUT)


def test_the_console_sms_backend_prints_the_text(capsys, settings):
    settings.ZMD_SMS_BACKEND = "console"
    adapters.send_sms("13900000001", OUT)
    assert "[SMS] to 13900000001" in capsys.readouterr().out


# --- Routing and sending once --------------------------------------------------------------------


def test_nothing_leaves_while_the_office_has_every_channel_off(receiver, erin, alice, carol, unit_a, lead_assignment):
    _unit_hook(unit_a, receiver)
    ids = _task_notice_messages(lead_assignment, erin)
    assert len(ids) == 2  # alice and carol
    assert channels.route_messages(ids) == []
    assert not Delivery.objects.exists()


def test_a_units_group_gets_one_post_per_notice_and_a_second_run_sends_nothing(
    receiver, erin, alice, carol, unit_a, lead_assignment
):
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    ids = _task_notice_messages(lead_assignment, erin)
    pending = channels.route_messages(ids)
    assert len(pending) == 1  # two inbox entries, one post to the unit's group
    assert channels.send_deliveries(pending) == 1
    assert channels.route_messages(ids) == []  # the key is taken and the row is sent
    assert channels.send_deliveries(pending) == 0
    [post] = _posts(receiver)
    assert post["unit"] == "甲县" and post["subject"].startswith("驻督告〔2018〕")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.key) == (
        DeliveryStatus.SENT, 1, f"group:{delivery.channel_id}:notice:{delivery.notice_id}:notice",
    )  # fmt: skip


def test_a_claim_still_held_is_left_alone_and_an_expired_one_is_sent_exactly_once(
    receiver, erin, alice, unit_a, lead_assignment, settings
):
    """The worker was killed after claiming, before posting: nothing reached the group yet."""
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    pending = channels.route_messages(_task_notice_messages(lead_assignment, erin))
    Delivery.objects.filter(pk__in=pending).update(status=DeliveryStatus.SENDING, claimed_at=clock.now(), attempts=1)
    assert channels.send_deliveries(pending) == 0  # another worker may still be on it
    assert channels.resend_stale_deliveries() == 0
    claimed = clock.now() - dt.timedelta(seconds=settings.ZMD_DELIVERY_CLAIM_SECONDS + 1)
    Delivery.objects.filter(pk__in=pending).update(claimed_at=claimed)
    assert channels.resend_stale_deliveries() == 1
    assert channels.send_deliveries(pending) == 1
    assert channels.send_deliveries(pending) == 0
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_worker_that_died_after_the_post_sends_it_again_with_the_same_key_for_the_receiver_to_drop(
    receiver, erin, alice, unit_a, lead_assignment, settings
):
    """The one case where a channel sees a message twice: said honestly in DELIVERY.md."""
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    pending = channels.route_messages(_task_notice_messages(lead_assignment, erin))
    channels.send_deliveries(pending)
    # Rewind the row to what a worker killed between the post and its bookkeeping leaves behind.
    claimed = clock.now() - dt.timedelta(seconds=settings.ZMD_DELIVERY_CLAIM_SECONDS + 1)
    Delivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=claimed, sent_at=None)
    channels.send_deliveries(pending)
    first, second = receiver.received
    assert first["key"] == second["key"]
    assert (first["duplicate"], second["duplicate"]) == (False, True)  # the receiver drops the copy
    assert Delivery.objects.get().attempts == 2


# --- Failing channels ----------------------------------------------------------------------------


def test_a_failing_channel_is_retried_then_marked_broken_and_the_office_told_once(erin, alice, unit_a, lead_assignment):
    _rules(webhook_on=True, failures_before_broken=3)
    channel = Channel.objects.create(
        kind=ChannelKind.WEBHOOK, unit=unit_a, name="甲县工作群", address=closed_port_url(), enabled=True
    )
    ids = _task_notice_messages(lead_assignment, erin)
    pending = channels.route_messages(ids)
    for attempt in (1, 2):
        with pytest.raises(channels.DeliveryFailed):
            channels.send_deliveries(pending)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, attempt)
        assert delivery.last_error
    channels.send_deliveries(pending)  # the third failure in a row breaks the channel: no retry
    channel.refresh_from_db()
    assert channel.is_broken and channel.consecutive_failures == 3
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    told = InboxMessage.objects.filter(recipient=erin, kind=MessageKind.CHANNEL)
    assert told.count() == 1 and "甲县工作群" in told.get().subject
    # A broken channel receives nothing: the next delivery is skipped, and the office is not told again.
    test = channels.send_test_message(channel, acting_user=erin)
    channels.send_deliveries([test.pk])
    test.refresh_from_db()
    assert test.status == DeliveryStatus.SKIPPED and "故障" in test.last_error  # 通道已标记为故障
    assert told.count() == 1
    # The inbox kept the notice for every person, whatever the channel did.
    assert InboxMessage.objects.filter(pk__in=ids, recipient=alice).exists()
    # 恢复通道: the office restores it and it receives again.
    assert channels.restore_channel(channel, acting_user=erin)
    channel.refresh_from_db()
    assert not channel.is_broken and channel.consecutive_failures == 0


def test_a_channel_the_office_turned_off_after_routing_is_skipped(receiver, erin, alice, unit_a, lead_assignment):
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    pending = channels.route_messages(_task_notice_messages(lead_assignment, erin))
    _rules(webhook_on=False)
    channels.send_deliveries(pending)
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED
    assert receiver.received == []


# --- What goes where -----------------------------------------------------------------------------


def test_a_red_warning_goes_to_the_units_group_and_the_responsible_persons_phone(
    receiver, erin, alice, leader, unit_a, capsys
):
    _rules(webhook_on=True, sms_on=True)
    _unit_hook(unit_a, receiver)
    short = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(short, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))
    red = Notice.objects.get(kind=NoticeKind.WARNING)
    assert red.level == WarningLevel.RED
    ids = list(InboxMessage.objects.filter(notice=red).values_list("pk", flat=True))
    channels.send_deliveries(channels.route_messages(ids))
    kinds = dict(Delivery.objects.filter(notice=red).values_list("channel_kind", "status"))
    assert kinds == {ChannelKind.WEBHOOK: DeliveryStatus.SENT, ChannelKind.SMS: DeliveryStatus.SENT}
    assert Delivery.objects.get(channel_kind=ChannelKind.SMS).phone == short.person.mobile
    assert f"[SMS] to {short.person.mobile}" in capsys.readouterr().out


def test_a_yellow_warning_is_not_texted_when_the_office_texts_reds_only(erin, alice, unit_a, lead_assignment):
    _rules(sms_on=True)
    ids = _task_notice_messages(lead_assignment, erin)
    Notice.objects.update(kind=NoticeKind.WARNING, level=WarningLevel.YELLOW)
    assert channels.route_messages(ids) == []


def test_a_person_who_chose_text_messages_gets_an_instruction_by_sms(erin, alice, carol, unit_a):
    _rules(sms_on=True)
    alice.mobile = "13800000001"
    alice.save()
    channels.save_preference(alice, sms=True, acting_user=alice)
    messages = accountability.delivery.deliver_plain(
        {alice.pk: "", carol.pk: ""}, kind=MessageKind.INSTRUCTION, subject="批示", body="请抓紧"
    )
    pending = channels.route_messages([message.pk for message in messages])
    assert list(Delivery.objects.filter(pk__in=pending).values_list("phone", flat=True)) == ["13800000001"]


def test_choosing_text_messages_needs_a_mobile_and_is_ones_own_choice(alice, bob):
    with pytest.raises(RuleViolation, match="mobile"):
        channels.save_preference(alice, sms=True, acting_user=alice)
    bob.mobile = "13800000002"
    bob.save()
    with pytest.raises(RuleViolation, match="themselves"):
        channels.save_preference(bob, sms=True, acting_user=alice)
    assert not PersonChannelPreference.objects.exists()


def test_a_scan_posts_each_units_notices_once_to_the_receiver(receiver, erin, alice, bob, unit_a, unit_b, leader):
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    _unit_hook(unit_b, receiver)
    one = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    two = issue_single(unit_b, erin, leader, deadline=D(2018, 3, 31))
    with at(D(2018, 1, 2)):
        accountability.issue_task_notices([one.pk, two.pk], acting_user=erin)
    scan(D(2018, 3, 1))  # both far behind: warnings to both units
    notices = Notice.objects.all()
    ids = list(InboxMessage.objects.values_list("pk", flat=True))
    for _run in range(2):  # the job twice, as a retry or a second worker would
        channels.send_deliveries(channels.route_messages(ids))
    posted = sorted((post["unit"], post["subject"]) for post in _posts(receiver))
    expected = sorted((notice.unit.name, notice_subject) for notice, notice_subject in _subjects(notices))
    assert posted == expected
    assert not any(post["duplicate"] for post in receiver.received)


def _subjects(notices):
    for notice in notices:
        subject = InboxMessage.objects.filter(notice=notice, kind=MessageKind.NOTICE).values_list("subject", flat=True)
        yield notice, subject.first()


def test_an_instruction_reaches_the_addressed_units_group_once(
    receiver, erin, alice, carol, dave, unit_a, issued_target
):
    """The issue said instructions notify nobody: they reach the unit's inbox and now its work group."""
    _rules(webhook_on=True)
    _unit_hook(unit_a, receiver)
    with at(D(2018, 6, 26)):
        instruction = accountability.issue_instruction(
            target=issued_target, text="抓紧推进。", due_date=D(2018, 7, 10), units=[unit_a], acting_user=dave
        )
    ids = list(InboxMessage.objects.filter(kind=MessageKind.INSTRUCTION).values_list("pk", flat=True))
    assert set(InboxMessage.objects.filter(pk__in=ids).values_list("recipient__username", flat=True)) == {
        "alice", "carol",
    }  # fmt: skip
    channels.send_deliveries(channels.route_messages(ids))
    [post] = _posts(receiver)
    assert post["kind"] == MessageKind.INSTRUCTION and post["unit"] == "甲县"
    assert "抓紧推进。" in post["body"] and instruction.target.title in post["subject"]


@pytest.mark.parametrize("webhook_on, expected", [(False, []), (True, ["accountability.deliver_to_channels"])])
def test_the_channels_job_is_queued_after_commit_only_while_a_channel_kind_is_on(
    erin, alice, lead_assignment, monkeypatch, django_capture_on_commit_callbacks, webhook_on, expected
):
    from accountability import tasks

    _rules(webhook_on=webhook_on)
    queued = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, *args: queued.append(task.name))
    with django_capture_on_commit_callbacks(execute=True):
        _task_notice_messages(lead_assignment, erin)  # alice has no email address: no email job
    assert queued == expected
