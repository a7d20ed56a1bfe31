"""The import's column objects (``tasks.excel.columns``): each reads a good cell into a typed value on
the row and refuses a bad one with its own message, on its own column. No database: the lookups the
plan loads once are handed in as plain dicts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from tasks.choices import Direction, Source, TargetType, UnitKind
from tasks.excel import columns as C
from tasks.excel.columns import Cells
from tasks.excel.layout import COLUMNS, EXPORT_COLUMNS, HEADER_LOOKUP
from tasks.excel.reader import RawRow
from tasks.excel.rows import RowParser, RowPlan
from tasks.models import Leader, Unit

COUNTY = Unit(pk=1, name="甲县", kind=UnitKind.COUNTY)
BUREAU = Unit(pk=2, name="乙局", kind=UnitKind.DEPARTMENT)
LEADER = Leader(pk=7, post="常务副市长")


def parser() -> RowParser:
    return RowParser(
        year=2018,
        columns={key: index for index, key in enumerate(EXPORT_COLUMNS)},
        units={"甲县": COUNTY, "乙局": BUREAU},
        leaders={"常务副市长": LEADER},
    )


def read(column, cells: dict, percent=(), row: RowPlan | None = None) -> RowPlan:
    row = row or RowPlan(number=5)
    column.read(row, Cells(cells, frozenset(percent)), parser())
    return row


def problems(row: RowPlan) -> list[tuple[str, str, str]]:
    return [(problem.column, problem.value, problem.message) for problem in row.problems]


# --- 序号, 目标任务, 编号 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "level", "seq"), [("一、", 1, "一、"), ("（二）", 2, "(二)"), (3, 3, "3"), ("1.2", 4, "1.2")]
)
def test_the_sequence_column_reads_the_level(cell, level, seq):
    row = read(C.PARENT, {"seq": cell})
    assert (row.level, row.seq, row.problems) == (level, seq, [])


def test_the_sequence_column_refuses_what_is_not_a_number():
    row = read(C.PARENT, {"seq": "甲"})
    assert row.level is None
    assert problems(row) == [("序号", "甲", "expected a number such as 一、 （一） 1 or 1.1")]


def test_a_section_title_in_the_sequence_cell_becomes_the_title():
    row = read(C.PARENT, {"seq": "一、中央和省下达的目标任务"})
    row = read(C.TITLE, {"seq": "一、中央和省下达的目标任务"}, row=row)
    assert (row.level, row.title) == (1, "中央和省下达的目标任务")


def test_the_title_column_splits_title_and_description():
    row = read(C.TITLE, {"title": "加快项目建设\n年内开工10个"})
    assert (row.title, row.description, row.problems) == ("加快项目建设", "年内开工10个", [])


def test_a_numbered_title_without_a_sequence_column_gives_the_level():
    row = read(C.TITLE, {"title": "（一）重点项目"})
    assert (row.level, row.title) == (2, "重点项目")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("", "the target's title is empty"),
        ("长" * 201, "a title of at most 200 characters (put details on the next line)"),
    ],
)
def test_the_title_column_refuses_an_empty_or_long_title(cell, message):
    row = read(C.TITLE, {"title": cell})
    assert [p[2] for p in problems(row)] == [message]
    assert row.problems[0].column == "目标任务"


def test_the_code_column_reads_the_code_and_refuses_a_long_one():
    assert read(C.CODE, {"code": "2018-001"}).code == "2018-001"
    row = read(C.CODE, {"code": "X" * 33})
    assert problems(row) == [("编号", "X" * 33, "a code of at most 32 characters")]


# --- 目标来源, 任务类型, 责任市领导 --------------------------------------------------------------------


def test_the_source_column_reads_any_of_its_names():
    assert read(C.SOURCE, {"source": "市委提出目标"}).source == Source.PARTY
    assert read(C.SOURCE, {"source": "政府 工作报告"}).source == Source.WORK_REPORT


def test_the_source_column_refuses_an_unknown_source_and_lists_the_five():
    row = read(C.SOURCE, {"source": "其他"})
    assert row.source is None
    names = "中央和省下达、市委提出、政府工作报告、省直厅局下达、人大代表建议、政协委员提案"
    assert problems(row) == [("目标来源", "其他", f"one of the five sources: {names}")]


def test_a_section_title_names_its_source():
    assert C.SOURCE.named_in("一、中央和省下达的目标任务") == Source.CENTRAL
    assert C.SOURCE.named_in("一、重点工作") is None


def test_the_type_column_reads_a_type_and_refuses_an_unknown_one():
    assert read(C.TYPE, {"type": "数据指标"}).target_type == TargetType.INDICATOR
    row = read(C.TYPE, {"type": "杂项"})
    assert problems(row) == [
        ("任务类型", "杂项", "one of the four types: 数据指标类、任务事项类、建议提案类、民生实事类")
    ]


def test_the_type_column_refuses_in_chinese_when_the_page_is_chinese():
    with translation.override("zh-hans"):
        row = read(C.TYPE, {"type": "杂项"})
    assert row.problems[0].message == "应为四类任务之一：数据指标类、任务事项类、建议提案类、民生实事类"


def test_the_leader_column_reads_a_post_and_suggests_a_near_one():
    assert read(C.LEADER, {"leader": "常务副市长"}).leader == LEADER
    row = read(C.LEADER, {"leader": "常务市长"})
    assert (row.leader, row.leader_given) == (None, True)
    assert problems(row) == [
        ("责任市领导", "常务市长", "a city leader's post as the system knows it. Did you mean 常务副市长?")
    ]


# --- 牵头单位, 配合单位, 责任人 ------------------------------------------------------------------------


def test_the_units_column_reads_the_lead_with_its_share_and_the_co_units():
    row = read(C.UNITS, {"lead": "甲县（300）", "co": "乙局"})
    assert row.units == [(COUNTY, True, Decimal(300)), (BUREAU, False, None)]
    assert row.problems == []


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"lead": "驿城区"}, ("牵头单位", "驿城区", "a unit the system knows.")),
        ({"lead": "甲县", "co": "甲县"}, ("配合单位", "甲县", "each unit once per target (this one is listed twice)")),
    ],
)
def test_the_units_column_refuses_an_unknown_or_repeated_unit(cells, problem):
    row = read(C.UNITS, cells)
    assert problems(row) == [problem]
    assert len(row.units) == len(cells) - 1


def test_the_units_column_suggests_a_near_name():
    row = read(C.UNITS, {"co": "乙县局"})
    assert row.problems[0].message == "a unit the system knows. Did you mean 乙局?"


def test_a_negative_share_is_refused_but_the_unit_stays_on_the_row():
    row = read(C.UNITS, {"lead": "甲县(-5)"})
    assert problems(row) == [("牵头单位", "甲县", "a share that is not negative")]
    assert row.units == [(COUNTY, True, Decimal(-5))]


def test_the_person_column_reads_a_plain_name_and_unit_pairs():
    row = read(C.UNITS, {"lead": "甲县", "co": "乙局"})
    row = read(C.PERSON, {"person": "张三、乙局：李四"}, row=row)
    assert (row.plain_person, row.persons, row.problems) == ("张三", {BUREAU.pk: "李四"}, [])


def test_the_person_column_refuses_a_unit_not_on_the_row_and_a_long_name():
    row = read(C.UNITS, {"lead": "甲县"})
    row = read(C.PERSON, {"person": "乙局：李四"}, row=row)
    assert problems(row) == [("责任人", "乙局:李四", "“unit: person” for a unit named in this row")]
    row = read(C.PERSON, {"person": "名" * 65})
    assert problems(row) == [("责任人", "名" * 65, "a name of at most 64 characters")]


# --- 完成时限, 年度目标值, 计量单位, 备注 --------------------------------------------------------------------


def test_the_deadline_column_reads_text_in_the_sheets_year():
    row = read(C.DEADLINE, {"deadline": "三季度末"})
    assert (row.deadline, row.deadline_given) == (dt.date(2018, 9, 30), True)


def test_the_deadline_column_refuses_a_day_it_cannot_tell_and_says_where():
    row = read(C.DEADLINE, {"deadline": "尽快"})
    assert (row.deadline, row.deadline_given) == (None, False)
    assert str(row.problems[0]) == (
        "Row 5, column 完成时限 (J): found “尽快”; a date such as 2018-06-30, 6月底前, 年底前 or 三季度末"
    )


@pytest.mark.parametrize(
    ("cells", "percent", "expected"),
    [
        ({"value": "不低于1800亿元"}, (), (Decimal(1800), "亿元", Direction.HIGHER)),
        ({"value": "≤5", "measure_unit": "%"}, (), (Decimal(5), "%", Direction.LOWER)),
        ({"value": 0.115}, ("value",), (Decimal("11.5"), "%", Direction.HIGHER)),
        ({"measure_unit": "个"}, (), (None, "个", Direction.HIGHER)),
    ],
)
def test_the_value_column_reads_value_unit_and_direction(cells, percent, expected):
    row = read(C.VALUE, cells, percent)
    assert (row.value, row.measure_unit, row.direction) == expected
    assert row.problems == []


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"value": "很多"}, ("年度目标值", "很多", "a number such as 1800, 8.5 or 8.5%")),
        ({"value": 10**15}, ("年度目标值", str(10**15), "a number below 100 trillion")),
        (
            {"value": 3, "measure_unit": "单" * 33},
            ("计量单位", "单" * 33, "a unit of measure of at most 32 characters"),
        ),
        (
            {"value": "30公里", "measure_unit": "个"},
            ("年度目标值", "30公里", "a number in the unit of measure 个 (the cell says 公里)"),
        ),
    ],
)
def test_the_value_column_refuses_a_bad_value_or_unit(cells, problem):
    assert problems(read(C.VALUE, cells)) == [problem]


def test_the_remarks_column_keeps_the_text_as_typed():
    assert read(C.REMARKS, {"remarks": "（暂缓）：待批复"}).remarks == "（暂缓）：待批复"


# --- 一季度…四季度 ---------------------------------------------------------------------------------


def test_the_quarter_columns_read_values_percents_progress_and_text():
    row = read(C.QUARTERS_COLUMN, {"q1": 450, "q2": "50%", "q3": "进度80%", "q4": "900：全面完成"})
    quarters = {key: (q.number, q.is_percent, q.is_progress, q.text) for key, q in row.quarters.items()}
    assert quarters == {
        "q1": (Decimal(450), False, False, ""),
        "q2": (Decimal(50), True, False, ""),
        "q3": (Decimal(80), True, True, ""),
        "q4": (Decimal(900), False, False, "全面完成"),
    }
    assert row.problems == []


def test_a_quarter_cell_of_text_is_what_is_due():
    row = read(C.QUARTERS_COLUMN, {"q2": "进度 完成招标"})
    assert (row.quarters["q2"].text, row.quarters["q2"].is_progress) == ("完成招标", True)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (dt.date(2018, 3, 31), "a number such as 450, a percent such as 50%, or what is due"),
        ("做" * 201, "a description of at most 200 characters"),
        (10**15, "a number below 100 trillion"),
    ],
)
def test_the_quarter_columns_refuse_a_date_a_long_text_or_a_huge_number(cell, message):
    row = read(C.QUARTERS_COLUMN, {"q3": cell})
    assert [(p.column, p.message) for p in row.problems] == [("三季度", message)]


# --- the columns together -------------------------------------------------------------------------


def test_every_header_is_declared_by_one_column_and_the_exporter_writes_each():
    declared = [key for column in C.SHEET_COLUMNS for key in column.headers]
    assert sorted(declared) == sorted(set(declared)) == sorted(EXPORT_COLUMNS) == sorted(COLUMNS)
    assert (HEADER_LOOKUP["单位"], HEADER_LOOKUP["第三季度"], HEADER_LOOKUP["主办单位"]) == (
        "measure_unit",
        "q3",
        "lead",
    )


def test_the_row_parser_reads_every_column_and_keeps_their_problems_in_sheet_order():
    values = {
        "seq": "1",
        "title": "项目建设",
        "source": "市委提出",
        "type": "任务事项类",
        "lead": "甲县",
        "person": "张三",
        "deadline": "其他",
        "value": "很多",
        "q1": "30%",
    }
    row = parser().parse(RawRow(9, values))
    assert (row.level, row.title, row.source, row.target_type) == (3, "项目建设", Source.PARTY, TargetType.TASK)
    assert (row.units, row.plain_person, row.quarters["q1"].number) == ([(COUNTY, True, None)], "张三", Decimal(30))
    assert [problem.column for problem in row.problems] == ["完成时限", "年度目标值"]
