"""常态问政: the office opens a round, evaluators fill their sheets (or the office types in a paper
one), the office publishes; a unit reads its own averages and comments, never who gave which; a
result's rule writes points when the office has given it an amount."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accountability.choices import EvaluatorKind, MessageKind, ResultBand, RoundStatus, RuleCode, SheetStatus
from accountability.models import EvaluationMark, EvaluationRound, EvaluationSheet, InboxMessage, ScoreEntry, ScoreRule
from accountability.selectors.evaluations import band_for, round_results
from accountability.services.evaluations import (
    add_evaluator,
    add_paper_sheet,
    open_round,
    publish_round,
    save_sheet,
)
from accountability.services.rules import ensure_default_rules, update_rule
from accounts.services import create_evaluator_login
from core.access import RoleKind, access_for
from core.errors import RuleViolation
from core.permissions import can
from tests.factories import RoleFactory, UserFactory
from tests.scenarios import D, at

OCT = D(2018, 10, 8)


@pytest.fixture
def deputy(db):
    """An NPC deputy who evaluates."""
    return RoleFactory(
        user=UserFactory(username="deputy", display_name="王代表"), kind=RoleKind.NPC_DEPUTY, unit=None
    ).user


@pytest.fixture
def member(db):
    """A CPPCC member who evaluates."""
    return RoleFactory(
        user=UserFactory(username="member", display_name="李委员"), kind=RoleKind.CPPCC_MEMBER, unit=None
    ).user


@pytest.fixture
def round_(erin, dave, deputy, member, unit_a, unit_b, issued_target):
    """2018 Q3: units A and B as a whole, and the issued target through its lead unit A."""
    with at(OCT):
        return open_round(
            name="2018年第三季度问政",
            period_start=D(2018, 7, 1),
            period_end=D(2018, 9, 30),
            units=[unit_a, unit_b],
            targets=[issued_target],
            evaluators=[dave, deputy, member],
            acting_user=erin,
        )


def _marks(round_, progress, effect, comment=""):
    return {subject.pk: (progress, effect, comment) for subject in round_.subjects.all()}


def _sheet(round_, user):
    return EvaluationSheet.objects.get(round=round_, evaluator=user)


def test_opening_a_round_lists_units_and_targets_and_gives_each_evaluator_a_sheet(round_, unit_a, issued_target):
    subjects = [(s.unit_id, s.target_id) for s in round_.subjects.all()]
    assert subjects[0] == (unit_a.pk, None) and subjects[2] == (unit_a.pk, issued_target.pk) and len(subjects) == 3
    kinds = sorted(round_.sheets.values_list("evaluator_kind", flat=True))
    assert kinds == sorted([EvaluatorKind.LEADER, EvaluatorKind.NPC_DEPUTY, EvaluatorKind.CPPCC_MEMBER])
    assert round_.status == RoundStatus.OPEN and not round_.sheets.exclude(status=SheetStatus.DRAFT).exists()


def test_bad_round_input_is_refused_in_chinese_and_opens_nothing(client, erin, alice, unit_a):
    client.force_login(erin)
    response = client.post(
        reverse("evaluations:new"),
        {"name": "", "period_start": "2018-09-30", "period_end": "2018-07-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写问政轮次名称" in page and "结束日期不能早于开始日期" in page
    assert "请至少选择一个评议单位或目标" in page
    assert not EvaluationRound.objects.exists()
    with translation.override("en"), pytest.raises(RuleViolation, match="Only city leaders, NPC deputies and CPPCC"):
        open_round(
            name="x", period_start=D(2018, 7, 1), period_end=D(2018, 9, 30), units=[unit_a], evaluators=[alice],
            acting_user=erin,
        )  # fmt: skip


def test_a_draft_keeps_partial_marks_and_a_submission_needs_every_mark(round_, deputy):
    sheet = _sheet(round_, deputy)
    first = round_.subjects.first()
    save_sheet(sheet, {first.pk: ("4", "3", "进度较快")}, submit=False, acting_user=deputy)
    assert EvaluationMark.objects.get(sheet=sheet, subject=first).progress == 4
    with pytest.raises(RuleViolation, match="Mark the progress and the effect of every"):
        save_sheet(sheet, {first.pk: ("4", "3", "")}, submit=True, acting_user=deputy)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert EvaluationMark.objects.get(sheet=sheet, subject=first).comment == "进度较快"  # the refusal stored nothing
    with pytest.raises(RuleViolation, match="from 1 to 5"):
        save_sheet(sheet, _marks(round_, "9", "3"), submit=True, acting_user=deputy)
    save_sheet(sheet, _marks(round_, "4", "3"), submit=True, acting_user=deputy)
    sheet.refresh_from_db()
    assert sheet.is_submitted
    with pytest.raises(RuleViolation, match="submitted"):
        save_sheet(sheet, _marks(round_, "1", "1"), submit=False, acting_user=deputy)


def test_the_sheet_page_saves_a_draft_submits_and_refuses_in_chinese(client, round_, member):
    sheet = _sheet(round_, member)
    url = reverse("evaluations:sheet", args=[sheet.pk])
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "保存草稿" in page and "提交评议表" in page
    first = round_.subjects.first()
    response = client.post(
        url, {f"progress_{first.pk}": "5", f"comment_{first.pk}": "很好", "submit": "1"}, follow=True
    )
    assert "请为每个评议单位和目标的工作进度和工作成效打分" in response.content.decode()
    assert "很好" in response.content.decode()  # what was typed is still there
    assert not EvaluationMark.objects.filter(sheet=sheet).exists()
    data = {"save": "1"}
    for subject in round_.subjects.all():
        data |= {f"progress_{subject.pk}": "5", f"effect_{subject.pk}": "4", f"comment_{subject.pk}": "推进有力"}
    client.post(url, data)
    assert EvaluationMark.objects.filter(sheet=sheet, progress=5, effect=4).count() == 3
    data.pop("save")
    client.post(url, data | {"submit": "1"})
    sheet.refresh_from_db()
    assert sheet.is_submitted


def test_the_office_types_in_a_paper_sheet_and_only_the_office_may(client, round_, erin, dave):
    with pytest.raises(RuleViolation, match="name as written"):
        add_paper_sheet(round_, name=" ", kind=EvaluatorKind.NPC_DEPUTY, acting_user=erin)
    paper = add_paper_sheet(round_, name="赵代表（纸质）", kind=EvaluatorKind.NPC_DEPUTY, acting_user=erin)
    assert paper.is_paper and paper.entered_by == erin
    assert can(erin, "evaluation.fill", paper) and not can(dave, "evaluation.fill", paper)
    client.force_login(erin)
    response = client.post(
        reverse("evaluations:paper_sheet", args=[round_.pk]), {"name": "孙委员", "kind": EvaluatorKind.CPPCC_MEMBER}
    )
    added = EvaluationSheet.objects.get(evaluator_name="孙委员")
    assert response.url == reverse("evaluations:sheet", args=[added.pk])
    client.force_login(dave)
    assert client.get(reverse("evaluations:sheet", args=[added.pk])).status_code == 404


def _fill_all(round_, users, marks):
    for user, (progress, effect, comment) in zip(users, marks, strict=True):
        save_sheet(_sheet(round_, user), _marks(round_, progress, effect, comment), submit=True, acting_user=user)


def test_results_average_each_criterion_over_submitted_sheets_only(round_, dave, deputy, member):
    _fill_all(round_, [dave, deputy], [(5, 4, "成效明显"), (4, 4, "")])
    save_sheet(_sheet(round_, member), _marks(round_, 1, 1, "草稿不计"), submit=False, acting_user=member)
    result = round_results(round_)[0]
    assert (result.progress, result.effect, result.count) == (Decimal("4.50"), Decimal("4.00"), 2)
    assert result.overall == Decimal("4.25") and result.band == ResultBand.FAIRLY_GOOD
    assert result.comments == ["成效明显"]
    assert [band_for(Decimal(v)) for v in ("4.5", "3.5", "2.5", "2.49")] == [
        ResultBand.GOOD, ResultBand.FAIRLY_GOOD, ResultBand.AVERAGE, ResultBand.POOR,
    ]  # fmt: skip


def test_publishing_needs_a_submitted_sheet_then_freezes_the_round(round_, erin, deputy, member):
    with pytest.raises(RuleViolation, match="No sheet has been submitted"):
        publish_round(round_, acting_user=erin)
    _fill_all(round_, [deputy], [(3, 3, "")])
    with at(OCT):
        publish_round(round_, acting_user=erin)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and round_.published_by == erin
    with pytest.raises(RuleViolation, match="published"):
        save_sheet(_sheet(round_, member), _marks(round_, 5, 5), submit=True, acting_user=member)
    with pytest.raises(RuleViolation, match="published"):
        publish_round(round_, acting_user=erin)


def test_a_unit_sees_its_own_results_and_comments_but_not_who_gave_which(
    client, round_, erin, dave, deputy, alice, bob, unit_a
):
    _fill_all(round_, [dave, deputy], [(5, 5, "领导的评语"), (2, 2, "代表的评语")])
    url = reverse("evaluations:detail", args=[round_.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 404  # not published yet
    with at(OCT):
        publish_round(round_, acting_user=erin)
    page = client.get(url).content.decode()
    assert "领导的评语" in page and "代表的评语" in page and "甲县" in page
    assert "乙局" not in page  # the other unit's results are not unit A's to read
    assert "王代表" not in page and str(dave.display_name) not in page  # who gave which: never
    assert client.get(reverse("evaluations:sheet", args=[_sheet(round_, deputy).pk])).status_code == 404
    assert client.get(reverse("evaluations:xlsx", args=[round_.pk])).status_code == 403
    client.force_login(bob)
    page = client.get(url).content.decode()
    assert "乙局" in page and "甲县" not in page


def test_who_may_do_what_in_a_round(client, round_, erin, dave, deputy, alice, carol, unit_a):
    detail = reverse("evaluations:detail", args=[round_.pk])
    publish = reverse("evaluations:publish", args=[round_.pk])
    own_sheet = reverse("evaluations:sheet", args=[_sheet(round_, deputy).pk])
    dave_sheet = reverse("evaluations:sheet", args=[_sheet(round_, dave).pk])
    client.force_login(deputy)
    assert client.get(reverse("evaluations:list")).status_code == 200
    assert client.get(detail).status_code == 200 and client.get(own_sheet).status_code == 200
    assert client.get(dave_sheet).status_code == 404  # another evaluator's sheet
    assert client.post(publish).status_code == 403
    assert client.get(reverse("evaluations:new")).status_code == 403
    assert client.get(reverse("home")).status_code == 200
    client.force_login(dave)
    page = client.get(detail).content.decode()
    assert "王代表" not in page and "发布结果" not in page  # a leader evaluates; the office publishes
    assert client.post(publish).status_code == 403
    assert client.get(own_sheet).status_code == 404
    client.force_login(carol)
    assert client.get(detail).status_code == 404 and client.get(reverse("evaluations:list")).status_code == 200
    client.force_login(erin)
    page = client.get(detail).content.decode()
    assert "王代表" in page and "发布结果" in page and "代录纸质评议表" in page
    assert client.post(own_sheet, {"save": "1"}).status_code == 403  # the office types in paper sheets only
    anonymous = client.__class__()
    assert anonymous.get(detail).status_code == 302


def test_points_are_written_by_band_when_the_rule_has_an_amount(round_, erin, dave, deputy, unit_a, unit_b):
    ensure_default_rules()
    good = ScoreRule.objects.get(code=RuleCode.EVALUATION_GOOD)
    poor = ScoreRule.objects.get(code=RuleCode.EVALUATION_POOR)
    assert good.amount == 0 and poor.amount == 0  # off by default
    with at(D(2018, 10, 1)):
        update_rule(good, amount=Decimal("1"), description=good.description, is_active=True, acting_user=erin)
        update_rule(poor, amount=Decimal("-1"), description=poor.description, is_active=True, acting_user=erin)
    subjects = list(round_.subjects.all())  # A as a whole, B as a whole, A's target
    marks = {subjects[0].pk: (5, 5, ""), subjects[1].pk: (1, 2, ""), subjects[2].pk: (4, 3, "")}
    for user in (dave, deputy):
        save_sheet(_sheet(round_, user), marks, submit=True, acting_user=user)
    with at(OCT):
        publish_round(round_, acting_user=erin)
    entries = {
        (e.unit_id, e.target_id): e.amount for e in ScoreEntry.objects.filter(cause_key__startswith="evaluation:")
    }
    assert entries == {(unit_a.pk, None): Decimal("1"), (unit_b.pk, None): Decimal("-1")}  # 较好 earns nothing
    entry = ScoreEntry.objects.get(unit=unit_b, cause_key__startswith="evaluation:")
    assert entry.occurred_on == OCT and "2018年第三季度问政" in entry.reason


def test_no_points_while_the_rules_are_off(round_, erin, dave):
    _fill_all(round_, [dave], [(5, 5, "")])
    with at(OCT):
        publish_round(round_, acting_user=erin)
    assert not ScoreEntry.objects.filter(cause_key__startswith="evaluation:").exists()


def test_the_office_creates_a_deputy_login_from_the_round_page(client, round_, erin):
    client.force_login(erin)
    url = reverse("evaluations:new_login", args=[round_.pk])
    response = client.post(url, {"display_name": "", "username": "npc2", "kind": RoleKind.NPC_DEPUTY})
    assert "请填写姓名" in response.content.decode()
    response = client.post(url, {"display_name": "周代表", "username": "npc2", "kind": RoleKind.NPC_DEPUTY})
    assert response.status_code == 200 and "npc2" in response.content.decode()
    sheet = EvaluationSheet.objects.get(round=round_, evaluator__username="npc2")
    assert sheet.evaluator_kind == EvaluatorKind.NPC_DEPUTY and access_for(sheet.evaluator).evaluator
    with translation.override("en"), pytest.raises(RuleViolation, match="already has a sheet"):
        add_evaluator(round_, sheet.evaluator, acting_user=erin)
    with pytest.raises(RuleViolation):
        create_evaluator_login(username="npc3", display_name="某人", kind=RoleKind.STAFF, acting_user=erin)


def test_the_excel_of_results_has_a_line_per_unit_and_target(client, round_, erin, dave):
    from openpyxl import load_workbook

    _fill_all(round_, [dave], [(4, 5, "=危险公式")])
    client.force_login(erin)
    response = client.get(reverse("evaluations:xlsx", args=[round_.pk]))
    import io

    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    lines = [row for row in rows if row[0] in ("甲县", "乙局")]
    assert len(lines) == 3 and lines[0][3] == 4 and lines[0][4] == 5 and lines[0][8] == "=危险公式"
    assert sheet.cell(row=next(i for i, r in enumerate(rows, 1) if r[0] == "甲县"), column=9).data_type == "s"


def test_the_nav_shows_the_link_to_evaluators_and_units(client, deputy, alice):
    for user in (deputy, alice):
        client.force_login(user)
        assert "常态问政" in client.get(reverse("evaluations:list")).content.decode()


def test_evaluators_are_asked_and_units_told_through_the_inbox(round_, erin, dave, deputy, alice, bob, carol):
    asked = set(InboxMessage.objects.filter(kind=MessageKind.EVALUATION).values_list("recipient__username", flat=True))
    assert asked == {"dave", "deputy", "member"}
    _fill_all(round_, [dave], [(4, 4, "")])
    with at(OCT):
        publish_round(round_, acting_user=erin)
    told = InboxMessage.objects.filter(kind=MessageKind.EVALUATION, subject__contains="评议结果已发布")
    assert set(told.values_list("recipient__username", flat=True)) == {"alice", "bob", "carol"}


def test_the_home_page_asks_each_evaluator_for_their_open_sheets(client, round_, deputy, dave):
    """A deputy (no unit, no leader post) and a leader both find their unfilled sheet on the home page,
    and it leaves once submitted."""
    for user in (deputy, dave):
        client.force_login(user)
        home = client.get("/").content.decode()
        assert "份评议表待填写" in home and reverse("evaluations:list") in home
    save_sheet(_sheet(round_, deputy), _marks(round_, "4", "3"), submit=True, acting_user=deputy)
    client.force_login(deputy)
    assert "份评议表待填写" not in client.get("/").content.decode()


def test_the_services_themselves_hold_who_opens_publishes_and_fills(round_, dave, deputy, member, alice, erin):
    """Not only the pages: a unit's person cannot open or publish a round, and nobody fills another's sheet."""
    with pytest.raises(RuleViolation, match="Only the supervision office"):
        open_round(
            name="越权的一轮", period_start=D(2018, 7, 1), period_end=D(2018, 9, 30), units=[], acting_user=alice
        )
    with pytest.raises(RuleViolation, match="Only the sheet's evaluator"):
        save_sheet(_sheet(round_, member), _marks(round_, "4", "4"), submit=False, acting_user=deputy)
    assert not EvaluationMark.objects.filter(sheet=_sheet(round_, member)).exists()
    save_sheet(_sheet(round_, deputy), _marks(round_, "4", "4"), submit=True, acting_user=deputy)
    with pytest.raises(RuleViolation, match="Only the supervision office"):
        publish_round(round_, acting_user=dave)
    assert EvaluationRound.objects.get(pk=round_.pk).status == RoundStatus.OPEN
