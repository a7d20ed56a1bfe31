"""The five lists on Celery: a real worker issues a task notice end to end (Redis in CI, the
filesystem transport on a bare laptop); a broker that cannot be reached loses nothing; emails go
out once however often their job runs."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from accountability import tasks
from accountability.choices import EmailStatus, NoticeKind
from accountability.models import InboxMessage, Notice
from accountability.services import delivery, issue_task_notices
from tasks import services as ledger
from tasks.choices import AssignmentRole
from tests.factories import TargetFactory, named
from tests.notice_helpers import D, at, scan
from zmd_targets.celery import app


@pytest.fixture
def broker_down(monkeypatch):
    """Our jobs are sent through a connection to a port where nothing listens (the app's own
    configuration is left alone, so other tests keep their broker)."""
    dead = app.connection_for_write("redis://127.0.0.1:1/0")
    for task in (tasks.issue_task_notices, tasks.run_supervision_scan):
        send = task.apply_async
        monkeypatch.setattr(
            task, "apply_async", lambda *args, _send=send, **kwargs: _send(*args, connection=dead, **kwargs)
        )
    yield
    dead.release()


def _issue_a_target(erin, unit_a, leader):
    target = TargetFactory(leader=leader, start_date=D(2018, 1, 1), deadline=D(2018, 12, 31))
    ledger.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    # The clock must tick: kombu gives up on an unreachable broker after a few seconds of it.
    with at(D(2018, 1, 2), 9, tick=True):
        [assignment] = ledger.issue_target(target, acting_user=erin)  # commits: the receiver enqueues
    return assignment


def test_a_worker_issues_the_task_notice_of_an_issued_assignment(erin, alice, unit_a, leader, worker):
    alice.email = "alice@example.gov.cn"
    alice.save()
    assignment = _issue_a_target(erin, unit_a, leader)
    assert worker.wait_for("accountability.issue_task_notices") == [1]
    notice = Notice.objects.get(assignment=assignment, kind=NoticeKind.TASK)
    assert notice.issued_by == erin and notice.number.startswith("驻督告〔")
    # The worker then mailed it to the unit's staff, once.
    assert worker.wait_for("accountability.send_message_emails") == [1]
    assert InboxMessage.objects.get(recipient=alice).email_status == EmailStatus.SENT
    assert [message.to for message in mail.outbox] == [["alice@example.gov.cn"]]
    assert notice.number in mail.outbox[0].subject


def test_when_the_broker_is_down_the_next_scan_issues_the_task_notice(
    transactional_db, erin, unit_a, leader, broker_down, monkeypatch
):
    attempts = []
    enqueue = tasks.enqueue
    monkeypatch.setattr(tasks, "enqueue", lambda *args: attempts.append(enqueue(*args)) or attempts[-1])
    assignment = _issue_a_target(erin, unit_a, leader)  # the job cannot be queued; issuing still succeeds
    assert attempts == [False]  # tried once, gave up, logged it
    assert not Notice.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == "issued"
    scan(D(2018, 1, 3))
    assert Notice.objects.filter(assignment=assignment, kind=NoticeKind.TASK).count() == 1
    scan(D(2018, 1, 3))
    assert Notice.objects.filter(assignment=assignment, kind=NoticeKind.TASK).count() == 1


def test_a_dead_broker_is_given_up_after_one_quick_retry(broker_down, monkeypatch):
    """Issuing must not hang on a dead broker: one connection attempt and one retry after a
    fifth of a second (kombu's default retries with back-off for broker_connection_timeout:
    six seconds per request, measured). Sleeps are recorded, not slept, so no clock is read."""
    import kombu
    from kombu.utils import functional

    attempts, sleeps = [], []
    factory = kombu.Connection._connection_factory
    monkeypatch.setattr(kombu.Connection, "_connection_factory", lambda conn: attempts.append(1) or factory(conn))
    monkeypatch.setattr(functional, "sleep", sleeps.append)
    assert tasks.enqueue(tasks.issue_task_notices, [1]) is False
    assert len(attempts) == 2
    assert sum(sleeps) <= 0.2


def test_the_office_button_says_so_when_the_queue_cannot_be_reached(client, erin, broker_down, transactional_db):
    client.force_login(erin)
    response = client.post("/notices/scan/", follow=True)
    assert "后台任务队列暂时无法连接" in response.content.decode()


@pytest.fixture
def pending_message(alice, erin, issued_target):
    alice.email = "alice@example.gov.cn"
    alice.save()
    with at(D(2018, 1, 2), 11):
        issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)
    return InboxMessage.objects.get(recipient=alice)


def test_an_email_job_run_twice_sends_once(pending_message):
    assert delivery.send_message_emails([pending_message.pk]) == 1
    assert delivery.send_message_emails([pending_message.pk]) == 0
    assert len(mail.outbox) == 1
    pending_message.refresh_from_db()
    assert pending_message.email_status == EmailStatus.SENT and pending_message.emailed_at


def test_a_mail_server_that_fails_releases_the_message_for_the_retry(pending_message, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("try later")

    monkeypatch.setattr(delivery, "send_mail", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected, match="try later"):
        delivery.send_message_emails([pending_message.pk])
    pending_message.refresh_from_db()
    assert (pending_message.email_status, pending_message.email_claimed_at) == (EmailStatus.PENDING, None)
    assert issubclass(smtplib.SMTPServerDisconnected, tasks.TRANSIENT_ERRORS)  # so Celery retries it
    monkeypatch.undo()
    assert delivery.send_message_emails([pending_message.pk]) == 1


def test_the_scan_runs_nightly_at_the_configured_time_in_shanghai(settings):
    entry = app.conf.beat_schedule["supervision-scan"]
    assert entry["task"] == "accountability.run_supervision_scan"
    assert entry["schedule"].hour == {settings.ZMD_SUPERVISION_SCAN_TIME.hour}
    assert entry["schedule"].minute == {settings.ZMD_SUPERVISION_SCAN_TIME.minute}
    assert app.conf.timezone == "Asia/Shanghai"
    assert app.conf.task_acks_late is True and app.conf.worker_prefetch_multiplier == 1


def test_the_scan_job_takes_a_day_and_returns_its_summary(lead_assignment):
    with at(D(2018, 3, 1), 2):
        summary = tasks.run_supervision_scan.apply(args=["2018-03-01"]).get()
    assert summary["task_notices_issued"] == 2
