import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import RuleViolation
from tasks import services
from tasks.choices import (
    AssignmentRole,
    AssignmentStatus,
    FollowUpKind,
    FollowUpTopic,
    MeasureKind,
    ReportStatus,
    ShareRule,
    TargetType,
)
from tasks.models import Assignment, Evidence, ProgressReport
from tests.factories import TargetFactory, named

D = dt.date


def _at(day: dt.date, hour: int = 10):
    # 02:00 UTC is 10:00 in Shanghai, the same calendar day.
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False)


def _file(name="照片.jpg", content=b"\xff\xd8\xff\xe0 jpeg data", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _filed(assignment, user, percent=40, day=None):
    with _at(day or D(2018, 6, 25)):
        report = services.save_report(assignment, acting_user=user, progress_percent=percent, work_done="完成前期手续")
        return services.submit_report(report, acting_user=user)


def test_a_submitted_report_moves_the_assignment_into_progress(alice, lead_assignment):
    report = _filed(lead_assignment, alice)
    assert report.status == ReportStatus.SUBMITTED
    assert report.period == "2018-06" and report.due_date == D(2018, 6, 28)
    assert not report.is_late
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == AssignmentStatus.IN_PROGRESS


def test_a_report_filed_after_the_28th_is_late(alice, lead_assignment):
    report = _filed(lead_assignment, alice, day=D(2018, 6, 29))
    assert report.is_late


def test_progress_over_100_percent_is_refused_and_nothing_is_stored(alice, lead_assignment):
    with _at(D(2018, 6, 25)), pytest.raises(RuleViolation, match="Progress must be between 0 and 100 percent") as error:
        services.save_report(lead_assignment, acting_user=alice, progress_percent=150, work_done="x")
    assert "between 0 and 100" in str(error.value)
    assert not ProgressReport.objects.exists()


def test_a_report_for_a_closed_assignment_is_refused(alice, lead_assignment):
    Assignment.objects.filter(pk=lead_assignment.pk).update(status=AssignmentStatus.CLOSED)
    lead_assignment.refresh_from_db()
    with _at(D(2018, 6, 25)), pytest.raises(RuleViolation, match="No report can be filed while the assignment is"):
        services.save_report(lead_assignment, acting_user=alice, progress_percent=50, work_done="x")


def test_a_report_for_a_future_period_is_refused(alice, lead_assignment):
    with _at(D(2018, 6, 25)), pytest.raises(RuleViolation, match="not begun"):
        services.save_report(
            lead_assignment, acting_user=alice, period_key="2018-08", progress_percent=5, work_done="x"
        )


def test_a_report_needs_the_work_done_before_it_is_submitted(alice, lead_assignment):
    with _at(D(2018, 6, 25)):
        report = services.save_report(lead_assignment, acting_user=alice, progress_percent=10, work_done="  ")
        with pytest.raises(RuleViolation, match="Describe the work done before submitting"):
            services.submit_report(report, acting_user=alice)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_submitted_report_cannot_be_edited(alice, lead_assignment):
    _filed(lead_assignment, alice)
    with _at(D(2018, 6, 26)), pytest.raises(RuleViolation, match="already been submitted"):
        services.save_report(lead_assignment, acting_user=alice, progress_percent=90, work_done="改数")
    assert ProgressReport.objects.get().progress_percent == 40


def test_returned_then_refiled_then_accepted_updates_the_assignment(alice, erin, lead_assignment):
    report = _filed(lead_assignment, alice)
    with _at(D(2018, 6, 26)):
        with pytest.raises(RuleViolation, match="Say why"):
            services.return_report(report, acting_user=erin, reason="")
        services.return_report(report, acting_user=erin, reason="缺少佐证材料")
    assert report.status == ReportStatus.RETURNED
    with _at(D(2018, 6, 27)):
        report = services.save_report(lead_assignment, acting_user=alice, progress_percent=45, work_done="已补充")
        services.submit_report(report, acting_user=alice)
        services.accept_report(report, acting_user=erin)
    lead_assignment.refresh_from_db()
    assert (lead_assignment.progress_percent, lead_assignment.last_report_period) == (45, "2018-06")
    statuses = list(report.history.order_by("history_id").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "returned", "submitted", "accepted"]


def test_accepting_an_older_period_does_not_overwrite_newer_progress(alice, erin, lead_assignment):
    may = _filed(lead_assignment, alice, percent=30, day=D(2018, 5, 20))
    june = _filed(lead_assignment, alice, percent=45, day=D(2018, 6, 20))
    services.accept_report(june, acting_user=erin)
    services.accept_report(may, acting_user=erin)
    lead_assignment.refresh_from_db()
    assert lead_assignment.progress_percent == 45


def test_a_unit_with_head_approval_sends_reports_to_the_head_first(alice, carol, erin, lead_assignment):
    lead_assignment.unit.requires_head_approval = True
    lead_assignment.unit.save()
    report = _filed(lead_assignment, alice)
    assert report.status == ReportStatus.PENDING_APPROVAL
    with pytest.raises(RuleViolation, match="Only a submitted report"):
        services.accept_report(report, acting_user=erin)
    services.approve_report(report, acting_user=carol)
    assert (report.status, report.approved_by) == (ReportStatus.SUBMITTED, carol)


def test_an_indicator_report_turns_the_value_into_a_percent_of_the_unit_goal(alice, erin, unit_a):
    target = TargetFactory(
        target_type=TargetType.INDICATOR, measure_unit="亿元", target_value=Decimal(400), share_rule=ShareRule.SUM
    )
    assignment = services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin, share=Decimal(400)
    )
    with time_machine.travel(dt.datetime(2018, 3, 1, 9, tzinfo=dt.UTC), tick=False):  # before the deadline
        services.issue_target(target, acting_user=erin)
    assignment.refresh_from_db()
    with _at(D(2018, 6, 25)):
        with pytest.raises(RuleViolation, match="actual value in 亿元"):
            services.save_report(assignment, acting_user=alice, progress_percent=50, work_done="x")
        report = services.save_report(assignment, acting_user=alice, actual_value=Decimal(300), work_done="x")
    assert (report.progress_percent, report.actual_value) == (Decimal("75.0"), Decimal(300))


