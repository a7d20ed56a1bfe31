"""The streamed reader of a sheet's data rows gives every cell exactly as openpyxl's own read-only parse."""

import datetime as dt

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tasks.excel.reader import open_workbook, stream_cells


def _openpyxl_cells(path) -> dict:
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = {
        (cell.row, cell.column - 1): (cell.value, "%" in (cell.number_format or ""))
        for row in workbook.active.iter_rows()
        for cell in row
        if getattr(cell, "value", None) is not None
    }
    workbook.close()
    return cells


def _streamed_cells(path, *, columns=range(12), after=0) -> dict:
    workbook = open_workbook(path)
    sheet = workbook.worksheets[0]
    cells = {
        (number, column): value
        for number, row in stream_cells(workbook, sheet, set(columns), after=after)
        for column, value in row.items()
    }
    workbook.close()
    return cells


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["标题", 1, 2.5, -3e-7, 12345678901234, True, False, "=1+1", "#N/A", "", " 空格 ", "全角１２３"])
    sheet.append([dt.date(2018, 6, 30), dt.datetime(2018, 6, 30, 8, 15), dt.time(9, 30), dt.timedelta(hours=36)])
    sheet.append([0.115, 0.5, "50%", 1800])
    for cell in sheet[3][:3]:
        cell.number_format = "0.0%"
    sheet["D3"].number_format = "#,##0"
    sheet.append([CellRichText("甲", TextBlock(InlineFont(b=True), "乙")), "多\n行", None, "＝不是公式"])
    sheet["B6"] = "跳过一行"
    sheet["L6"] = 42
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)
    expected = _openpyxl_cells(path)
    assert _streamed_cells(path) == expected
    assert expected[(4, 0)] == ("甲乙", False)  # rich text in an inline string: its plain text
    assert expected[(3, 0)] == (0.115, True)


def test_rows_above_the_header_and_columns_not_asked_for_are_left_out(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("表")
    for number in range(1, 6):
        sheet.append([f"A{number}", f"B{number}", None, f"D{number}"])
    path = tmp_path / "some.xlsx"
    workbook.save(path)
    cells = _streamed_cells(path, columns={1, 3}, after=2)
    assert cells == {(n, c): (f"{'ABCD'[c]}{n}", False) for n in (3, 4, 5) for c in (1, 3)}
