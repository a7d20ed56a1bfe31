"""The life of a notice: issued, signed for, answered, verified, closed; who may see it; its history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.signals import post_init

from accountability import services
from accountability.choices import ClosedReason, EmailStatus, MessageKind, NoticeCause, NoticeKind, NoticeStatus
from accountability.models import InboxMessage, Notice
from accountability.receivers import send_close_out_notice, send_task_notices
from accountability.services.notice_texts import Wording
from accountability.services.notices import draft_notice
from core.access import Action, RoleKind
from core.errors import RuleViolation
from tasks import services as ledger
from tasks.choices import AssignmentStatus
from tasks.models import Assignment
from tests.factories import RoleFactory, UserFactory
from tests.notice_helpers import D, at, co_assignment, file_report
from tests.scenarios import approving_leader

__all__ = ["co_assignment"]


@pytest.fixture
def task_notices(erin, issued_target):
    with at(D(2018, 1, 2), 11):
        return services.issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)


@pytest.fixture
def supervision(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 3, 25), 20, problems="征地拆迁滞后")
    with at(D(2018, 3, 30)):
        return services.issue_supervision(
            lead_assignment, report=report, acting_user=erin, problem="征地拆迁滞后，影响项目开工。",
            required_action="4月30日前完成征地拆迁。", due_date=D(2018, 4, 30),
        )  # fmt: skip


def test_issuing_an_assignment_sends_its_task_notice_once(erin, issued_target, task_notices):
    assert [n.number for n in task_notices] == ["驻督告〔2018〕1号", "驻督告〔2018〕2号"]
    notice = task_notices[0]
    assert notice.title == "任务告知单" and notice.issued_by == erin and notice.due_date == D(2018, 1, 5)
    assert "倒排工期" in notice.body and notice.target.title in notice.body
    again = services.issue_task_notices(issued_target.assignments.values_list("pk", flat=True), acting_user=erin)
    assert again == [] and Notice.objects.count() == 2


def test_a_task_notice_is_issued_only_to_those_without_one_even_a_withdrawn_one(erin, issued_target, task_notices):
    """Those that have their task notice are found by their ids (not an anti-join): a withdrawn task
    notice still counts as the assignment's, a draft or an unknown id gets none, and ids may come as text."""
    first, second = task_notices
    Notice.all_notices.filter(pk=first.pk).update(status=NoticeStatus.WITHDRAWN)
    Notice.all_notices.filter(pk=second.pk).delete()
    ids = [str(pk) for pk in issued_target.assignments.values_list("pk", flat=True)] + ["999999"]
    with at(D(2018, 1, 3), 11):
        again = services.issue_task_notices(ids, acting_user=erin)
    assert [n.assignment_id for n in again] == [second.assignment_id]
    assert again[0].number == "驻督告〔2018〕3号"


def test_the_receiver_hands_the_task_notice_to_a_job(erin, issued_target, monkeypatch):
    queued = []
    monkeypatch.setattr("accountability.tasks.enqueue", lambda task, *args: queued.append((task.name, args)))
    ids = list(issued_target.assignments.values_list("pk", flat=True))
    send_task_notices(sender=Assignment, assignment_ids=ids, acting_user_id=erin.pk)
    send_close_out_notice(sender=Assignment, assignment_id=ids[0], acting_user_id=erin.pk)
    assert queued == [
        ("accountability.issue_task_notices", (ids, erin.pk)),
        ("accountability.issue_close_out_notices", ([ids[0]], erin.pk)),
    ]


def test_every_person_of_the_unit_finds_the_notice_in_their_inbox(alice, carol, bob, task_notices):
    notice = Notice.objects.get(unit__name="甲县")
    assert set(InboxMessage.objects.filter(notice=notice).values_list("recipient__username", flat=True)) == {
        "alice", "carol",
    }  # fmt: skip
    assert not InboxMessage.objects.filter(recipient=bob, notice=notice).exists()


def test_the_inbox_message_carries_number_title_target_body_and_action_once_per_person(
    erin, unit_a, lead_assignment, carol
):
    """Written by one INSERT … SELECT from the notice: its words, not a template's."""
    RoleFactory(user=carol, kind=RoleKind.STAFF, unit=unit_a)  # head and staff: still one message
    carol.email = "carol@example.org"
    carol.save(update_fields=["email"])
    gone = RoleFactory(user=UserFactory(username="gone", is_active=False), kind=RoleKind.STAFF, unit=unit_a).user
    with at(D(2018, 3, 30)):
        notice = services.issue_supervision(
            lead_assignment, acting_user=erin, problem="征地拆迁滞后。", required_action="4月30日前完成。",
            due_date=D(2018, 4, 30),
        )  # fmt: skip
    messages = InboxMessage.objects.filter(notice=notice, kind=MessageKind.NOTICE)
    assert sorted(messages.values_list("recipient__username", flat=True)) == ["carol"]
    assert not InboxMessage.objects.filter(recipient=gone).exists()
    message = messages.get()
    assert message.subject == f"{notice.number} {notice.title}：{lead_assignment.target.title}"[:200]
    assert message.body == f"{notice.body}\n{notice.required_action}" and "4月30日前完成" in message.body
    assert message.day == D(2018, 3, 30) and message.email_status == EmailStatus.PENDING


