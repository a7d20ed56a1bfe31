"""Importing the breakdown sheet: what it creates, matching on re-import, hierarchy, all-or-nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from tasks import services
from tasks.choices import AssignmentRole, AssignmentStatus, ShareRule, Source, TargetType
from tasks.excel.plan import plan_import
from tasks.models import Assignment, Milestone, Target
from tests.factories import UnitFactory
from tests.sheets import make_sheet, row


def _import(path, user, *, year=2018):
    plan = plan_import(path, path.name, year=year, acting_user=user)
    assert plan.is_valid, [str(p) for p in plan.problems]
    return plan, services.import_breakdown(plan, acting_user=user)


def _ledger_counts() -> dict:
    models = [Target, Assignment, Milestone]
    counts = {m.__name__: m.objects.count() for m in models}
    counts.update({f"history of {m.__name__}": m.history.count() for m in models})
    return counts


@pytest.fixture
def sheet(tmp_path, unit_a, unit_b, leader):
    return make_sheet(
        tmp_path / "breakdown.xlsx",
        [
            row(序号="1", 目标任务="全市固定资产投资完成300亿元", 任务类型="数据指标类",
                责任市领导="副市长（分管测试）", 牵头单位="甲县（200）", 配合单位="乙局（100）",
                责任人="甲县：王县长\n乙局：李局长", 完成时限="2018年12月底前",
                年度目标值=300, 计量单位="亿元", 一季度=60, 二季度=150, 三季度=225, 四季度=300),
            row(序号="2", 目标任务="推进“多证合一”改革\n进一步优化审批流程。", 牵头单位="乙局", 配合单位="甲县",
                完成时限="6月30日前", 一季度="完成方案", 二季度="100%：全面推开", 备注="省里督办"),
        ],
    )  # fmt: skip


def test_a_sheet_creates_targets_chains_and_quarter_plans_with_history(sheet, erin, unit_a, unit_b, leader):
    plan, result = _import(sheet, erin)
    assert result.created == 2
    investment = Target.objects.get(title="全市固定资产投资完成300亿元")
    assert investment.target_type == TargetType.INDICATOR
    assert investment.source == Source.WORK_REPORT
    assert investment.leader == leader
    assert investment.target_value == 300 and investment.measure_unit == "亿元"
    assert investment.share_rule == ShareRule.SUM
    lead = investment.assignments.get(role=AssignmentRole.LEAD)
    assert (lead.unit, lead.share, lead.responsible_person) == (unit_a, 200, "王县长")
    assert investment.assignments.get(unit=unit_b).responsible_person == "李局长"
    lead_plan = list(lead.milestones.values_list("due_date", "planned_value", "planned_percent"))
    assert lead_plan[1] == (dt.date(2018, 6, 30), Decimal(150), Decimal(75))
    reform = Target.objects.get(code=plan.work[1].target.code)
    assert reform.description == "进一步优化审批流程。"
    assert reform.deadline == dt.date(2018, 6, 30) and reform.remarks == "省里督办"
    nodes = reform.assignments.get(role=AssignmentRole.LEAD).milestones.order_by("due_date")
    assert [(m.description, m.planned_percent) for m in nodes] == [("完成方案", Decimal("49.4")), ("全面推开", 100)]
    assert investment.history.get().history_user == erin
    assert lead.history.get().history_change_reason == "Imported from the breakdown sheet"


def test_importing_the_same_sheet_again_changes_nothing(sheet, erin):
    _import(sheet, erin)
    before = _ledger_counts()
    plan, result = _import(sheet, erin)
    assert plan.counts()["unchanged"] == 2
    assert (result.created, result.updated) == (0, 0)
    assert _ledger_counts() == before


def test_an_edited_sheet_updates_the_matching_target_and_keeps_its_history(tmp_path, sheet, erin, unit_a):
    _import(sheet, erin)
    target = Target.objects.get(title="全市固定资产投资完成300亿元")
    edited = make_sheet(
        tmp_path / "edited.xlsx",
        [row(序号="1", 目标任务="全市固定资产投资完成300亿元", 任务类型="数据指标类", 牵头单位="甲县（300）",
             完成时限="11月底", 年度目标值=300, 计量单位="亿元")],
    )  # fmt: skip
    plan, result = _import(edited, erin)
    assert plan.work[0].action == "update"
    assert result.updated == 1
    target.refresh_from_db()
    assert target.deadline == dt.date(2018, 11, 30)
    assert target.assignments.get().deadline == dt.date(2018, 11, 30)
    assert target.history.count() == 2
    assert target.assignments.get().history.first().history_user == erin


def test_section_rows_become_parents_of_the_rows_under_them(tmp_path, erin, unit_a):
    path = make_sheet(
        tmp_path / "sections.xlsx",
        [
            {"序号": "一、中央和省下达的目标任务"},
            row(序号="（一）", 目标任务="营商环境", 目标来源=None, 牵头单位=None),
            row(序号="1", 目标任务="压缩审批时限", 目标来源=None),
            row(序号="2", 目标任务="推行一网通办", 目标来源=None),
            {"序号": "二、政府工作报告确定的目标任务"},
            row(序号="1", 目标任务="改造农村公路", 目标来源=None),
        ],
    )
    _import(path, erin)
    section = Target.objects.get(title="中央和省下达的目标任务")
    sub = Target.objects.get(title="营商环境")
    assert sub.parent == section
    assert set(sub.children.values_list("title", flat=True)) == {"压缩审批时限", "推行一网通办"}
    assert Target.objects.get(title="压缩审批时限").source == Source.CENTRAL
    assert Target.objects.get(title="改造农村公路").source == Source.WORK_REPORT
    assert Target.objects.get(title="改造农村公路").parent.title == "政府工作报告确定的目标任务"
    assert not section.assignments.exists()


def test_a_bad_row_in_the_middle_leaves_the_database_exactly_as_it_was(tmp_path, sheet, erin):
    _import(sheet, erin)
    before = _ledger_counts()
    path = make_sheet(
        tmp_path / "bad.xlsx",
        [row(目标任务="新任务甲"), row(目标任务="新任务乙", 牵头单位="丙县"), row(目标任务="新任务丙")],
    )
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert [w.action for w in plan.work] == ["create", "error", "create"]
    with pytest.raises(services.RuleViolation, match="found “丙县”; a unit the system knows"):
        services.import_breakdown(plan, acting_user=erin)
    assert _ledger_counts() == before


def test_a_failure_while_saving_rolls_back_every_row(tmp_path, erin, unit_a, monkeypatch):
    path = make_sheet(tmp_path / "ok.xlsx", [row(目标任务=f"任务{n}") for n in range(5)])
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    before = _ledger_counts()

    def broken(*args, **kwargs):
        raise services.RuleViolation("boom")

    monkeypatch.setattr("tasks.services.imports._save_milestones", broken)
    with pytest.raises(services.RuleViolation, match="boom"):
        services.import_breakdown(plan, acting_user=erin)
    assert _ledger_counts() == before


def test_a_unit_name_that_is_nearly_right_gets_a_suggestion_in_chinese(tmp_path, erin, unit_a):
    UnitFactory(name="市发展改革委", kind="department")
    path = make_sheet(tmp_path / "typo.xlsx", [row(目标任务="任务", 牵头单位="市发展和改革委员会")])
    with translation.override("zh-hans"):
        plan = plan_import(path, path.name, year=2018, acting_user=erin)
        text = str(plan.problems[0])
    assert "第3行" in text and "牵头单位" in text and "市发展和改革委员会" in text
    assert "您是否要找“市发展改革委”" in text


def test_errors_name_the_row_the_column_the_value_and_what_was_expected(tmp_path, erin, unit_a):
    path = make_sheet(tmp_path / "bad.xlsx", [row(目标任务="任务", 完成时限="尽快", 任务类型="杂项")])
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    problems = {p.column: p for p in plan.problems}
    assert problems["完成时限"].row == 3
    assert problems["完成时限"].letter == "I"
    assert problems["完成时限"].value == "尽快"
    assert "6月底前" in problems["完成时限"].message
    assert "数据指标类" in problems["任务类型"].message


def test_a_percent_cell_with_unit_percent_is_stored_as_shown(tmp_path, erin, unit_a):
    path = make_sheet(
        tmp_path / "pct.xlsx",
        [row(目标任务="地区生产总值增长", 任务类型="数据指标类", 年度目标值=0.115, 计量单位="%")],
        formats={"J3": "0.0%"},
    )
    _import(path, erin)
    assert Target.objects.get().target_value == Decimal("11.5")


def test_headers_in_any_order_below_merged_title_rows_with_merged_unit_cells(tmp_path, erin, unit_a, leader):
    headers = ["完成时限", "目标任务", "序号", "牵头单位", "责任市领导", "任务类型", "目标来源"]
    path = make_sheet(
        tmp_path / "merged.xlsx",
        [],
        headers=headers,
        title_rows=["２０１８年度目标任务分解表", "驻马店市人民政府督查室　　2018年4月"],
        raw=[
            ["年底前", "任务一", 1, "甲县", "副市长（分管测试）", "任务事项类", "市委提出"],
            ["三季度末", "任务二", 2, None, None, "任务事项类", "市委提出"],
        ],
        merges=["A1:G1", "D4:D5", "E4:E5"],
    )
    plan, _result = _import(path, erin, year=None)
    assert plan.year == 2018
    second = Target.objects.get(title="任务二")
    assert second.leader == leader
    assert second.assignments.get().unit == unit_a
    assert second.deadline == dt.date(2018, 9, 30)


def test_a_title_for_another_year_than_asked_is_refused(tmp_path, erin, unit_a):
    from tasks.excel.reader import FileRefused

    path = make_sheet(tmp_path / "2019.xlsx", [row(目标任务="任务")], title_rows=["2019年目标任务分解表"])
    with pytest.raises(FileRefused, match="2019"):
        plan_import(path, path.name, year=2018, acting_user=erin)


def test_a_closed_target_cannot_be_changed_by_import(tmp_path, erin, lead_assignment):
    target = lead_assignment.target
    Target.objects.filter(pk=target.pk).update(status="closed")
    path = make_sheet(tmp_path / "closed.xlsx", [row(目标任务=target.title, 完成时限="6月底")])
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert plan.work[0].action == "error"


def test_an_issued_unit_cannot_be_dropped_from_the_chain_by_import(tmp_path, erin, issued_target):
    path = make_sheet(tmp_path / "drop.xlsx", [row(目标任务=issued_target.title, 牵头单位="甲县", 配合单位=None)])
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert "乙局" in plan.problems[0].value
    assert issued_target.assignments.filter(status=AssignmentStatus.ISSUED).count() == 2


def test_an_edited_quarter_value_updates_the_lead_units_plan_node(tmp_path, sheet, erin):
    _import(sheet, erin)
    lead = Target.objects.get(title="全市固定资产投资完成300亿元").assignments.get(role=AssignmentRole.LEAD)
    node = lead.milestones.get(due_date=dt.date(2018, 6, 30))
    edited = make_sheet(
        tmp_path / "q2.xlsx",
        [row(序号="1", 目标任务="全市固定资产投资完成300亿元", 任务类型="数据指标类", 责任市领导="副市长（分管测试）",
             牵头单位="甲县（200）", 配合单位="乙局（100）", 责任人="甲县：王县长\n乙局：李局长",
             完成时限="2018年12月底前", 年度目标值=300, 计量单位="亿元",
             一季度=60, 二季度=180, 三季度=225, 四季度=300)],
    )  # fmt: skip
    plan, _result = _import(edited, erin)
    assert plan.work[0].changes == ["二季度 plan node changed"]
    node.refresh_from_db()
    assert (node.planned_value, node.planned_percent) == (Decimal(180), Decimal(90))
    assert node.history.count() == 2 and node.history.first().history_user == erin
