"""What calamine does not tell about a sheet, read from the file's own parts: which rows are hidden,
which number cells are shown as a percent, and (for .ods) which cells are merged.

- .xlsx/.xlsm: the number formats from ``xl/styles.xml`` (a style whose format code has a % outside
  quotes is a percent style), then one byte scan of the sheet's XML for hidden rows and for cells in a
  percent style. Merged cells come from calamine.
- .xls: xlrd (``formatting_info``) gives each row's hidden flag and each cell's format.
- .ods: one pass over ``content.xml`` for the sheet: ``table:visibility`` of rows, cells whose value
  type is ``percentage``, and the spans of merged cells.

Rows and columns here are 1-based, as Excel shows them. This module runs in the reading child process
(``office_child``): it imports nothing of Django or of this project.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column


# The number formats every .xlsx knows without listing them (ECMA-376 18.8.30) that show a percent.
BUILTIN_PERCENT_FORMATS = {9: "0%", 10: "0.00%"}


@dataclass
class SheetExtras:
    merges: list[Merge] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)

    def percent(self, row: int, column: int) -> bool:
        return (row, column) in self.percent_cells


def column_index(letters: str) -> int:
    """A → 1, Z → 26, AA → 27."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def extras_for(path: Path, kind: str, sheet: str, calamine_merges: list[Merge]) -> SheetExtras:
    if kind == "xlsx":
        return _xlsx_extras(path, sheet, calamine_merges)
    if kind == "xls":
        return _xls_extras(path, sheet, calamine_merges)
    if kind == "ods":
        return _ods_extras(path, sheet)
    return SheetExtras(merges=calamine_merges)


# --- .xlsx -------------------------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_QUOTED = re.compile(r'"[^"]*"|\\.')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def is_percent_format(code: str) -> bool:
    """0.0% and 0.00%;[Red]-0.00% are percents; 0"%" (a literal sign after a plain number) is not."""
    return "%" in _QUOTED.sub("", code or "")


def _xlsx_sheet_path(archive: zipfile.ZipFile, sheet: str) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{_PACKAGE_REL}Relationship")}
    for element in workbook.iter(f"{_MAIN}sheet"):
        if element.get("name") == sheet:
            target = targets[element.get(f"{_REL}id")]
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    raise KeyError(sheet)


def _xlsx_percent_styles(archive: zipfile.ZipFile) -> set[int]:
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    codes: dict[int, str] = dict(BUILTIN_PERCENT_FORMATS)
    for number_format in styles.iter(f"{_MAIN}numFmt"):
        codes[int(number_format.get("numFmtId"))] = number_format.get("formatCode", "")
    cell_formats = styles.find(f"{_MAIN}cellXfs")
    if cell_formats is None:
        return set()
    return {
        index
        for index, xf in enumerate(cell_formats.findall(f"{_MAIN}xf"))
        if is_percent_format(codes.get(int(xf.get("numFmtId", 0)), ""))
    }


def _xlsx_extras(path: Path, sheet: str, merges: list[Merge]) -> SheetExtras:
    with zipfile.ZipFile(path) as archive:
        data = archive.read(_xlsx_sheet_path(archive, sheet))
        percent_styles = _xlsx_percent_styles(archive)
    hidden: set[int] = set()
    number = 0
    for match in _ROW_TAG.finditer(data):
        attributes = match.group(1)
        found = _ROW_NUMBER.search(attributes)
        number = int(found.group(1)) if found else number + 1
        if _HIDDEN.search(attributes):
            hidden.add(number)
    percent_cells: set[tuple[int, int]] = set()
    if percent_styles:
        styles = b"|".join(str(style).encode() for style in sorted(percent_styles))
        pattern = re.compile(rb'<(?:\w+:)?c\b[^>]*\bs="(?:' + styles + rb')"[^>]*>')
        for match in pattern.finditer(data):
            reference = _CELL_REF.search(match.group(0))
            if reference:  # every writer we know names its cells; one that does not gets no percents
                column = column_index(reference.group(1).decode())
                percent_cells.add((int(reference.group(2)), column))
    return SheetExtras(merges=merges, hidden_rows=hidden, percent_cells=percent_cells)


# --- .xls --------------------------------------------------------------------------------------


def _xls_extras(path: Path, sheet: str, merges: list[Merge]) -> SheetExtras:
    import xlrd  # only .xls needs it

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=_Silent())
    try:
        data = book.sheet_by_name(sheet)
        hidden = {index + 1 for index, info in data.rowinfo_map.items() if info.hidden}
        percent_keys = {
            key for key, number_format in book.format_map.items() if is_percent_format(number_format.format_str)
        }
        percent_xfs = {index for index, xf in enumerate(book.xf_list) if xf.format_key in percent_keys}
        percent_cells = set()
        if percent_xfs:
            for row in range(data.nrows):
                for column in range(data.row_len(row)):
                    if data.cell_xf_index(row, column) in percent_xfs:
                        percent_cells.add((row + 1, column + 1))
    finally:
        book.release_resources()
    return SheetExtras(merges=merges, hidden_rows=hidden, percent_cells=percent_cells)


class _Silent:
    """xlrd writes warnings about odd records to a log file; a sheet's oddities are not ours to print."""

    def write(self, _text: str) -> None:
        pass


# --- .ods --------------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
# LibreOffice ends a sheet with a million repeated empty rows; nothing below this is data.
_MAX_ROWS = 1_048_576


def _ods_extras(path: Path, sheet: str) -> SheetExtras:
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as source:
        return _OdsScan(sheet).read(source)


class _OdsScan:
    """One pass over ``content.xml``: where the walk is (in the sheet, which row and column) and what it found."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.extras = SheetExtras()
        self.in_sheet = False
        self.row = 0
        self.column = 0

    def read(self, source) -> SheetExtras:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if element.tag == f"{_TABLE}table":
                if self._sheet_ends(event, element):
                    break
            elif self.in_sheet:
                self._in_sheet(event, element)
            elif event == "end" and element.tag in _CELLS:
                element.clear()
        return self.extras

    def _sheet_ends(self, event: str, element) -> bool:
        """A table starts (is it the sheet?) or ends (the sheet is read once it ends)."""
        if event == "start":
            self.in_sheet = element.get(f"{_TABLE}name") == self.sheet
            return False
        return self.in_sheet

    def _in_sheet(self, event: str, element) -> None:
        if element.tag == f"{_TABLE}table-row":
            self._row(event, element)
        elif element.tag in _CELLS and event == "end":
            self._cell(element)
            element.clear()

    def _row(self, event: str, element) -> None:
        repeat = min(int(element.get(f"{_TABLE}number-rows-repeated", 1)), _MAX_ROWS)
        if event == "start":
            self.column = 0
            if element.get(f"{_TABLE}visibility") in ("collapse", "filter") and repeat < 10_000:
                self.extras.hidden_rows.update(range(self.row + 1, self.row + 1 + repeat))
        else:
            self.row += repeat
            element.clear()

    def _cell(self, element) -> None:
        row, column = self.row, self.column
        repeat = int(element.get(f"{_TABLE}number-columns-repeated", 1))
        if element.get(f"{_OFFICE}value-type") == "percentage":
            self.extras.percent_cells.update((row + 1, column + 1 + n) for n in range(min(repeat, 1024)))
        rows_spanned = int(element.get(f"{_TABLE}number-rows-spanned", 1))
        columns_spanned = int(element.get(f"{_TABLE}number-columns-spanned", 1))
        if rows_spanned > 1 or columns_spanned > 1:
            self.extras.merges.append((row + 1, column + 1, row + rows_spanned, column + columns_spanned))
        self.column += repeat