def test_signing_a_task_notice_signs_for_the_assignment_and_closes_the_notice(alice, lead_assignment, task_notices):
    notice = Notice.objects.get(assignment=lead_assignment)
    with at(D(2018, 1, 3)):
        services.sign_for_notice(notice, acting_user=alice)
    notice.refresh_from_db()
    lead_assignment.refresh_from_db()
    assert (notice.status, notice.closed_reason, notice.signed_by) == (
        NoticeStatus.CLOSED, ClosedReason.SIGNED_FOR, alice,
    )  # fmt: skip
    assert lead_assignment.status == AssignmentStatus.SIGNED
    with pytest.raises(RuleViolation, match="already been signed"):
        services.sign_for_notice(notice, acting_user=alice)
    assert list(
        notice.history.order_by("history_id").values_list("history_user__username", "history_change_reason")
    ) == [
        ("erin", "Task notice issued"),
        ("alice", "Signed for"),
    ]


def test_supervision_puts_the_assignment_under_rectification_until_the_answer_is_verified(
    erin, alice, lead_assignment, supervision
):
    lead_assignment.refresh_from_db()
    assert supervision.number == "驻督查〔2018〕1号" and supervision.cause == NoticeCause.PROBLEM
    assert lead_assignment.status == AssignmentStatus.RECTIFYING
    with at(D(2018, 4, 2)), pytest.raises(RuleViolation, match="Write the answer before sending it") as error:
        services.answer_notice(supervision, acting_user=alice, response="   ")
    assert "Write the answer" in str(error.value)
    with at(D(2018, 4, 20)):
        services.answer_notice(supervision, acting_user=alice, response="已完成征地拆迁。")
    with at(D(2018, 4, 21)), pytest.raises(RuleViolation, match="Say why"):
        services.verify_answer(supervision, acting_user=erin, accepted=False)
    with at(D(2018, 4, 21)):
        services.verify_answer(supervision, acting_user=erin, accepted=False, note="缺少现场照片。")
    supervision.refresh_from_db()
    assert supervision.status == NoticeStatus.SIGNED and supervision.verification_note == "缺少现场照片。"
    with at(D(2018, 4, 25)):
        services.answer_notice(supervision, acting_user=alice, response="已补充现场照片。")
        services.verify_answer(supervision, acting_user=erin, accepted=True, note="整改到位。")
    supervision.refresh_from_db()
    lead_assignment.refresh_from_db()
    assert (supervision.status, supervision.closed_reason) == (NoticeStatus.CLOSED, ClosedReason.VERIFIED)
    assert lead_assignment.status == AssignmentStatus.IN_PROGRESS


def test_a_reports_problem_is_supervised_once(erin, lead_assignment, supervision):
    with at(D(2018, 3, 31)), pytest.raises(RuleViolation, match="already issued"):
        services.issue_supervision(
            lead_assignment, report=supervision.report, acting_user=erin, problem="再次", required_action="x",
            due_date=D(2018, 5, 1),
        )  # fmt: skip
    assert Notice.objects.filter(kind=NoticeKind.SUPERVISION).count() == 1


def test_a_supervision_notice_needs_a_problem_an_action_and_a_future_date(erin, lead_assignment):
    with at(D(2018, 3, 30)), pytest.raises(RuleViolation, match="Describe the problem to be rectified") as error:
        services.issue_supervision(
            lead_assignment, acting_user=erin, problem="", required_action="", due_date=D(2018, 3, 1)
        )
    assert set(error.value.message_dict) == {"problem", "required_action", "due_date"}
    assert not Notice.objects.exists()
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == AssignmentStatus.ISSUED


def test_a_task_notice_takes_no_answer(alice, lead_assignment, task_notices):
    with pytest.raises(RuleViolation, match="only needs to be signed"):
        services.answer_notice(Notice.objects.get(assignment=lead_assignment), acting_user=alice, response="收到")


