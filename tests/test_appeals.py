"""Appeals (申诉): the unit files, the office upholds or reverses; the original entry is never edited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accountability import services as acc
from accountability.choices import AppealStatus, RuleCode
from accountability.models import Appeal, ScoreEntry
from core.errors import RuleViolation
from tests.scenarios import D, at, file_report, issued, link, points, score


@pytest.fixture
def late_entry(erin, alice, unit_a):
    target = issued(erin, unit_a)
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    return ScoreEntry.objects.get(rule__code=RuleCode.REPORT_LATE)


AUGUST_2 = D(2018, 8, 2)


def _file(entry, alice, day=AUGUST_2, **kwargs):
    with at(day):
        return acc.file_appeal(entry, reason="系统故障，已电话报备", acting_user=alice, **kwargs)


def test_a_reversal_is_a_new_entry_dated_when_decided_and_the_original_stays(late_entry, alice, erin):
    before = ScoreEntry.objects.values().get(pk=late_entry.pk)
    appeal = _file(late_entry, alice)
    with at(D(2018, 8, 6)):
        acc.decide_appeal(appeal, reverse=True, note="经核实属实", acting_user=erin)
    reversal = ScoreEntry.objects.get(rule__code=RuleCode.REVERSAL)
    assert (reversal.amount, reversal.occurred_on, reversal.reverses) == (points(0.1), D(2018, 8, 6), late_entry)
    assert reversal.unit == late_entry.unit and late_entry.reason in reversal.reason
    assert ScoreEntry.objects.values().get(pk=late_entry.pk) == before
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    assert [(h.status, h.history_user.username) for h in appeal.history.order_by("history_date")] == [
        (AppealStatus.PENDING, "alice"),
        (AppealStatus.REVERSED, "erin"),
    ]


def test_an_upheld_appeal_adds_no_entry(late_entry, alice, erin):
    appeal = _file(late_entry, alice)
    with at(D(2018, 8, 6)):
        acc.decide_appeal(appeal, reverse=False, note="逾期属实", acting_user=erin)
    assert not ScoreEntry.objects.filter(rule__code=RuleCode.REVERSAL).exists()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD and appeal.decision_note == "逾期属实"


def test_an_entry_is_appealed_once_and_decided_once(late_entry, alice, erin):
    appeal = _file(late_entry, alice)
    with pytest.raises(RuleViolation, match="appealed once"):
        _file(late_entry, alice)
    with at(D(2018, 8, 6)):
        acc.decide_appeal(appeal, reverse=True, note="属实", acting_user=erin)
        with pytest.raises(RuleViolation, match="already been decided"):
            acc.decide_appeal(appeal, reverse=True, note="再次", acting_user=erin)
    assert ScoreEntry.objects.filter(rule__code=RuleCode.REVERSAL).count() == 1


def test_a_reversal_cannot_be_appealed(late_entry, alice, erin):
    appeal = _file(late_entry, alice)
    with at(D(2018, 8, 6)):
        acc.decide_appeal(appeal, reverse=True, note="属实", acting_user=erin)
    with pytest.raises(RuleViolation, match="reversal cannot be appealed"):
        _file(ScoreEntry.objects.get(rule__code=RuleCode.REVERSAL), alice)


def test_an_appeal_needs_a_reason_and_a_decision_needs_one_too(late_entry, alice, erin):
    with at(D(2018, 8, 2)), pytest.raises(RuleViolation, match="Say why the entry is wrong"):
        acc.file_appeal(late_entry, reason="  ", acting_user=alice)
    assert not Appeal.objects.exists()
    appeal = _file(late_entry, alice)
    with at(D(2018, 8, 6)), pytest.raises(RuleViolation, match="Give the reason for the decision"):
        acc.decide_appeal(appeal, reverse=True, note="", acting_user=erin)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING


def test_evidence_is_checked_like_report_evidence(late_entry, alice):
    program = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(RuleViolation, match="Programs and scripts"):
        _file(late_entry, alice, evidence=program)
    assert not Appeal.objects.exists()
    photo = SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n data", content_type="image/png")
    appeal = _file(late_entry, alice, evidence=photo)
    assert appeal.evidence_name == "截图.png" and appeal.evidence.name.startswith("appeals/")
