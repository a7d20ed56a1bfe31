"""Accountability cases (问责) and the separation of duties: the office proposes or prepares, a city
leader approves, nobody approves what they prepared; an approved measure with points reaches the ledger."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accountability import services as acc
from accountability.choices import CaseStatus, CheckKind, NoticeKind, NoticeStatus, RuleCode
from accountability.models import AccountabilityCase, AccountabilityMeasure, Notice, ScoreEntry, SupervisionRules
from accountability.services.cases import decide_case, ensure_starting_measures, propose_case
from core.access import RoleKind, forget_access
from core.errors import RuleViolation
from core.permissions import can
from tasks.models import ResponsiblePerson
from tests.factories import LeaderFactory, RoleFactory, UserFactory
from tests.scenarios import D, at

SEPT = D(2018, 9, 3)


def _measure(name):
    # The migration seeds them; a live-server test earlier in the process may have flushed its rows.
    return ensure_starting_measures()[name]


@pytest.fixture
def responsibility_check(erin, lead_assignment):
    with at(SEPT):
        return acc.record_check(
            lead_assignment, kind=CheckKind.RESPONSIBILITY, finding="推进不力，无人负责", acting_user=erin
        )


@pytest.fixture
def proposed(erin, responsibility_check):
    with at(SEPT):
        return propose_case(
            check=responsibility_check, measure=_measure("通报批评"), facts="推进不力，无人负责", acting_user=erin
        )


def test_the_five_measures_are_seeded_and_the_office_edits_them(db):
    ensure_starting_measures()
    names = list(AccountabilityMeasure.objects.values_list("name", flat=True))
    assert names == ["约谈", "通报批评", "诫勉谈话", "责令书面检查", "移送纪检监察机关"]
    assert _measure("通报批评").points == Decimal("-2") and _measure("约谈").points is None


def test_a_case_goes_to_the_targets_leader_or_the_mayor_if_set(proposed, leader, erin, responsibility_check):
    assert proposed.status == CaseStatus.PROPOSED and proposed.approver == leader
    assert proposed.unit_id == responsibility_check.assignment.unit_id
    mayor = LeaderFactory(post="市长（测试）")
    rules = SupervisionRules.current()
    rules.case_approver = mayor
    rules.save()
    with at(SEPT):
        other = propose_case(check=responsibility_check, measure=_measure("约谈"), facts="再查", acting_user=erin)
    assert other.approver == mayor


def test_only_a_responsibility_check_or_a_red_warning_or_exposure_raises_a_case(erin, lead_assignment):
    with at(SEPT):
        progress = acc.record_check(lead_assignment, kind=CheckKind.PROGRESS, finding="进度一般", acting_user=erin)
        with pytest.raises(RuleViolation, match="查责任"):
            propose_case(check=progress, measure=_measure("约谈"), facts="x", acting_user=erin)
        acc.issue_task_notices([lead_assignment.pk], acting_user=erin)
    task_notice = Notice.objects.get(kind=NoticeKind.TASK, assignment=lead_assignment)
    with pytest.raises(RuleViolation, match="red warning or an exposure"):
        propose_case(notice=task_notice, measure=_measure("约谈"), facts="x", acting_user=erin)
    assert not AccountabilityCase.objects.exists()


def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(erin, responsibility_check, unit_b):
    with pytest.raises(RuleViolation, match="State the facts"):
        propose_case(check=responsibility_check, measure=_measure("约谈"), facts="  ", acting_user=erin)
    stranger = ResponsiblePerson.objects.create(unit=unit_b, name="外单位人员")
    with pytest.raises(RuleViolation, match="persons of the unit"):
        propose_case(
            check=responsibility_check, measure=_measure("约谈"), facts="x", persons=[stranger], acting_user=erin
        )
    assert not AccountabilityCase.objects.exists()


def test_nobody_approves_what_they_proposed(proposed, erin):
    # Even someone who is both in the office and a leader.
    RoleFactory(user=erin, kind=RoleKind.LEADER, unit=None, leader=proposed.approver)
    with pytest.raises(RuleViolation, match="cannot approve what you proposed yourself"):
        decide_case(proposed, approve=True, acting_user=erin)
    assert not can(erin, "case.decide", proposed)
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.PROPOSED


def test_the_leader_approves_and_the_points_reach_the_units_ledger(proposed, dave, alice):
    assert can(dave, "case.decide", proposed)
    with at(D(2018, 9, 5)):
        decide_case(proposed, approve=True, note="同意", acting_user=dave)
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.APPROVED and proposed.decided_by == dave
    entry = ScoreEntry.objects.get(cause_key=f"case:{proposed.pk}")
    assert entry.unit_id == proposed.unit_id and entry.amount == Decimal("-2")
    assert entry.rule.code == RuleCode.ACCOUNTABILITY and entry.occurred_on == D(2018, 9, 5)
    assert ScoreEntry.objects.for_user(alice).filter(pk=entry.pk).exists()
    with pytest.raises(RuleViolation, match="already been decided"):
        decide_case(proposed, approve=False, note="x", acting_user=dave)


def test_a_rejection_needs_a_reason_and_writes_no_points(proposed, dave):
    with pytest.raises(RuleViolation, match="Say why"):
        decide_case(proposed, approve=False, acting_user=dave)
    decide_case(proposed, approve=False, note="事实不清", acting_user=dave)
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.REJECTED
    assert not ScoreEntry.objects.filter(cause_key=f"case:{proposed.pk}").exists()


def test_a_measure_without_points_writes_nothing(erin, dave, responsibility_check):
    with at(SEPT):
        case = propose_case(check=responsibility_check, measure=_measure("约谈"), facts="x", acting_user=erin)
    decide_case(case, approve=True, acting_user=dave)
    assert not ScoreEntry.objects.filter(cause_key=f"case:{case.pk}").exists()


def test_who_sees_and_decides_a_case(proposed, alice, bob, carol, dave, erin):
    """A unit sees only its own cases; another unit none; the approving leader and the office all."""
    seen = {
        u.username: AccountabilityCase.objects.for_user(u).filter(pk=proposed.pk).exists()
        for u in (alice, bob, carol, dave, erin)
    }
    assert seen == {"alice": True, "bob": False, "carol": True, "dave": True, "erin": True}
    deciders = {u.username: can(u, "case.decide", proposed) for u in (alice, bob, carol, dave, erin)}
    assert deciders == {"alice": False, "bob": False, "carol": False, "dave": True, "erin": False}
    proposers = {u.username: can(u, "case.propose") for u in (alice, bob, carol, dave, erin)}
    assert proposers == {"alice": False, "bob": False, "carol": False, "dave": False, "erin": True}
    other_leader = RoleFactory(
        user=UserFactory(username="frank"), kind=RoleKind.LEADER, unit=None, leader=LeaderFactory(post="副市长（别的）")
    ).user
    assert not AccountabilityCase.objects.for_user(other_leader).filter(pk=proposed.pk).exists()
    assert not can(other_leader, "case.decide", proposed)
    # The mayor's scope is the city: he reads every case, and decides only those sent to him.
    mayor = RoleFactory(
        user=UserFactory(username="mayor_x"), kind=RoleKind.LEADER, unit=None,
        leader=LeaderFactory(post="市长（测试）", whole_city=True),
    ).user  # fmt: skip
    assert AccountabilityCase.objects.for_user(mayor).filter(pk=proposed.pk).exists()
    assert not can(mayor, "case.decide", proposed)
    # A vice-mayor over the case's unit reads it too (his units' assignments are his scope).
    over_unit = LeaderFactory(post="副市长（分管该单位）")
    over_unit.units.add(proposed.unit)
    reader = RoleFactory(user=UserFactory(username="grace"), kind=RoleKind.LEADER, unit=None, leader=over_unit).user
    assert AccountabilityCase.objects.for_user(reader).filter(pk=proposed.pk).exists()


def test_the_pages_approve_and_refuse_self_approval(client, proposed, erin, dave):
    client.force_login(erin)
    response = client.post(reverse("cases:decide", args=[proposed.pk]), {"approve": "1"}, follow=True)
    assert "不能审批自己提出的事项" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.PROPOSED
    client.force_login(dave)
    page = client.get(reverse("cases:detail", args=[proposed.pk])).content.decode()
    assert "批准" in page
    client.post(reverse("cases:decide", args=[proposed.pk]), {"approve": "1"})
    proposed.refresh_from_db()
    assert proposed.status == CaseStatus.APPROVED


def test_the_new_case_form_is_prefilled_from_the_check(client, erin, responsibility_check):
    client.force_login(erin)
    url = reverse("cases:new") + f"?check={responsibility_check.pk}"
    assert "推进不力，无人负责" in client.get(url).content.decode()
    response = client.post(url, {"measure": _measure("诫勉谈话").pk, "facts": ""})
    assert response.status_code == 200 and "请写明" in response.content.decode()
    response = client.post(url, {"measure": _measure("诫勉谈话").pk, "facts": "事实清楚"})
    case = AccountabilityCase.objects.get()
    assert response.status_code == 302 and case.check_record == responsibility_check


# --- Exposures and disclosures: the office prepares, a leader approves -------------------------


@pytest.fixture
def exposure(erin, lead_assignment):
    with at(D(2018, 6, 1)):
        return acc.propose_exposure(lead_assignment, acting_user=erin, reason="多次督办仍未落实。")


def test_an_exposure_is_approved_by_a_leader_never_by_its_preparer(exposure, erin, dave):
    with pytest.raises(RuleViolation, match="Only a city leader"):
        acc.approve_exposure(exposure, acting_user=erin)
    RoleFactory(user=erin, kind=RoleKind.LEADER, unit=None, leader=LeaderFactory(post="兼任领导"))
    forget_access(erin)
    with pytest.raises(RuleViolation, match="proposed yourself"):
        acc.approve_exposure(exposure, acting_user=erin)
    assert Notice.objects.for_user(dave).filter(pk=exposure.pk).exists()
    assert can(dave, "notice.approve", exposure) and not can(erin, "notice.approve", exposure)
    with at(D(2018, 6, 2)):
        acc.approve_exposure(exposure, acting_user=dave)
    exposure.refresh_from_db()
    assert exposure.status == NoticeStatus.ISSUED and exposure.is_published


def test_a_leader_approves_an_exposure_through_the_page(client, exposure, erin, dave):
    client.force_login(erin)
    client.post(reverse("notices:approve", args=[exposure.pk]))
    exposure.refresh_from_db()
    assert exposure.status == NoticeStatus.PROPOSED
    client.force_login(dave)
    client.post(reverse("notices:approve", args=[exposure.pk]))
    exposure.refresh_from_db()
    assert exposure.status == NoticeStatus.ISSUED


def test_a_disclosure_is_approved_by_a_leader_never_by_its_preparer(erin, dave, issued_target, client):
    with at(SEPT):
        disclosure = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=erin)
        with pytest.raises(RuleViolation, match="Only a city leader"):
            acc.approve_disclosure(disclosure, acting_user=erin)
        client.force_login(dave)
        client.post(reverse("disclosures:action", args=[disclosure.pk, "approve"]))
        disclosure.refresh_from_db()
        assert disclosure.status == "approved" and disclosure.approved_by == dave
        acc.publish_disclosure(disclosure, acting_user=erin)
    RoleFactory(user=dave, kind=RoleKind.OFFICE, unit=None)
    forget_access(dave)
    with at(SEPT), translation.override("en"):
        own = acc.prepare_disclosure(month=D(2018, 8, 1), acting_user=dave)
        with pytest.raises(RuleViolation, match="proposed yourself"):
            acc.approve_disclosure(own, acting_user=dave)


def test_a_responsibility_check_leads_to_its_cases_and_offers_the_office_a_new_one(
    client, proposed, responsibility_check, erin, alice, bob
):
    detail = reverse("checks:detail", args=[responsibility_check.pk])
    client.force_login(erin)
    page = client.get(detail).content.decode()
    assert f"{reverse('cases:new')}?check={responsibility_check.pk}" in page
    assert reverse("cases:detail", args=[proposed.pk]) in page
    client.force_login(alice)  # the unit reads the check and its case, and may not raise one
    page = client.get(detail).content.decode()
    assert reverse("cases:detail", args=[proposed.pk]) in page
    assert reverse("cases:new") not in page
    client.force_login(bob)  # another unit sees neither
    assert client.get(detail).status_code == 404


def test_the_leaders_home_opens_on_what_waits_for_his_decision(client, proposed, dave, erin):
    client.force_login(dave)
    with at(SEPT):
        page = client.get(reverse("home")).content.decode()
    block = page[page.index('id="needs-me-today"') :]
    link = f'href="{reverse("cases:list")}?status=proposed"><strong class="count count--orange">1</strong>'
    assert link in block
    decide_case(proposed, approve=False, note="事实不清", acting_user=dave)
    with at(SEPT):
        page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("cases:list")}?status=proposed"><strong class="count">0</strong>' in page
    client.force_login(erin)  # the office proposes; nothing waits for it to decide
    with at(SEPT):
        assert "?status=proposed" not in client.get(reverse("home")).content.decode()


def test_a_secretary_decides_in_the_leaders_name_and_the_record_names_both(proposed, dave, erin, client):
    from tasks.services.delegation import delegate

    secretary = UserFactory(username="secretary", first_name="秘书甲")
    delegate(leader_user=dave, secretary=secretary, acting_user=erin)
    forget_access(secretary)
    with at(SEPT), translation.override("zh-hans"):  # as a page does
        decide_case(proposed, approve=True, acting_user=secretary)
    proposed.refresh_from_db()
    assert (proposed.decided_by, proposed.decided_for) == (secretary, dave)
    label = f"秘书 {secretary} 代 {dave}"
    assert label in proposed.history.latest().history_change_reason
    client.force_login(erin)
    with translation.override("zh-hans"):
        assert label in client.get(reverse("cases:detail", args=[proposed.pk])).content.decode()