def test_closing_out_by_hand_issues_the_close_out_notice_once(
    erin, alice, lead_assignment, django_capture_on_commit_callbacks
):
    Assignment.objects.filter(pk=lead_assignment.pk).update(progress_percent=100, status=AssignmentStatus.IN_PROGRESS)
    lead_assignment.refresh_from_db()
    ledger.claim_completion(lead_assignment, acting_user=alice)
    with at(D(2018, 6, 1)), django_capture_on_commit_callbacks() as callbacks:
        notice = services.verify_and_close_out(lead_assignment, acting_user=erin, note="经核验已完成")
    assert notice.number == "驻督销〔2018〕1号" and "经核验已完成" in notice.body
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == AssignmentStatus.CLOSED
    assert callbacks  # the ledger announced the close-out; the job it starts finds the notice there
    assert services.issue_close_out_notices([lead_assignment.pk], acting_user=erin) == []
    with pytest.raises(RuleViolation, match="Only a claimed completion"):
        services.verify_and_close_out(lead_assignment, acting_user=erin)


def test_a_close_out_made_in_the_ledger_gets_its_notice_from_the_job(erin, alice, lead_assignment):
    Assignment.objects.filter(pk=lead_assignment.pk).update(progress_percent=100, status=AssignmentStatus.IN_PROGRESS)
    lead_assignment.refresh_from_db()
    ledger.claim_completion(lead_assignment, acting_user=alice)
    ledger.verify_completion(lead_assignment, acting_user=erin)
    ledger.close_out(lead_assignment, acting_user=erin)
    [notice] = services.issue_close_out_notices([lead_assignment.pk], acting_user=erin)
    assert notice.kind == NoticeKind.CLOSE_OUT and notice.issued_by == erin


def test_an_exposure_put_forward_by_hand_waits_for_approval(erin, alice, dave, lead_assignment):
    with pytest.raises(RuleViolation, match="Say what the unit failed to do"):
        services.propose_exposure(lead_assignment, acting_user=erin, reason=" ")
    with at(D(2018, 6, 1)):
        candidate = services.propose_exposure(lead_assignment, acting_user=erin, reason="多次督办仍未落实。")
    assert candidate.status == NoticeStatus.PROPOSED and candidate.number == ""
    assert InboxMessage.objects.filter(recipient=erin, kind=MessageKind.APPROVAL).count() == 1
    assert Notice.objects.for_user(dave).filter(pk=candidate.pk).exists()  # a leader approves it
    assert not Notice.objects.for_user(alice).filter(pk=candidate.pk).exists()
    with at(D(2018, 6, 2)):
        services.dismiss_exposure(candidate, acting_user=erin, reason="已整改。")
    candidate.refresh_from_db()
    assert candidate.status == NoticeStatus.DISMISSED and not candidate.is_published
    with pytest.raises(RuleViolation, match="awaiting approval"):
        services.approve_exposure(candidate, acting_user=approving_leader())


def test_a_unit_sees_only_its_own_notices(alice, bob, carol, dave, erin, task_notices):
    assert list(Notice.objects.for_user(alice).values_list("unit__name", flat=True)) == ["甲县"]
    assert list(Notice.objects.for_user(bob).values_list("unit__name", flat=True)) == ["乙局"]
    assert Notice.objects.for_user(carol).count() == 1
    assert Notice.objects.for_user(dave).count() == 2 and Notice.objects.for_user(erin).count() == 2
    assert Notice.objects.for_user(carol, Action.REPORT).count() == 0  # the head reads, staff sign
    assert Notice.objects.for_user(dave, Action.MANAGE).count() == 0
    assert Notice.objects.for_user(UserFactory(username="outsider")).count() == 0


def test_the_body_is_written_in_chinese_whatever_language_the_issuer_uses(erin, issued_target, task_notices):
    # The test suite runs in English (conftest); the document still speaks the site's language.
    assert task_notices[0].title == "任务告知单"
    assert "签收" in task_notices[0].required_action
    assert dt.date(2018, 1, 5).strftime("%Y") in task_notices[0].required_action


def test_a_draft_is_the_notice_django_would_build_and_says_so_to_who_listens(erin, lead_assignment):
    def draft():
        return draft_notice(
            NoticeKind.TASK, lead_assignment, cause=NoticeCause.ASSIGNMENT_ISSUED, wording=Wording("告知", "正文", ""),
            due_date=D(2018, 1, 9), acting_user=erin,
        )  # fmt: skip

    notice = draft()
    built = Notice(**{field.attname: getattr(notice, field.attname) for field in Notice._meta.concrete_fields})
    assert notice._state.adding and notice._state.db is None and notice.pk is None
    assert [getattr(notice, f.attname) for f in Notice._meta.concrete_fields] == [
        getattr(built, f.attname) for f in Notice._meta.concrete_fields
    ]
    assert notice.assignment is lead_assignment and notice.unit_id == lead_assignment.unit_id
    assert notice.status == NoticeStatus.ISSUED and notice.body == "正文" and notice.issued_by == erin
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    post_init.connect(listener, sender=Notice)
    try:
        listened = draft()
    finally:
        post_init.disconnect(listener, sender=Notice)
    assert heard == [listened] and listened.body == "正文" and listened.assignment is lead_assignment
