"""Exports: text that looks like a formula never runs, numbers stay numbers, the layout is the importer's."""

import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from core.excel_writer import Exporter, write_xlsx
from tasks.choices import TargetType
from tasks.excel.exporters import BreakdownExporter
from tasks.excel.layout import EXPORT_COLUMNS, header_name
from tests.factories import TargetFactory


class _Rows(Exporter):
    def __init__(self, rows):
        self._rows = rows

    def headers(self):
        return ["a", "b", "c"]

    def rows(self):
        yield from self._rows


def test_text_beginning_with_a_formula_sign_is_stored_as_text_never_as_a_formula(tmp_path):
    path = tmp_path / "x.xlsx"
    write_xlsx(_Rows([['=HYPERLINK("http://evil","点我")', "+86-396", "@SUM(A1:A2)"], ["-1+1", -5, 3.5]]), path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(path).active
    assert sheet["A2"].value == '=HYPERLINK("http://evil","点我")'
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B2"].value == "+86-396" and sheet["C2"].quotePrefix
    assert sheet["A3"].data_type == "s"
    assert (sheet["B3"].value, sheet["B3"].data_type) == (-5, "n")
    assert (sheet["C3"].value, sheet["C3"].data_type) == (3.5, "n")


def test_the_breakdown_export_has_the_importers_headers_below_a_title_with_the_year(tmp_path, erin):
    TargetFactory(title="=1+1", target_type=TargetType.INDICATOR, target_value=Decimal("8.5"), measure_unit="%")
    path = tmp_path / "b.xlsx"
    write_xlsx(BreakdownExporter(year=2018, user=erin), path)
    sheet = load_workbook(path).active
    assert "2018" in sheet["A1"].value
    assert [cell.value for cell in sheet[2]] == [header_name(key) for key in EXPORT_COLUMNS]
    row = dict(zip(EXPORT_COLUMNS, sheet[3], strict=True))
    assert row["title"].value == "=1+1" and row["title"].data_type == "s"
    assert (row["value"].value, row["value"].data_type) == (8.5, "n")


def test_text_written_without_a_look_is_exactly_what_safe_cell_would_write(tmp_path):
    """``write_rows`` writes a text as it is when ``_TEXT_TO_LOOK_AT`` finds nothing in it: only for
    texts ``safe_cell`` leaves unchanged (a control character, a formula sign first or a line break
    always go through it)."""
    from openpyxl import Workbook

    from core.excel_writer import _TEXT_TO_LOOK_AT, FORMULA_TRIGGERS, safe_cell

    sheet = Workbook(write_only=True).create_sheet()
    texts = ["甲县", "a=1", "a\tb", "a\rb", "100%", " =x", "x-1", "2018-06"]
    texts += [f"{sign}x" for sign in FORMULA_TRIGGERS] + ["x\ny", "\x0b=1", "a\x7fb", "a\x00", "a\ufffe"]
    for text in texts:
        if not _TEXT_TO_LOOK_AT.search(text):
            assert safe_cell(sheet, text) is text, repr(text)
    looked_at = [text for text in texts if _TEXT_TO_LOOK_AT.search(text)]
    assert len(looked_at) == len(FORMULA_TRIGGERS) + 5
    path = tmp_path / "x.xlsx"
    write_xlsx(_Rows([texts]), path)
    written = [cell.value for cell in next(load_workbook(path).active.iter_rows(min_row=2))]
    expected = [getattr(value, "value", value) for value in (safe_cell(sheet, text) for text in texts)]
    # (an XML reader gives a carriage return back as a line feed, whoever wrote it)
    assert written == [value.replace("\r", "\n") for value in expected]