def test_a_rate_indicator_report_is_judged_against_the_goal(alice, erin, unit_a):
    target = TargetFactory(
        target_type=TargetType.INDICATOR, measure_unit="%", target_value=Decimal("8.5"),
        baseline=Decimal("7.9"), measure_kind=MeasureKind.LEVEL, share_rule=ShareRule.EACH,
    )  # fmt: skip
    assignment = services.add_assignment(
        target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin
    )
    with time_machine.travel(dt.datetime(2018, 3, 1, 9, tzinfo=dt.UTC), tick=False):  # before the deadline
        services.issue_target(target, acting_user=erin)
    assignment.refresh_from_db()
    with _at(D(2018, 6, 25)):
        report = services.save_report(assignment, acting_user=alice, actual_value=Decimal("8.1"), work_done="x")
    assert report.progress_percent == Decimal("95.3")


def test_evidence_of_an_allowed_type_is_stored_under_a_random_name(alice, lead_assignment):
    with _at(D(2018, 6, 25)):
        report = services.save_report(lead_assignment, acting_user=alice, progress_percent=10, work_done="x")
        evidence = services.add_evidence(report, uploaded_file=_file(), acting_user=alice)
    assert evidence.original_name == "照片.jpg"
    assert "照片" not in evidence.file.name and evidence.file.name.endswith(".jpg")
    assert evidence.file.storage.exists(evidence.file.name)


@pytest.mark.parametrize(
    "upload, message",
    [
        (_file("病毒.exe", b"MZ\x90\x00"), "not accepted"),
        (_file("说明.pdf", b"#!/bin/sh\nrm -rf /"), "Programs and scripts"),
        (_file("空.pdf", b""), "empty"),
    ],
)
def test_bad_evidence_is_refused_with_a_reason(alice, lead_assignment, upload, message):
    with _at(D(2018, 6, 25)):
        report = services.save_report(lead_assignment, acting_user=alice, progress_percent=10, work_done="x")
        with pytest.raises(RuleViolation, match=message):
            services.add_evidence(report, uploaded_file=upload, acting_user=alice)
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_refused(settings, alice, lead_assignment):
    settings.ZMD_EVIDENCE_MAX_MB = 1
    with _at(D(2018, 6, 25)):
        report = services.save_report(lead_assignment, acting_user=alice, progress_percent=10, work_done="x")
        with pytest.raises(RuleViolation, match="larger than 1 MB"):
            services.add_evidence(
                report, uploaded_file=_file("大.pdf", b"%PDF" + b"0" * 1024 * 1024), acting_user=alice
            )


def test_follow_ups_answer_a_report_of_the_same_target(alice, erin, dave, lead_assignment):
    report = _filed(lead_assignment, alice)
    services.add_follow_up(
        target=lead_assignment.target, report=report, kind=FollowUpKind.OFFICE,
        topic=FollowUpTopic.PROBLEM, text="已协调解决", acting_user=erin,
    )  # fmt: skip
    instruction = services.add_follow_up(
        target=lead_assignment.target, kind=FollowUpKind.LEADER, text="抓紧推进", acting_user=dave
    )
    assert instruction.history.get().history_user == dave
    other = TargetFactory()
    with pytest.raises(RuleViolation, match="does not belong"):
        services.add_follow_up(target=other, report=report, kind=FollowUpKind.OFFICE, text="x", acting_user=erin)
    with pytest.raises(RuleViolation, match="must name the report"):
        services.add_follow_up(
            target=other, kind=FollowUpKind.OFFICE, topic=FollowUpTopic.PROBLEM, text="x", acting_user=erin
        )
