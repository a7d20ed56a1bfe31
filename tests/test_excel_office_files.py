"""Breakdown sheets as office software stores them: the fixtures in tests/data/office were written by
LibreOffice Calc as .xlsx, .xls and .ods (tests/data/office/build.py), with text as shared strings,
several sheets, merged and hidden rows, rich text, formulas, dates, percents and full-width digits.
Every test here runs over the three formats."""

import datetime as dt
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tasks import services
from tasks.choices import AssignmentRole, TargetType
from tasks.excel.plan import plan_import
from tasks.excel.reader import FileRefused, SheetChoiceNeeded
from tasks.models import Milestone, Target
from tests.data.office import FORMATS
from tests.data.office import office_file as fixture


@pytest.fixture(autouse=True)
def chain(unit_a, unit_b, leader):
    """甲县, 乙局 and 副市长（分管测试）, the names the fixtures use."""


def test_the_fixtures_were_written_by_libreoffice():
    for name in ("breakdown", "two_tables", "bad_rows", "control_chars", "sample"):
        with zipfile.ZipFile(fixture(name, "xlsx")) as archive:
            assert b"LibreOffice" in archive.read("docProps/app.xml")
            assert "xl/sharedStrings.xml" in archive.namelist()  # text as office software stores it
        with zipfile.ZipFile(fixture(name, "ods")) as archive:
            assert b"LibreOffice" in archive.read("meta.xml")
        assert fixture(name, "xls").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_real_office_sheet_imports_every_kind_of_cell(fmt, erin, unit_a, unit_b, leader):
    path = fixture("breakdown", fmt)
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert plan.sheet == "分解表"  # the 填表说明 sheet before it holds no table
    assert plan.hidden_rows == [(7, "已经取消的任务")]
    services.import_breakdown(plan, acting_user=erin)

    investment = Target.objects.get(title="全市固定资产投资")  # rich text: its plain text
    assert investment.parent.title == "政府工作报告确定的目标任务"  # a merged section row
    assert investment.target_value == 300  # a formula: its cached value
    assert investment.deadline == dt.date(2018, 12, 31)  # a date cell
    assert investment.leader == leader
    lead = investment.assignments.get(role=AssignmentRole.LEAD)
    assert (lead.unit, lead.share, lead.responsible_person) == (unit_a, 200, "王县长")

    reform = Target.objects.get(title="推进“多证合一”改革")
    assert reform.deadline == dt.date(2018, 12, 31)  # 2018年底
    assert reform.description == "进一步优化审批流程。"

    rate = Target.objects.get(title="城镇化率提高到51.5%")  # percent cells: 0.515 shown as 51.5%
    assert (rate.target_value, rate.measure_unit) == (Decimal("51.5"), "%")
    rate_plan = rate.assignments.get().milestones.get(due_date=dt.date(2018, 6, 30))
    assert rate_plan.planned_value == Decimal("50.5")

    roads = Target.objects.get(title="改造农村公路１８００公里")
    assert roads.target_value == 1800  # full-width digits

    assert not Target.objects.filter(title="已经取消的任务").exists()  # hidden: left out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_vertically_merged_unit_cell_leads_both_rows(fmt, erin, unit_a):
    path = fixture("breakdown", fmt)
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    services.import_breakdown(plan, acting_user=erin)
    platform = Target.objects.get(title="建成智慧城管平台")
    assert platform.assignments.get().unit == unit_a


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_quarter_holding_the_deadline_becomes_the_node_at_the_deadline(fmt, erin):
    path = fixture("breakdown", fmt)
    services.import_breakdown(plan_import(path, path.name, year=2018, acting_user=erin), acting_user=erin)
    libraries = Target.objects.get(title="新建城市书房30个")
    nodes = Milestone.objects.filter(assignment__target=libraries).order_by("due_date")
    assert [(n.due_date, n.planned_value) for n in nodes] == [
        (dt.date(2018, 9, 30), Decimal(20)),
        (dt.date(2018, 10, 31), Decimal(30)),  # 四季度, due at the deadline of 10-31
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_rows_are_read_when_the_person_asks(fmt, erin):
    path = fixture("breakdown", fmt)
    plan = plan_import(path, path.name, year=2018, acting_user=erin, include_hidden=True)
    assert plan.hidden_rows == []
    assert "已经取消的任务" in [row.title for row in plan.rows]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_sheet_imported_again_changes_nothing(fmt, erin):
    path = fixture("breakdown", fmt)
    services.import_breakdown(plan_import(path, path.name, year=2018, acting_user=erin), acting_user=erin)
    again = plan_import(path, path.name, year=2018, acting_user=erin)
    assert again.counts()["unchanged"] == again.counts()["rows"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_qualifying_sheets_ask_which_one(fmt, erin):
    path = fixture("two_tables", fmt)
    with pytest.raises(SheetChoiceNeeded, match="Several sheets hold a breakdown table") as choice:
        plan_import(path, path.name, year=2018, acting_user=erin)
    assert choice.value.sheets == ["县区", "市直部门"]
    assert not Target.objects.exists()
    plan = plan_import(path, path.name, year=2018, acting_user=erin, sheet="市直部门")
    assert [row.title for row in plan.rows] == ["部门任务"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_sheet_name_is_refused_with_the_sheets_there_are(fmt, erin):
    path = fixture("two_tables", fmt)
    with pytest.raises(FileRefused, match="县区、市直部门"):
        plan_import(path, path.name, year=2018, acting_user=erin, sheet="汇总")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_problem_names_the_sheet_row_column_and_value(fmt, erin):
    path = fixture("bad_rows", fmt)
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert plan.report()["file"] == path.name and plan.report()["sheet"] == "分解表"
    problems = {(p.row, p.column, p.value) for p in plan.problems}
    assert (4, "牵头单位", "丙县") in problems
    assert (5, "完成时限", "明年再说") in problems
    assert (6, "三季度", "8") in problems  # a quarter that starts after the deadline (05-31)


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])  # LibreOffice's .ods writer drops the characters itself
def test_control_characters_pasted_into_a_title_are_removed(fmt, erin, unit_a):
    path = fixture("control_chars", fmt)
    plan = plan_import(path, path.name, year=2018, acting_user=erin)
    assert plan.is_valid, [str(p) for p in plan.problems]
    assert [row.title for row in plan.rows] == ["从Word粘贴的标题"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_imports_an_office_sheet_and_names_the_hidden_rows(fmt, erin, capsys):
    path = fixture("breakdown", fmt)
    call_command("import_targets", str(path), "--year", "2018", "--dry-run")
    out = capsys.readouterr().out
    assert "分解表" in out and "已经取消的任务" in out
    assert not Target.objects.exists()
    call_command("import_targets", str(path), "--year", "2018")
    assert Target.objects.filter(target_type=TargetType.INDICATOR).count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_command_names_the_sheets_to_choose_from(fmt):
    path = fixture("two_tables", fmt)
    with pytest.raises(CommandError, match="--sheet"):
        call_command("import_targets", str(path), "--year", "2018", "--dry-run")
    call_command("import_targets", str(path), "--year", "2018", "--sheet", "县区")
    assert list(Target.objects.values_list("title", flat=True)) == ["县区任务"]
