"""``tasks.excel.office`` and ``office_extras``: what the importer relies on from python-calamine and
from the files' own parts, pinned on LibreOffice-written files. A library upgrade that changes any of
this fails here, not in an office's upload."""

import datetime as dt
import shutil

import pytest

from tasks.excel import office
from tasks.excel.office_extras import is_percent_format
from tests.data.office import FORMATS, OFFICE


def _book(fmt: str) -> office.Workbook:
    path = OFFICE / f"cells.{fmt}"
    return office.Workbook(path, office.identify(path))


@pytest.mark.parametrize("fmt", FORMATS)
def test_rows_come_with_the_row_numbers_and_columns_excel_shows(fmt):
    book = _book(fmt)
    rows = dict(book.rows("单元格"))
    assert rows[3][2:7] == ["文本", 42, 2.5, dt.date(2018, 6, 30), 0.115]
    assert rows[3][:2] == [None, None]  # the sheet starts at C3: columns keep their places
    assert rows[6][4] == "末行"
    assert book.row_count("单元格") == 6
    assert [info.name for info in book.sheets] == ["单元格", "第二页"]
    book.close()


@pytest.mark.parametrize("fmt", FORMATS)
def test_rich_text_formulas_and_errors_read_as_office_software_shows_them(fmt):
    rows = dict(_book(fmt).rows("单元格"))
    assert rows[4][2] == "加粗普通"  # two fonts in one cell: its plain text
    assert rows[4][3] == 7  # a formula: the value LibreOffice computed and stored
    assert rows[4][4] is None  # #DIV/0!: no value
    assert rows[4][6] == "多\n行"


@pytest.mark.parametrize("fmt", FORMATS)
def test_merges_hidden_rows_and_percent_cells_are_known(fmt):
    extras = _book(fmt).extras("单元格")
    assert (5, 3, 6, 4) in extras.merges  # C5:D6
    assert extras.hidden_rows == {5}
    assert extras.percent(3, 7)  # G3: 0.115 shown as 11.5%
    assert not extras.percent(3, 4)  # D3: 42


def test_calamine_still_leaves_ods_merges_to_us():
    """If calamine starts reporting .ods merges, ``office_extras`` can drop its own reading of them."""
    import python_calamine

    with (OFFICE / "cells.ods").open("rb") as handle:
        sheet = python_calamine.CalamineWorkbook.from_filelike(handle).get_sheet_by_name("单元格")
    assert not sheet.merged_cell_ranges


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_is_read_by_its_content_whatever_its_name(fmt, tmp_path):
    renamed = tmp_path / "上报材料.txt"
    shutil.copy(OFFICE / f"cells.{fmt}", renamed)
    kind = office.identify(renamed)
    assert kind == fmt
    assert dict(office.Workbook(renamed, kind).rows("单元格"))[3][2] == "文本"


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0%", True), ("0.0%", True), ("0.00%;[Red]-0.00%", True), ('0"%"', False), ("0\\%", False),
     ("General", False), ("yyyy-mm-dd", False), ("#,##0.00", False)],
)  # fmt: skip
def test_percent_formats_are_told_from_a_literal_percent_sign(code, percent):
    assert is_percent_format(code) is percent
