"""Responsibility letters: content, signing, and the change-request rule once signed."""

import datetime as dt

import pytest
import time_machine

from accountability import services
from accountability.choices import ChangeRequestStatus
from accountability.models import ResponsibilityLetter
from core.errors import RuleViolation
from tasks import services as ledger

TODAY = dt.datetime(2018, 4, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def signed_letter(letter, erin, carol):
    with time_machine.travel(TODAY, tick=False):
        services.sign_for_unit(letter, signatory="甲县县长", acting_user=carol)
        services.sign_for_city(letter, signatory="市长", acting_user=erin)
    letter.refresh_from_db()
    return letter


def test_the_office_prepares_one_letter_per_unit_with_assignments_and_twice_adds_nothing(issued_target, erin):
    with time_machine.travel(TODAY, tick=False):
        assert len(services.prepare_letters(2018, acting_user=erin)) == 2
        assert services.prepare_letters(2018, acting_user=erin) == []
    assert ResponsibilityLetter.objects.filter(year=2018).count() == 2


def test_the_letter_lists_every_assignment_with_its_goal_plan_and_deadline(letter, issued_target):
    lines = services.letter_content(services.letter_assignments(letter.unit, letter.year))
    assert [line["title"] for line in lines] == [issued_target.title]
    assert lines[0]["deadline"] == "2018-12-31"
    assert lines[0]["role"] == "Lead unit"
    assert len(lines[0]["milestones"]) == 12
    assert lines[0]["milestones"][-1]["planned_percent"] == "100"


def test_signing_records_who_and_when_and_freezes_the_content(signed_letter, carol, erin):
    assert signed_letter.is_signed
    assert (signed_letter.unit_signatory, signed_letter.unit_signed_on) == ("甲县县长", dt.date(2018, 4, 20))
    assert signed_letter.city_signatory == "市长"
    assert signed_letter.signed_content[0]["deadline"] == "2018-12-31"
    users = [h.history_user for h in signed_letter.history.order_by("history_date")]
    assert users[-2:] == [carol, erin]


def test_only_the_units_head_or_the_office_signs_for_the_unit(letter, alice, bob):
    for person in (alice, bob):
        with pytest.raises(RuleViolation, match="Only the unit head or the supervision office records"):
            services.sign_for_unit(letter, signatory="某人", acting_user=person)
    letter.refresh_from_db()
    assert letter.unit_signed_on is None


def test_only_the_office_signs_for_the_city(letter, carol, dave):
    for person in (carol, dave):
        with pytest.raises(RuleViolation, match="Only the supervision office may do this"):
            services.sign_for_city(letter, signatory="市长", acting_user=person)


def test_before_signing_an_assignment_changes_directly(letter, lead_assignment, erin):
    ledger.update_assignment(lead_assignment, acting_user=erin, deadline=dt.date(2018, 11, 30))
    lead_assignment.refresh_from_db()
    assert lead_assignment.deadline == dt.date(2018, 11, 30)


def test_after_signing_a_direct_change_is_refused_and_nothing_changes(signed_letter, lead_assignment, erin):
    with pytest.raises(RuleViolation, match="change request"):
        ledger.update_assignment(lead_assignment, acting_user=erin, deadline=dt.date(2018, 11, 30))
    lead_assignment.refresh_from_db()
    assert lead_assignment.deadline == dt.date(2018, 12, 31)


def test_an_approved_change_request_applies_the_change_and_revises_the_letter(
    signed_letter, lead_assignment, alice, erin
):
    request = services.request_letter_change(
        lead_assignment, changes={"deadline": "2018-11-30"}, reason="提前完成", acting_user=alice
    )
    lead_assignment.refresh_from_db()
    assert lead_assignment.deadline == dt.date(2018, 12, 31)
    services.decide_letter_change(request, approve=True, acting_user=erin)
    lead_assignment.refresh_from_db()
    signed_letter.refresh_from_db()
    request.refresh_from_db()
    assert lead_assignment.deadline == dt.date(2018, 11, 30)
    assert (signed_letter.revision, request.revision, request.status) == (1, 1, ChangeRequestStatus.APPROVED)
    assert request.previous == {"deadline": "2018-12-31"}
    assert lead_assignment.history.first().history_user == erin
    assert signed_letter.signed_content[0]["deadline"] == "2018-12-31"


def test_a_refused_change_request_changes_nothing(signed_letter, lead_assignment, alice, erin):
    named_before = lead_assignment.responsible_person
    request = services.request_letter_change(
        lead_assignment, changes={"responsible_person": "新责任人"}, reason="人事调整", acting_user=alice
    )
    services.decide_letter_change(request, approve=False, note="不予调整", acting_user=erin)
    lead_assignment.refresh_from_db()
    signed_letter.refresh_from_db()
    assert lead_assignment.responsible_person == named_before != "新责任人"
    assert signed_letter.revision == 0


def test_only_the_office_decides_a_change_request(signed_letter, lead_assignment, alice, carol):
    request = services.request_letter_change(lead_assignment, changes={"share": "5"}, reason="调整", acting_user=alice)
    with pytest.raises(RuleViolation, match="Only the supervision office may do this"):
        services.decide_letter_change(request, approve=True, acting_user=carol)
    lead_assignment.refresh_from_db()
    assert lead_assignment.share is None


def test_a_change_request_on_an_unsigned_letter_is_refused(letter, lead_assignment, alice):
    with pytest.raises(RuleViolation, match="not signed yet"):
        services.request_letter_change(lead_assignment, changes={"share": "1"}, reason="无", acting_user=alice)


def test_a_request_that_changes_nothing_is_refused(signed_letter, lead_assignment, alice):
    with pytest.raises(RuleViolation, match="changes nothing"):
        services.request_letter_change(
            lead_assignment, changes={"deadline": "2018-12-31"}, reason="无", acting_user=alice
        )


def test_an_import_changing_a_signed_units_assignment_is_refused(tmp_path, signed_letter, issued_target, erin):
    from tasks.excel.plan import plan_import
    from tests.sheets import make_sheet, row

    path = make_sheet(tmp_path / "s.xlsx", [row(目标任务=issued_target.title, 配合单位="乙局", 完成时限="11月底")])
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert any("change request" in str(p) for p in plan.problems)
    assert issued_target.assignments.get(unit__name="甲县").deadline == dt.date(2018, 12, 31)


def test_an_approved_change_of_responsible_person_names_a_person_record_of_the_unit(
    signed_letter, lead_assignment, alice, erin
):
    before = lead_assignment.person
    request = services.request_letter_change(
        lead_assignment, changes={"responsible_person": "新责任人"}, reason="人事调整", acting_user=alice
    )
    services.decide_letter_change(request, approve=True, acting_user=erin)
    lead_assignment.refresh_from_db()
    assert (lead_assignment.person.name, lead_assignment.responsible_person) == ("新责任人", "新责任人")
    assert lead_assignment.person != before and lead_assignment.person.unit == lead_assignment.unit
    assert lead_assignment.person.needs_completion  # a bare name: the office completes post and phones
