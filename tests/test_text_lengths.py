"""Every text a person types is stored whole, at the longest its form allows; the history keeps
the reason that fits and never fails (on PostgreSQL, where varchar lengths are enforced).

Each case calls the service a page calls, with the field at its form's ``max_length``, and reads the
text back from where it belongs. The last test checks the forms themselves: every free-text field
has a bound, and a model-backed one is no longer than its column.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms

from accountability import services as acc
from accountability.models import Appeal, Disclosure, LetterChangeRequest, Notice, ResponsibilityLetter, ScoreEntry
from core.history import REASON_MAX_LENGTH, fit_reason
from tasks import services
from tasks.models import ExtensionRequest
from tests.notice_helpers import D, at, file_report
from tests.scenarios import approving_leader

LONG = 2000


def text(length: int) -> str:
    """``length`` characters of Chinese, as a person would type them (3 bytes each in UTF-8)."""
    return ("征地拆迁滞后影响项目开工进度" * (length // 14 + 1))[:length]


def last_reason(obj) -> str:
    return obj.history.order_by("-history_id").first().history_change_reason


def test_a_reason_that_fits_is_kept_and_a_longer_one_is_cut_with_a_mark():
    assert fit_reason("退回") == "退回"
    cut = fit_reason(text(101))
    assert len(cut) == REASON_MAX_LENGTH and cut.endswith("…")


@pytest.mark.django_db
def test_a_report_returned_with_the_longest_reason_keeps_it_whole(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 2, 27), 10)
    with at(D(2018, 3, 1)):
        services.return_report(report, acting_user=erin, reason=text(LONG))
    report.refresh_from_db()
    assert report.return_reason == text(LONG)
    assert last_reason(report).startswith("Returned: ") and len(last_reason(report)) == REASON_MAX_LENGTH


def test_a_report_keeps_every_part_of_its_four_part_text_whole(alice, lead_assignment):
    with at(D(2018, 2, 27)):
        report = services.save_report(
            lead_assignment, acting_user=alice, period_key="2018-02", progress_percent=10,
            work_done=text(LONG), problems=text(LONG), next_plan=text(LONG), suggestions=text(LONG),
        )  # fmt: skip
    report.refresh_from_db()
    assert {report.work_done, report.problems, report.next_plan, report.suggestions} == {text(LONG)}


def test_a_follow_up_keeps_its_text_whole(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 2, 27), 10, problems="资金缺口")
    with at(D(2018, 3, 1)):
        follow_up = services.add_follow_up(
            target=lead_assignment.target, report=report, kind="office", text=text(4000), acting_user=erin
        )
    assert follow_up.text == text(4000)


def test_a_letter_change_approved_with_the_longest_reason_and_note_keeps_both(erin, carol, alice, lead_assignment):
    with at(D(2018, 4, 20)):
        acc.prepare_letters(2018, acting_user=erin)
        letter = ResponsibilityLetter.objects.get(unit=lead_assignment.unit)
        acc.sign_for_unit(letter, signatory="甲县县长", acting_user=carol)
        acc.sign_for_city(letter, signatory="市长", acting_user=erin)
        request = acc.request_letter_change(
            lead_assignment, changes={"deadline": "2018-11-30"}, reason=text(LONG), acting_user=alice
        )
        acc.decide_letter_change(request, approve=True, note=text(LONG), acting_user=erin)
    request = LetterChangeRequest.objects.get(pk=request.pk)
    assert (request.reason, request.decision_note, request.status) == (text(LONG), text(LONG), "approved")
    lead_assignment.refresh_from_db()
    assert lead_assignment.deadline == D(2018, 11, 30)
    assert len(last_reason(lead_assignment)) == REASON_MAX_LENGTH


def test_a_close_out_with_the_longest_note_keeps_it_on_the_notice(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 6, 27), 100)
    with at(D(2018, 6, 28)):
        services.accept_report(report, acting_user=erin)
        lead_assignment.refresh_from_db()
        services.claim_completion(lead_assignment, acting_user=alice, note=text(LONG))
        notice = acc.verify_and_close_out(lead_assignment, acting_user=erin, note=text(LONG))
    lead_assignment.refresh_from_db()
    assert lead_assignment.status == "closed"
    assert text(LONG) in Notice.objects.get(pk=notice.pk).body
    assert len(last_reason(lead_assignment)) == REASON_MAX_LENGTH


def test_an_extension_asked_and_refused_at_length_keeps_both_texts(erin, alice, lead_assignment):
    with at(D(2018, 6, 1)):
        request = services.request_extension(
            lead_assignment, new_deadline=D(2019, 1, 31), reason=text(LONG), acting_user=alice
        )
        services.decide_extension(request, grant=False, note=text(LONG), acting_user=erin)
    request = ExtensionRequest.objects.get(pk=request.pk)
    assert (request.reason, request.decision_note) == (text(LONG), text(LONG))


def test_notice_answers_and_verifications_keep_their_text_whole(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 3, 25), 20, problems="征地拆迁滞后")
    with at(D(2018, 3, 30)):
        notice = acc.issue_supervision(
            lead_assignment, report=report, acting_user=erin, problem=text(4000),
            required_action=text(4000), due_date=D(2018, 4, 30),
        )  # fmt: skip
        acc.answer_notice(notice, acting_user=alice, response=text(4000))
        acc.verify_answer(notice, acting_user=erin, accepted=False, note=text(4000))
    notice.refresh_from_db()
    assert (notice.response, notice.verification_note) == (text(4000), text(4000))
    assert text(4000) in notice.body and notice.required_action == text(4000)


def test_an_exposure_proposed_and_dismissed_at_length_keeps_the_reasons(erin, lead_assignment):
    with at(D(2018, 3, 30)):
        notice = acc.propose_exposure(lead_assignment, acting_user=erin, reason=text(4000))
        acc.dismiss_exposure(notice, acting_user=erin, reason=text(4000))
    notice.refresh_from_db()
    assert text(4000) in notice.body and notice.verification_note == text(4000)


def test_an_appeal_filed_and_decided_at_length_keeps_both_texts(erin, alice, unit_a):
    from tests.scenarios import file_report as file_late
    from tests.scenarios import issued, link, score

    target = issued(erin, unit_a)
    file_late(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    entry = ScoreEntry.objects.get(rule__code="report_late")
    with at(D(2018, 8, 2)):
        appeal = acc.file_appeal(entry, reason=text(LONG), acting_user=alice)
        acc.decide_appeal(appeal, reverse=True, note=text(LONG), acting_user=erin)
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.reason, appeal.decision_note) == (text(LONG), text(LONG))


def test_a_disclosure_keeps_its_longest_title_note_and_correction(erin, issued_target):
    with at(D(2018, 8, 2)):
        disclosure = acc.prepare_disclosure(month=D(2018, 7, 1), acting_user=erin, title=text(200), note=text(LONG))
        disclosure = acc.approve_disclosure(disclosure, acting_user=approving_leader())
        disclosure = acc.publish_disclosure(disclosure, acting_user=erin)
        correction = acc.prepare_correction(disclosure, correction_note=text(LONG), acting_user=erin)
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    assert (disclosure.title, disclosure.note) == (text(200), text(LONG))
    assert Disclosure.objects.get(pk=correction.pk).correction_note == text(LONG)


def test_a_proposal_extension_reply_and_view_keep_their_text(erin, alice, unit_a, unit_b):
    from tasks.choices import HandlingMode, ProposalKind, TargetType
    from tests.scenarios import issued

    target = issued(erin, unit_a, [unit_b], start=D(2018, 4, 10), target_type=TargetType.PROPOSAL)
    with at(D(2018, 4, 10)):
        proposal = services.register_proposal(
            target, kind=ProposalKind.NPC, number="18", session=text(100), proposers=text(200),
            handling_mode=HandlingMode.SEPARATE, acting_user=erin,
        )  # fmt: skip
        services.extend_reply_deadline(proposal, new_deadline=D(2018, 8, 10), reason=text(LONG), acting_user=erin)
        assignment = target.assignments.get(unit=unit_a)
        reply = services.submit_reply(
            proposal, assignment=assignment, text=text(5000), result_code="A", acting_user=alice
        )
        services.record_satisfaction(reply, satisfaction="satisfied", note=text(LONG), acting_user=erin)
    reply.refresh_from_db()
    proposal.refresh_from_db()
    assert (reply.text, reply.satisfaction_note, proposal.extension_reason) == (text(5000), text(LONG), text(LONG))
    assert (proposal.session, proposal.proposers) == (text(100), text(200))


FORM_MODULES = [
    "tasks.forms.filters",
    "tasks.forms.proposals",
    "tasks.forms.reports",
    "tasks.forms.targets",
    "accountability.forms.disclosure",
    "accountability.forms.notices",
    "accountability.forms.scores",
]


def _form_classes():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_free_text_field_of_every_form_has_a_bound_its_column_can_hold():
    unbounded, too_long = [], []
    for cls in _form_classes():
        model = getattr(getattr(cls, "_meta", None), "model", None)
        for name, field in cls.base_fields.items():
            if type(field) is not forms.CharField:
                continue
            if field.max_length is None:
                unbounded.append(f"{cls.__name__}.{name}")
            if model is not None and name in {f.name for f in model._meta.fields}:
                column = model._meta.get_field(name).max_length
                if column is not None and (field.max_length or 10**9) > column:
                    too_long.append(f"{cls.__name__}.{name}")
    assert (unbounded, too_long) == ([], [])
