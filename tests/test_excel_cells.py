"""Messy cells: each way people type deadlines, values, units and numbering into a breakdown sheet."""

import datetime as dt
from decimal import Decimal

import pytest

from core.excel_writer import needs_neutralising
from tasks.choices import Direction
from tasks.excel.cells import CellError, nfkc, parse_deadline, parse_sequence, parse_value, split_people, split_units

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年6月底前", D(2018, 6, 30)),
        ("6月30日前", D(2018, 6, 30)),
        ("年底前", D(2018, 12, 31)),
        ("年底前完成", D(2018, 12, 31)),
        ("三季度末", D(2018, 9, 30)),
        ("第一季度", D(2018, 3, 31)),
        ("上半年", D(2018, 6, 30)),
        ("下半年", D(2018, 12, 31)),
        ("２０１８年１０月底", D(2018, 10, 31)),
        ("十一月底前", D(2018, 11, 30)),
        ("2018-06-30", D(2018, 6, 30)),
        ("2018/6/1", D(2018, 6, 1)),
        ("2019年3月底", D(2019, 3, 31)),
    ],
)
def test_deadlines_written_as_text_are_understood(text, expected):
    assert parse_deadline(nfkc(text), year=2018) == expected


def test_a_deadline_without_a_year_takes_the_sheets_year():
    assert parse_deadline("6月底前", year=2019) == D(2019, 6, 30)


def test_an_excel_date_cell_is_taken_as_it_is():
    assert parse_deadline(dt.datetime(2018, 7, 15), year=2018) == D(2018, 7, 15)


@pytest.mark.parametrize("text", ["尽快", "2月30日", "13月底", "长期坚持"])
def test_a_deadline_that_names_no_day_is_refused(text):
    with pytest.raises(CellError, match="2018-06-30"):
        parse_deadline(text, year=2018)


def test_a_percent_formatted_cell_in_unit_percent_is_read_as_shown():
    assert parse_value(0.115, percent_format=True, measure_unit="%") == (Decimal("11.5"), "%", Direction.HIGHER)


def test_a_percent_formatted_cell_without_a_unit_gets_the_unit_percent():
    assert parse_value(0.085, percent_format=True, measure_unit="")[:2] == (Decimal("8.5"), "%")


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        (1800, "亿元", (Decimal(1800), "亿元")),
        ("１８００", "亿元", (Decimal(1800), "亿元")),
        ("1,800", "亿元", (Decimal(1800), "亿元")),
        ("1800亿元", "", (Decimal(1800), "亿元")),
        ("8.5%", "", (Decimal("8.5"), "%")),
        ("不低于95", "%", (Decimal(95), "%")),
    ],
)
def test_target_values_from_numbers_and_text(cell, unit, expected):
    assert parse_value(nfkc(cell), percent_format=False, measure_unit=unit)[:2] == expected


def test_an_upper_bound_makes_lower_the_better_direction():
    assert parse_value("≤5", percent_format=False, measure_unit="%")[2] == Direction.LOWER


def test_a_value_in_another_unit_than_the_unit_column_is_refused():
    with pytest.raises(CellError, match="亿元"):
        parse_value("300公里", percent_format=False, measure_unit="亿元")


def test_units_split_on_every_separator_with_shares_in_brackets():
    units = split_units(nfkc("市发改委、驿城区（300），西平县；上蔡县;平舆县\n正阳县,开发区"))
    assert [name for name, _ in units] == ["市发改委", "驿城区", "西平县", "上蔡县", "平舆县", "正阳县", "开发区"]
    assert units[1][1] == Decimal(300)


def test_people_are_a_plain_name_or_unit_person_pairs():
    assert split_people("张主任") == ("张主任", {})
    assert split_people("甲县：王县长\n乙局:李局长")[1] == {"甲县": "王县长", "乙局": "李局长"}


@pytest.mark.parametrize(
    ("cell", "level"),
    [("一、", 1), ("（一）", 2), ("1.", 3), ("1", 3), (2, 3), ("2.1", 4), ("2.1.3", 5), ("（1）", 20), ("说明", None)],
)
def test_the_numbering_gives_the_level(cell, level):
    assert parse_sequence(nfkc(cell))[0] == level


def test_a_section_title_written_after_its_number_is_kept():
    assert parse_sequence(nfkc("一、经济发展指标")) == (1, "一、", "经济发展指标")


@pytest.mark.parametrize("text", ["=1+1", "+86", "-x", "@SUM(A1)", "\t=cmd"])
def test_text_that_would_run_as_a_formula_is_flagged(text):
    assert needs_neutralising(text)


@pytest.mark.parametrize("value", ["市发改委", -5, 3.5, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert not needs_neutralising(value)
