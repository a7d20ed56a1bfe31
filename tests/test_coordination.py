"""现场协调快办: a unit asks, the leader schedules, the meeting's decisions (议定事项) are recorded with
owner, person and deadline, the owner reports, the office closes; the scan reminds and puts an
overdue decision under supervision once; the meeting pack lists the decisions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.choices import (
    CoordinationStatus,
    DecisionStatus,
    MessageKind,
    NoticeCause,
    NoticeKind,
    NoticeStatus,
)
from accountability.models import Coordination, DecisionItem, InboxMessage, Notice
from accountability.scan import run_scan
from accountability.selectors.meetings import meeting_pack
from accountability.services import coordination as service
from core.errors import RuleViolation
from core.permissions import can
from tasks.models import ResponsiblePerson
from tests.scenarios import D, at

MARCH = D(2018, 3, 5)


@pytest.fixture
def person_a(unit_a):
    return ResponsiblePerson.objects.create(unit=unit_a, name="张三", post="副县长")


@pytest.fixture
def person_b(unit_b):
    return ResponsiblePerson.objects.create(unit=unit_b, name="李四", post="副局长")


@pytest.fixture
def requested(alice, bob, unit_a, unit_b, leader, erin):
    with at(MARCH):
        return service.request_coordination(
            unit=unit_a, blocked="项目用地手续卡在规划调整", leader=leader, units=[unit_b], acting_user=alice
        )


@pytest.fixture
def scheduled(requested, dave, unit_b):
    with at(MARCH):
        return service.schedule_coordination(
            requested, meeting_at=_meeting(), place="市政府三楼会议室", units=[unit_b], acting_user=dave
        )


def _meeting():
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime(2018, 3, 8, 15, 0))


def _row(text, owner, person, deadline):
    return {"text": text, "owner": owner, "person": person, "deadline": deadline}


@pytest.fixture
def decided(scheduled, dave, unit_a, unit_b, person_a, person_b):
    with at(D(2018, 3, 8), 17):
        return service.record_decisions(
            scheduled,
            rows=[
                _row("规划局三日内完成规划调整", unit_b, person_b, D(2018, 3, 20)),
                _row("甲县完成征地补偿", unit_a, person_a, D(2018, 4, 30)),
            ],
            acting_user=dave,
        )


def test_a_unit_asks_and_the_leader_schedules_and_the_units_are_told(requested, scheduled, unit_b, bob, erin):
    assert requested.status == CoordinationStatus.REQUESTED
    assert InboxMessage.objects.filter(recipient=erin, kind=MessageKind.COORDINATION).exists()
    scheduled.refresh_from_db()
    assert scheduled.status == CoordinationStatus.SCHEDULED and scheduled.place == "市政府三楼会议室"
    assert list(scheduled.units.all()) == [unit_b]
    assert InboxMessage.objects.filter(recipient=bob, kind=MessageKind.COORDINATION).exists()


def test_a_request_without_what_is_blocked_or_a_leader_is_refused(alice, unit_a):
    with pytest.raises(RuleViolation) as error:
        service.request_coordination(unit=unit_a, blocked=" ", leader=None, acting_user=alice)
    assert set(error.value.error_dict) == {"blocked", "leader"}
    assert not Coordination.objects.exists()


def test_another_unit_cannot_ask_in_a_units_name(bob, unit_a, leader):
    with pytest.raises(RuleViolation, match="unit's own people"):
        service.request_coordination(unit=unit_a, blocked="x", leader=leader, acting_user=bob)


def test_only_the_leader_asked_or_the_office_schedules(requested, alice, erin):
    with pytest.raises(RuleViolation, match="schedules"):
        service.schedule_coordination(requested, meeting_at=_meeting(), place="x", units=[], acting_user=alice)
    with at(MARCH):
        service.schedule_coordination(requested, meeting_at=_meeting(), place="督查室", units=[], acting_user=erin)
    assert Coordination.objects.get().status == CoordinationStatus.SCHEDULED


def test_decisions_are_recorded_with_owner_person_and_deadline(decided, scheduled, unit_b, bob):
    scheduled.refresh_from_db()
    assert scheduled.status == CoordinationStatus.DECIDED
    assert [item.owner for item in decided] == [unit_b, decided[1].owner] and decided[1].deadline == D(2018, 4, 30)
    assert InboxMessage.objects.filter(recipient=bob, subject__contains="规划调整").exists()


def test_a_decision_without_owner_or_deadline_is_refused_naming_what_is_missing(scheduled, dave, unit_a, person_a):
    rows = [_row("完成征地", unit_a, person_a, D(2018, 4, 30)), _row("协调电力迁改", None, None, None)]
    with at(MARCH), pytest.raises(RuleViolation) as error:
        service.record_decisions(scheduled, rows=rows, acting_user=dave)
    [message] = error.value.messages
    assert "Decision 2" in message and "owner unit" in message and "deadline" in message
    assert not DecisionItem.objects.exists()  # all or nothing: the whole first row is not kept either


def test_the_missing_part_is_named_in_chinese(client, scheduled, dave, unit_a):
    client.force_login(dave)
    data = {"d0-text": "协调电力迁改", "d0-owner": unit_a.pk}
    response = client.post(reverse("coordination:record", args=[scheduled.pk]), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    text = response.content.decode()
    assert "第1项议定事项" in text and "责任人" in text and "完成时限" in text
    assert not DecisionItem.objects.exists()


def test_the_person_must_be_of_the_owner_unit(scheduled, dave, unit_a, person_b):
    with at(MARCH), pytest.raises(RuleViolation, match="not one of"):
        service.record_decisions(scheduled, rows=[_row("x", unit_a, person_b, D(2018, 4, 1))], acting_user=dave)


def test_the_owner_reports_progress_asks_to_close_and_the_office_closes(decided, bob, alice, erin):
    item = decided[0]
    with pytest.raises(RuleViolation, match="owner unit"):
        service.report_decision_progress(item, text="代报", acting_user=alice)
    upload = SimpleUploadedFile("批复.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with at(D(2018, 3, 12)):
        service.report_decision_progress(item, text="规划调整已上会", acting_user=bob)
        service.report_decision_progress(item, text="已批复", file=upload, asks_close=True, acting_user=bob)
    item.refresh_from_db()
    assert item.status == DecisionStatus.CLOSE_REQUESTED and item.progress.count() == 2
    assert item.progress.exclude(file="").get().original_name == "批复.pdf"
    with pytest.raises(RuleViolation, match="office"):
        service.close_decision(item, acting_user=bob)
    with pytest.raises(RuleViolation, match="Say why"):
        service.close_decision(item, close=False, acting_user=erin)
    with at(D(2018, 3, 13)):
        service.close_decision(item, acting_user=erin, note="核实已办结")
    item.refresh_from_db()
    assert item.status == DecisionStatus.CLOSED and item.closed_on == D(2018, 3, 13)
    with pytest.raises(RuleViolation):
        service.report_decision_progress(item, text="再报", acting_user=bob)


def test_the_office_sends_a_completion_request_back(decided, bob, erin):
    item = decided[0]
    with at(D(2018, 3, 12)):
        service.report_decision_progress(item, text="已完成", asks_close=True, acting_user=bob)
        service.close_decision(item, close=False, note="缺批复文件", acting_user=erin)
    item.refresh_from_db()
    assert item.status == DecisionStatus.OPEN and item.close_note == "缺批复文件"


def _decision_notices():
    return Notice.objects.filter(kind=NoticeKind.SUPERVISION, cause=NoticeCause.DECISION_OVERDUE)


def test_the_scan_reminds_before_the_deadline_once(decided, bob):
    with at(D(2018, 3, 17)):
        result = run_scan(D(2018, 3, 17))
    assert result.summary["decisions_reminded"] == 1
    with at(D(2018, 3, 18)):
        assert run_scan(D(2018, 3, 18)).summary["decisions_reminded"] == 0
    reminders = InboxMessage.objects.filter(recipient=bob, kind=MessageKind.COORDINATION, day__gte=D(2018, 3, 17))
    assert reminders.count() == 1 and "2018-03-20" in reminders.get().subject


def test_the_scan_puts_an_overdue_decision_under_supervision_once(decided, bob, erin, unit_b):
    with at(D(2018, 3, 21)):
        run_scan(D(2018, 3, 21))
    [notice] = _decision_notices()
    assert notice.unit == unit_b and notice.decision_item == decided[0] and notice.assignment is None
    assert "规划局三日内完成规划调整" in notice.body and notice.number
    # Its inbox message names the decision where a target notice names the target.
    message = InboxMessage.objects.get(notice=notice, recipient=bob)
    assert message.subject == f"{notice.number} {notice.title}：议定事项：规划局三日内完成规划调整"
    with at(D(2018, 3, 22)):
        run_scan(D(2018, 3, 22))
    assert _decision_notices().count() == 1
    # The unit answers the notice like any other; closing the decision ends the notice.
    client_page = notice.about
    assert "规划局" in client_page
    with at(D(2018, 3, 23)):
        service.close_decision(decided[0], acting_user=erin)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_the_overdue_notice_opens_for_the_unit_and_the_decision_shows_it(client, decided, bob):
    with at(D(2018, 3, 21)):
        run_scan(D(2018, 3, 21))
    notice = _decision_notices().get()
    client.force_login(bob)
    page = client.get(reverse("notices:detail", args=[notice.pk]))
    assert page.status_code == 200 and "规划局三日内完成规划调整" in page.content.decode()
    assert client.get(reverse("notices:download", args=[notice.pk])).status_code == 200
    item_page = client.get(reverse("coordination:decision", args=[decided[0].pk])).content.decode()
    assert notice.number in item_page
    register = client.get(reverse("notices:register")).content.decode()
    assert notice.number in register


def test_a_unit_answers_the_decision_notice_and_the_office_verifies(decided, bob, erin):
    from accountability import services as acc

    with at(D(2018, 3, 21)):
        run_scan(D(2018, 3, 21))
    notice = _decision_notices().get()
    with at(D(2018, 3, 22)):
        acc.answer_notice(notice, response="已完成规划调整", acting_user=bob)
        acc.verify_answer(notice, accepted=True, acting_user=erin)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_the_meeting_pack_lists_the_leaders_decisions_open_overdue_and_done(decided, leader, erin):
    with at(D(2018, 3, 13)):
        service.close_decision(decided[1], acting_user=erin)
    pack = meeting_pack(leader, D(2018, 3, 25))
    assert [(item.text, item.state_on) for item in pack.decisions] == [
        ("规划局三日内完成规划调整", "overdue"),
        ("甲县完成征地补偿", "done"),
    ]
    assert [item.state_on for item in meeting_pack(leader, D(2018, 3, 10)).decisions] == ["open", "open"]


def test_the_meeting_pack_page_shows_the_section(client, decided, dave):
    client.force_login(dave)
    with at(D(2018, 3, 25)):
        page = client.get(reverse("meeting-pack"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "规划局三日内完成规划调整" in page and "议定事项" in page


def test_units_see_what_they_asked_for_and_were_given_and_no_more(decided, requested, alice, bob, dave, erin, unit_b):
    from core.access import RoleKind
    from tests.factories import RoleFactory, UnitFactory, UserFactory

    stranger_unit = UnitFactory(name="丙区")
    stranger = RoleFactory(user=UserFactory(username="frank"), kind=RoleKind.STAFF, unit=stranger_unit).user
    for user in (alice, bob, dave, erin):
        assert Coordination.objects.for_user(user).count() == 1
    assert not Coordination.objects.for_user(stranger).exists()
    assert set(DecisionItem.objects.for_user(bob)) == {decided[0]}  # given to unit B
    assert set(DecisionItem.objects.for_user(alice)) == set(decided)  # asked for by unit A
    assert not DecisionItem.objects.for_user(stranger).exists()


def test_another_unit_gets_404(client, decided, requested, unit_b):
    from core.access import RoleKind
    from tests.factories import RoleFactory, UnitFactory, UserFactory

    stranger = RoleFactory(user=UserFactory(username="frank"), kind=RoleKind.STAFF, unit=UnitFactory(name="丙区")).user
    client.force_login(stranger)
    assert client.get(reverse("coordination:detail", args=[requested.pk])).status_code == 404
    assert client.get(reverse("coordination:decision", args=[decided[0].pk])).status_code == 404
    assert client.get(reverse("coordination:list")).status_code == 200


def test_the_pages_walk_through_request_schedule_record_report_close(
    client, alice, bob, dave, erin, unit_a, unit_b, leader, person_b
):
    client.force_login(alice)
    with at(MARCH):
        response = client.post(
            reverse("coordination:new"),
            {"unit": unit_a.pk, "blocked": "施工许可卡在环评", "leader": leader.pk, "units": [unit_b.pk]},
        )
    coordination = Coordination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "coordination:detail", args=[coordination.pk]
    )
    assert "申请协调" in client.get(reverse("coordination:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.force_login(dave)
    with at(MARCH):
        response = client.post(
            reverse("coordination:schedule", args=[coordination.pk]),
            {"day": "2018-03-08", "time": "15:00", "place": "项目现场", "units": [unit_b.pk]},
        )
        assert response.status_code == 302
        response = client.post(
            reverse("coordination:record", args=[coordination.pk]),
            {
                "d0-text": "环保局一周内出具环评意见",
                "d0-owner": unit_b.pk,
                "d0-person": person_b.pk,
                "d0-deadline": "2018-03-15",
            },
        )
    assert response.status_code == 302
    item = DecisionItem.objects.get()
    client.force_login(bob)
    with at(D(2018, 3, 14)):
        response = client.post(
            reverse("coordination:progress", args=[item.pk]), {"text": "已出具意见", "asks_close": "on"}
        )
    assert response.status_code == 302
    client.force_login(erin)
    with at(D(2018, 3, 15)):
        assert client.post(reverse("coordination:close", args=[item.pk]), {"note": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == DecisionStatus.CLOSED
    assert "已出具意见" in client.get(reverse("coordination:decision", args=[item.pk])).content.decode()


def test_a_leader_sees_requests_to_them_or_about_their_scope_and_no_others(alice, dave, unit_a, lead_assignment):
    from core.access import RoleKind
    from tests.factories import LeaderFactory, RoleFactory, UserFactory

    other_leader = LeaderFactory(post="副市长（分管教育）")
    other = RoleFactory(user=UserFactory(username="grace"), kind=RoleKind.LEADER, unit=None, leader=other_leader).user
    with at(MARCH):
        about_daves_target = service.request_coordination(
            unit=unit_a, blocked="需教育局配合", leader=other_leader, assignment=lead_assignment, acting_user=alice
        )
        to_dave = service.request_coordination(
            unit=unit_a, blocked="需工信委配合", leader=dave_leader(dave), acting_user=alice
        )
    assert set(Coordination.objects.for_user(dave)) == {about_daves_target, to_dave}
    assert set(Coordination.objects.for_user(other)) == {about_daves_target}
    assert not can(dave, "coordination.schedule", about_daves_target)  # seen, but not his to schedule


def dave_leader(dave):
    from tasks.models import Leader

    return Leader.objects.get(roles__user=dave)


def test_the_lists_take_the_same_queries_for_few_or_many_rows(client, decided, alice, dave, erin, unit_a, person_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(erin)

    def counts():
        with CaptureQueriesContext(connection) as lists:
            assert client.get(reverse("coordination:list")).status_code == 200
        with CaptureQueriesContext(connection) as items:
            assert client.get(reverse("coordination:decisions")).status_code == 200
        return len(lists.captured_queries), len(items.captured_queries)

    client.get(reverse("coordination:list"))
    few = counts()
    with at(D(2018, 3, 9)):
        for n in range(4):
            leader = dave_leader(dave)
            more = service.request_coordination(unit=unit_a, blocked=f"问题{n}", leader=leader, acting_user=alice)
            service.schedule_coordination(more, meeting_at=_meeting(), place="会议室", units=[], acting_user=dave)
            rows = [_row(f"事项{n}-{m}", unit_a, person_a, D(2018, 5, 1)) for m in range(3)]
            service.record_decisions(more, rows=rows, acting_user=dave)
    assert counts() == few


# --- 推进例会: a progress meeting records its own decisions -----------------------------------------


def test_the_office_holds_a_progress_meeting_and_records_two_decisions(
    client, erin, bob, leader, unit_a, unit_b, person_a, person_b
):
    client.force_login(erin)
    with at(MARCH):
        form_page = client.get(
            reverse("coordination:meeting_new"), {"leader": leader.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        assert form_page.status_code == 200 and "推进例会 2018年3月" in form_page.content.decode()
        response = client.post(
            reverse("coordination:meeting_new"),
            {
                "subject": "推进例会 2018年3月",
                "leader": leader.pk,
                "day": "2018-03-05",
                "time": "09:00",
                "place": "市政府二楼会议室",
                "units": [unit_a.pk, unit_b.pk],
            },
        )
    meeting = Coordination.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("coordination:detail", args=[meeting.pk])
    )
    assert meeting.unit is None and meeting.is_progress_meeting and meeting.status == CoordinationStatus.SCHEDULED
    assert meeting.blocked == "推进例会 2018年3月" and meeting.scheduled_by == erin
    assert set(meeting.units.all()) == {unit_a, unit_b}
    assert InboxMessage.objects.filter(recipient=bob, kind=MessageKind.COORDINATION).exists()
    detail = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "推进例会：推进例会 2018年3月" in detail and "记录议定事项" in detail
    with at(MARCH):
        response = client.post(
            reverse("coordination:record", args=[meeting.pk]),
            {
                "d0-text": "规划局月底前报送规划调整方案",
                "d0-owner": unit_b.pk,
                "d0-person": person_b.pk,
                "d0-deadline": "2018-03-30",
                "d1-text": "甲县完成拆迁扫尾",
                "d1-owner": unit_a.pk,
                "d1-person": person_a.pk,
                "d1-deadline": "2018-04-20",
            },
        )
    assert response.status_code == 302
    assert DecisionItem.objects.filter(coordination=meeting).count() == 2
    decisions = client.get(reverse("coordination:decisions")).content.decode()
    assert "规划局月底前报送规划调整方案" in decisions and "甲县完成拆迁扫尾" in decisions
    listing = client.get(reverse("coordination:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "推进例会" in listing and "记录例会议定事项" in listing
    with at(D(2018, 3, 25)):
        pack = client.get(
            reverse("meeting-pack"), {"leader": leader.pk, "day": "2018-03-25"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "规划局月底前报送规划调整方案" in pack and "甲县完成拆迁扫尾" in pack
    assert "记录例会议定事项" in pack and f"{reverse('coordination:meeting_new')}?leader={leader.pk}" in pack


def test_a_unit_cannot_open_the_progress_meeting_page(client, alice, leader):
    client.force_login(alice)
    assert client.get(reverse("coordination:meeting_new")).status_code == 403
    assert client.post(reverse("coordination:meeting_new"), {"subject": "例会", "leader": leader.pk}).status_code == 403
    assert "记录例会议定事项" not in client.get(reverse("coordination:list")).content.decode()
    assert not Coordination.objects.exists()


def test_a_leader_holds_for_their_own_post_only(dave, leader, erin):
    from tests.factories import LeaderFactory

    other = LeaderFactory(post="副市长（另一位）")
    assert can(dave, "coordination.hold_meeting", leader) and not can(dave, "coordination.hold_meeting", other)
    assert can(erin, "coordination.hold_meeting", other)
    with pytest.raises(RuleViolation):
        service.hold_progress_meeting(
            leader=other, subject="例会", meeting_at=_meeting(), place="", units=[], acting_user=dave
        )
    assert not Coordination.objects.exists()


def test_a_progress_meeting_without_subject_or_time_is_refused_in_chinese(client, erin, leader):
    client.force_login(erin)
    response = client.post(
        reverse("coordination:meeting_new"),
        {"subject": "", "leader": leader.pk, "day": "", "time": "", "place": "会议室"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "请填写推进例会的议题" in text and "请填写会议时间" in text
    assert not Coordination.objects.exists()
    with pytest.raises(RuleViolation) as error:
        service.hold_progress_meeting(leader=leader, subject="例会", meeting_at=None, place="", acting_user=erin)
    assert "meeting_at" in error.value.message_dict


def test_the_scan_treats_an_overdue_meeting_decision_like_any_other(erin, bob, leader, unit_b, person_b):
    with at(MARCH):
        meeting = service.hold_progress_meeting(
            leader=leader,
            subject="推进例会 2018年3月",
            meeting_at=_meeting(),
            place="",
            units=[unit_b],
            acting_user=erin,
        )
        [item] = service.record_decisions(
            meeting, rows=[_row("规划局报送方案", unit_b, person_b, D(2018, 3, 20))], acting_user=erin
        )
    with at(D(2018, 3, 21)):
        run_scan(D(2018, 3, 21))
    with at(D(2018, 3, 22)):
        run_scan(D(2018, 3, 22))
    [notice] = _decision_notices()
    assert notice.unit == unit_b and notice.decision_item == item
    assert "推进例会" in notice.body and "规划局报送方案" in notice.body
    assert "推进例会 2018年3月" in str(meeting)
