"""批示 that must be answered: addressed units only see them, get them in their inbox, answer them
(with files, late answers marked late); overdue ones give the scan a reason to warn; the list filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accountability.choices import MessageKind, NoticeCause, NoticeKind
from accountability.models import AnswerState, InboxMessage, Instruction, Notice, SupervisionRules, answer_state
from accountability.scan import run_scan
from accountability.services.instructions import answer_instruction, issue_instruction, unit_states
from core.errors import RuleViolation
from tests.factories import RoleFactory, UnitFactory, UserFactory
from tests.scenarios import D, at, issued

pytestmark = pytest.mark.django_db


def pdf(name="落实情况.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def target(erin, unit_a, unit_b, leader):
    return issued(erin, unit_a, [unit_b], leader=leader, code="T-PS")


WRITTEN, DUE = D(2018, 6, 5), D(2018, 6, 10)


def instruct(dave, target, units, *, day=WRITTEN, due=DUE, text="请甲县查找原因、倒排工期。"):
    with at(day):
        return issue_instruction(target=target, text=text, due_date=due, units=units, acting_user=dave)


def test_the_one_state_rule():
    due = D(2018, 6, 10)
    assert answer_state(due, None, D(2018, 6, 10)) == AnswerState.WAITING
    assert answer_state(due, None, D(2018, 6, 11)) == AnswerState.OVERDUE
    assert answer_state(due, D(2018, 6, 10), D(2018, 6, 20)) == AnswerState.ANSWERED
    assert answer_state(due, D(2018, 6, 11), D(2018, 6, 20)) == AnswerState.ANSWERED_LATE


def test_only_the_addressed_unit_sees_it_and_its_people_get_it_in_the_inbox(
    dave, alice, bob, carol, erin, target, unit_a
):
    instruction = instruct(dave, target, [unit_a])
    assert set(Instruction.objects.for_user(alice)) == {instruction}
    assert set(Instruction.objects.for_user(carol)) == {instruction}
    assert not Instruction.objects.for_user(bob).exists()
    assert set(Instruction.objects.for_user(erin)) == {instruction}
    assert set(Instruction.objects.for_user(dave)) == {instruction}
    told = set(InboxMessage.objects.filter(kind=MessageKind.INSTRUCTION).values_list("recipient__username", flat=True))
    assert told == {"alice", "carol"}  # unit A's staff and head; not unit B, not the office
    message = InboxMessage.objects.get(recipient=alice)
    assert "2018年6月10日" in message.body and f"/instructions/{instruction.pk}/" in message.body


def test_the_office_is_told_when_addressed(dave, erin, target, unit_a):
    with at(D(2018, 6, 5)):
        issue_instruction(
            target=target, text="督查室跟踪督办。", due_date=D(2018, 6, 10), units=[unit_a], to_office=True,
            acting_user=dave,
        )  # fmt: skip
    assert InboxMessage.objects.filter(recipient=erin, kind=MessageKind.INSTRUCTION).count() == 1


def test_another_units_home_does_not_show_it(client, dave, alice, bob, target, unit_a):
    """The mayor's note about one county must not appear on another unit's home page."""
    instruct(dave, target, [unit_a], text="甲县要专题研究、限期整改。")
    with at(D(2018, 6, 6)):
        client.force_login(bob)
        other = client.get(reverse("home")).content.decode()
        workspace = client.get(reverse("unit_workspace")).content.decode()
        client.force_login(alice)
        own = client.get(reverse("home")).content.decode()
    assert "甲县要专题研究" in own
    assert "甲县要专题研究" not in other
    assert "甲县要专题研究" not in workspace


def test_a_leader_writes_it_only(alice, target, unit_a):
    with at(D(2018, 6, 5)), pytest.raises(RuleViolation):
        issue_instruction(target=target, text="x", due_date=D(2018, 6, 10), units=[unit_a], acting_user=alice)


def test_bad_input_is_refused_with_messages(dave, target):
    with at(D(2018, 6, 5)), pytest.raises(RuleViolation) as refused:
        issue_instruction(target=target, text=" ", due_date=D(2018, 6, 1), units=[], acting_user=dave)
    assert set(refused.value.message_dict) == {"text", "units", "due_date"}
    assert not Instruction.objects.exists()


def test_answer_with_a_file_on_the_page_and_states(
    client, dave, alice, bob, target, unit_a, unit_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    instruction = instruct(dave, target, [unit_a, unit_b])
    url = reverse("instructions:answer", args=[instruction.pk])
    with at(D(2018, 6, 8)):
        client.force_login(alice)
        page = client.get(reverse("instructions:detail", args=[instruction.pk])).content.decode()
        assert f'action="{url}"' in page
        response = client.post(url, {"unit": unit_a.pk, "text": "已召开专题会，制定整改方案。", "files": [pdf()]})
    assert response.status_code == 302
    answer = instruction.answers.get()
    assert answer.unit == unit_a and answer.files.get().original_name == "落实情况.pdf"
    with at(D(2018, 6, 8)):
        download = client.get(reverse("instructions:file", args=[answer.files.get().pk]))
        assert download.status_code == 200
        client.force_login(bob)  # unit B is addressed too, but unit A's answer is not its to read
        assert client.get(reverse("instructions:file", args=[answer.files.get().pk])).status_code == 404
        assert "制定整改方案" not in client.get(reverse("instructions:detail", args=[instruction.pk])).content.decode()
    with at(D(2018, 6, 12)):
        answer_instruction(instruction, unit=unit_b, text="已落实。", acting_user=bob)
    states = {unit.pk: state for unit, state, _answer in unit_states(instruction, D(2018, 6, 12))}
    assert states == {unit_a.pk: AnswerState.ANSWERED, unit_b.pk: AnswerState.ANSWERED_LATE}


def test_an_empty_answer_keeps_nothing_and_says_why(client, dave, alice, target, unit_a):
    instruction = instruct(dave, target, [unit_a])
    with at(D(2018, 6, 8)):
        client.force_login(alice)
        response = client.post(reverse("instructions:answer", args=[instruction.pk]), {"unit": unit_a.pk, "text": ""})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    assert not instruction.answers.exists()


def test_only_an_addressed_unit_answers_and_only_once(dave, alice, bob, target, unit_a, unit_b):
    instruction = instruct(dave, target, [unit_a])
    with at(D(2018, 6, 8)):
        with pytest.raises(RuleViolation):
            answer_instruction(instruction, unit=unit_b, text="我们也做了。", acting_user=bob)
        with pytest.raises(RuleViolation):
            answer_instruction(instruction, unit=unit_b, text="代答。", acting_user=alice)
        answer_instruction(instruction, unit=unit_a, text="已落实。", acting_user=alice)
        with pytest.raises(RuleViolation):
            answer_instruction(instruction, unit=unit_a, text="再答一次。", acting_user=alice)
    assert instruction.answers.count() == 1


def test_the_list_filters_by_state_unit_leader_and_overdue(client, dave, alice, erin, target, unit_a, unit_b):
    answered = instruct(dave, target, [unit_a], text="已答复的批示")
    overdue = instruct(dave, target, [unit_b], text="逾期未答复的批示")
    waiting = instruct(dave, target, [unit_a], due=D(2018, 7, 31), text="尚未到期的批示")
    with at(D(2018, 6, 8)):
        answer_instruction(answered, unit=unit_a, text="已落实。", acting_user=alice)

    def listed(user, **query):
        client.force_login(user)
        with at(D(2018, 6, 20)):
            page = client.get(reverse("instructions:list"), query).content.decode()
        return {item.text for item in (answered, overdue, waiting) if item.text in page}

    assert listed(erin) == {"已答复的批示", "逾期未答复的批示", "尚未到期的批示"}
    assert listed(erin, overdue="on") == {"逾期未答复的批示"}
    assert listed(erin, state="answered") == {"已答复的批示"}
    assert listed(erin, state="waiting") == {"尚未到期的批示"}
    assert listed(erin, unit=unit_b.pk) == {"逾期未答复的批示"}
    assert listed(erin, leader=dave.roles.get().leader_id) == {"已答复的批示", "逾期未答复的批示", "尚未到期的批示"}
    assert listed(alice) == {"已答复的批示", "尚未到期的批示"}  # unit A never sees unit B's


def test_a_leaders_form_from_the_target_page(client, dave, target, unit_a):
    client.force_login(dave)
    with at(D(2018, 6, 5)):
        detail = client.get(reverse("target_detail", args=[target.pk])).content.decode()
        new_url = reverse("instructions:new") + f"?target={target.pk}"
        assert new_url in detail
        response = client.post(new_url, {"text": "抓紧推进。", "units": [unit_a.pk], "due_date": "2018-06-12"})
    assert response.status_code == 302
    assert Instruction.objects.get().units.get() == unit_a


def test_a_unit_cannot_open_the_leaders_form(client, alice, target):
    client.force_login(alice)
    assert client.get(reverse("instructions:new") + f"?target={target.pk}").status_code == 403


@pytest.mark.parametrize("toggle", [True, False])
def test_an_overdue_instruction_is_a_reason_the_scan_warns(dave, alice, target, unit_a, unit_b, toggle):
    rules = SupervisionRules.current()
    rules.yellow_lag_points, rules.red_lag_points = Decimal(90), Decimal(99)
    rules.missing_report_warns = False
    rules.warn_on_overdue_instruction = toggle
    rules.save()
    instruct(dave, target, [unit_a])
    with at(D(2018, 6, 12), 8):
        run_scan(D(2018, 6, 12))
    warnings = Notice.objects.filter(kind=NoticeKind.WARNING)
    if toggle:
        warning = warnings.get()
        assert warning.unit == unit_a and warning.cause == NoticeCause.INSTRUCTION_OVERDUE
        assert "2018" in warning.body and "批示" in warning.body
    else:
        assert not warnings.exists()


def test_an_answered_instruction_gives_no_reason(dave, alice, target, unit_a):
    rules = SupervisionRules.current()
    rules.yellow_lag_points, rules.red_lag_points = Decimal(90), Decimal(99)
    rules.missing_report_warns = False
    rules.save()
    instruction = instruct(dave, target, [unit_a])
    with at(D(2018, 6, 11)):
        answer_instruction(instruction, unit=unit_a, text="已落实。", acting_user=alice)
    with at(D(2018, 6, 12), 8):
        run_scan(D(2018, 6, 12))
    assert not Notice.objects.filter(kind=NoticeKind.WARNING).exists()


def test_a_person_of_no_unit_opens_nothing(client, db):
    nobody = UserFactory(username="nobody")
    client.force_login(nobody)
    assert client.get(reverse("instructions:list")).status_code == 403


def test_a_third_units_staff_sees_none(dave, target, unit_a):
    other = UnitFactory(name="丙区")
    clerk = RoleFactory(user=UserFactory(username="clerk_c"), kind="staff", unit=other).user
    instruct(dave, target, [unit_a])
    assert not Instruction.objects.for_user(clerk).exists()


def test_the_leader_sees_each_state_in_the_list(client, dave, alice, target, unit_a, unit_b):
    instruction = instruct(dave, target, [unit_a, unit_b], text="两单位都要答复")
    with at(D(2018, 6, 8)):
        answer_instruction(instruction, unit=unit_a, text="已落实。", acting_user=alice)
    client.force_login(dave)
    with at(D(2018, 6, 20)):
        page = client.get(reverse("instructions:list")).content.decode()
    assert "已答复 1" in page and "逾期未答复</span> 1" in page


def test_the_leader_hears_each_answer_and_whether_it_was_late(dave, alice, bob, target, unit_a, unit_b):
    instruction = instruct(dave, target, [unit_a, unit_b])
    with at(D(2018, 6, 9)):
        answer_instruction(instruction, unit=unit_a, text="已倒排工期。", acting_user=alice)
    with at(D(2018, 6, 12)):
        answer_instruction(instruction, unit=unit_b, text="已补报材料。", acting_user=bob)
    heard = InboxMessage.objects.filter(recipient=dave, kind=MessageKind.INSTRUCTION).order_by("pk")
    assert [(m.subject.split("答复")[0], "逾期" in m.body) for m in heard] == [("甲县", False), ("乙局", True)]
    assert f"/instructions/{instruction.pk}/" in heard[0].body and "已倒排工期。" in heard[0].body


def test_a_secretary_writes_in_the_leaders_name_and_the_record_names_both(dave, erin, target, unit_a, client):
    from core.access import forget_access
    from tasks.services.delegation import delegate

    secretary = UserFactory(username="secretary")
    delegate(leader_user=dave, secretary=secretary, acting_user=erin)
    forget_access(secretary)
    with translation.override("zh-hans"):  # as a page does: the record is in the site's language
        instruction = instruct(secretary, target, [unit_a])
    assert (instruction.author, instruction.written_by) == (dave, secretary)
    label = f"秘书 {secretary} 代 {dave}"
    assert label in instruction.history.latest().history_change_reason
    client.force_login(dave)
    assert label in client.get(reverse("instructions:detail", args=[instruction.pk])).content.decode()
    assert label in client.get(reverse("instructions:list")).content.decode()
