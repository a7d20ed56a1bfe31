"""Reading an uploaded breakdown sheet: refusing what is not a usable .xlsx, finding the header row
below any title rows (openpyxl, read-only), and streaming the data rows below it (expat, see
``stream_cells``).

Read-only worksheets do not know their merged cells, so the ranges are read from the sheet's XML
(a fast byte scan: they sit after the cell data) and a vertically merged cell hands its value down
to the rows it covers. Horizontal merges (a section title across the row) are not spread.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .cells import clean, normalise_name
from .layout import HEADER_LOOKUP, REQUIRED_COLUMNS, header_name

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
HEADER_SCAN_ROWS = 30
# A zip can expand a thousandfold; refuse before openpyxl inflates a bomb.
MAX_EXPANSION = 100
_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_BRACKETED = re.compile(r"\(.*?\)$")


class FileRefused(Exception):
    """The file cannot be read as a breakdown sheet; the message (translated) says why."""


@dataclass
class RawRow:
    """One data row as the sheet has it: cleaned values by column key, and which were % formatted."""

    number: int
    values: dict[str, object]
    percent_format: frozenset[str] = frozenset()


@dataclass
class SheetLayout:
    columns: dict[str, int]  # key → 0-based column index
    header_row: int
    title: str = ""
    ignored_headers: list[str] = field(default_factory=list)
    max_row: int | None = None


def check_file(path: Path, original_name: str) -> None:
    """Refuse, with a message each, .xls, non-Excel, encrypted, damaged and oversized files."""
    name = original_name.lower()
    size = path.stat().st_size
    limit_mb = settings.ZMD_IMPORT_MAX_MB
    if size > limit_mb * 1024 * 1024:
        raise FileRefused(
            _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
            % {"size": size / 1024 / 1024, "limit": limit_mb}
        )
    with path.open("rb") as handle:
        head = handle.read(8)
        if head == OLE_MAGIC:
            handle.seek(0)
            if ENCRYPTED_MARK in handle.read():
                raise FileRefused(
                    _("The workbook is protected by a password. Remove the password and upload it again.")
                )
            raise FileRefused(_("This is an old Excel 97-2003 workbook (.xls). Open it in Excel and save it as .xlsx."))
    if name.endswith(".xls"):
        raise FileRefused(_("This is an old Excel 97-2003 workbook (.xls). Open it in Excel and save it as .xlsx."))
    if not name.endswith(".xlsx"):
        raise FileRefused(_("Only Excel workbooks (.xlsx) can be imported."))
    if head[:4] != ZIP_MAGIC:
        raise FileRefused(_("The file is not an Excel workbook although its name ends in .xlsx."))
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused(
            _("The workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None
    if bad is not None:
        raise FileRefused(_("The workbook is damaged and cannot be read. Open it in Excel and save it again."))
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("The file is not an Excel workbook although its name ends in .xlsx."))
    if expanded > max(size, 1) * MAX_EXPANSION and expanded > limit_mb * 1024 * 1024:
        raise FileRefused(_("The workbook expands to far more data than its size suggests and is refused."))


def open_workbook(path: Path):
    """A read-only workbook with the values Excel last computed (formulas are not run here)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a broken file
        raise FileRefused(
            _("The workbook is damaged and cannot be read. Open it in Excel and save it again.")
        ) from None


def merged_ranges(workbook, sheet) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, read from the sheet's XML."""
    found: set[bytes] = set()
    with workbook._archive.open(sheet._worksheet_path) as source:
        tail = b""
        while chunk := source.read(1 << 20):
            data = tail + chunk
            found.update(match.group(1) for match in _MERGE_REF.finditer(data))
            tail = data[-64:]
    return [range_boundaries(ref.decode()) for ref in found]


def _header_key(value) -> str | None:
    if not isinstance(value, str):
        return None
    name = normalise_name(value)
    return HEADER_LOOKUP.get(name) or HEADER_LOOKUP.get(_BRACKETED.sub("", name))


class SheetReader:
    """Finds the breakdown table in a workbook and yields its rows."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.sheet = None
        self.layout: SheetLayout | None = None
        self._rows: Iterator | None = None
        self._buffer: list[tuple[int, list]] = []
        self._fill_starts: dict[tuple[int, int], int] = {}

    def find_table(self) -> SheetLayout:
        for sheet in self.workbook.worksheets:
            rows = sheet.iter_rows()
            buffer = []
            for number, row in enumerate(rows, start=1):
                buffer.append((number, [clean(cell.value) for cell in row]))
                if number >= HEADER_SCAN_ROWS:
                    break
            layout = self._layout_from(buffer)
            if layout is not None:
                self.sheet, self.layout = sheet, layout
                layout.max_row = sheet.max_row
                self._start_streaming(sheet, layout, len(buffer))
                return layout
        expected = "、".join(header_name(key) for key in ("seq", "title", "lead", "deadline"))
        raise FileRefused(
            _("No header row was found. The table needs a row of column headers such as %(headers)s.")
            % {"headers": expected}
        )

    def _layout_from(self, buffer) -> SheetLayout | None:
        best, best_score = None, 0
        for index, (_number, values) in enumerate(buffer):
            keys = [_header_key(value) for value in values]
            score = sum(1 for key in keys if key)
            if score > best_score and "title" in keys:
                best, best_score = index, score
        if best is None or best_score < 2:
            return None
        columns: dict[str, int] = {}
        ignored = []
        header_rows = [best]
        # A two-level header: quarters (or others) on the row below the main header.
        if best + 1 < len(buffer):
            below = [_header_key(value) for value in buffer[best + 1][1]]
            if any(key and key not in {k for k in (_header_key(v) for v in buffer[best][1]) if k} for key in below):
                header_rows.append(best + 1)
        for index in header_rows:
            for column, value in enumerate(buffer[index][1]):
                key = _header_key(value)
                if key is None:
                    if isinstance(value, str) and value and index == header_rows[-1]:
                        ignored.append(value)
                    continue
                if key in columns and columns[key] != column:
                    raise FileRefused(
                        _("The column %(header)s appears twice in the header row.") % {"header": header_name(key)}
                    )
                columns[key] = column
        for key in REQUIRED_COLUMNS:
            if key not in columns:
                raise FileRefused(_("The sheet has no %(header)s column.") % {"header": header_name(key)})
        title = " ".join(str(v) for _n, values in buffer[:best] for v in values if v not in (None, ""))
        header_row = buffer[header_rows[-1]][0]
        return SheetLayout(columns=columns, header_row=header_row, title=title, ignored_headers=ignored)

    def _start_streaming(self, sheet, layout: SheetLayout, scanned: int) -> None:
        for min_col, min_row, _max_col, max_row in merged_ranges(self.workbook, sheet):
            if max_row > min_row and min_row > layout.header_row:
                self._fill_starts[(min_row, min_col - 1)] = max_row
        self._rows = stream_cells(self.workbook, sheet, set(layout.columns.values()), after=layout.header_row)

    def rows(self) -> Iterator[RawRow]:
        """Data rows below the header; empty rows and repeated header rows are skipped."""
        layout = self.layout
        columns = layout.columns
        percent_keys = {key for key in ("value", "q1", "q2", "q3", "q4") if key in columns}
        filling: dict[int, tuple[object, bool, int]] = {}
        starts = self._fill_starts
        limit = settings.ZMD_IMPORT_MAX_ROWS
        count = 0
        for number, row in self._rows:
            values: dict[str, object] = {}
            percent = set()
            for key, column in columns.items():
                value, is_percent = row.get(column, _EMPTY)
                value = clean(value)
                if key not in percent_keys:
                    is_percent = False
                end = starts.get((number, column))
                if end is not None:
                    filling[column] = (value, is_percent, end)
                elif (value is None or value == "") and column in filling:
                    held, held_percent, until = filling[column]
                    if number <= until:
                        value, is_percent = held, held_percent
                    else:
                        del filling[column]
                if value is None or value == "":
                    continue
                values[key] = value
                if is_percent:
                    percent.add(key)
            if not values:
                continue
            if len(values) > 1 and all(_header_key(v) == k for k, v in values.items()):
                continue  # the header repeated for printing
            count += 1
            if count > limit:
                raise FileRefused(
                    _("The sheet has more than %(limit)d rows; split it or ask for a higher limit.") % {"limit": limit}
                )
            yield RawRow(number, values, frozenset(percent))


# --- The data rows, streamed -------------------------------------------------------------------
#
# openpyxl's read-only parse builds a dictionary and a cell object for every cell and costs about
# as much again as the rest of the import. The rows below the header are read here with expat,
# keeping only the columns the table uses; shared strings, styles and the date epoch come from the
# workbook openpyxl has opened. Values are converted as openpyxl's ``WorkSheetParser.parse_cell``
# does with ``data_only=True`` (``tests/test_excel_reader.py`` compares the two cell by cell).

_EMPTY = (None, False)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC = (_MAIN + tag for tag in ("row", "c", "v", "is", "t", "rPh"))
_CHUNK = 1 << 16


def _number(text: str):
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


class _Styles:
    """Per style id: whether a number is a date (and which kind), and whether it is shown as a percent."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.dates = workbook._date_formats
        self.durations = workbook._timedelta_formats
        self.percent: dict[int, bool] = {}

    def is_percent(self, style_id: int) -> bool:
        known = self.percent.get(style_id)
        if known is None:
            known = self.percent[style_id] = "%" in self._number_format(style_id)
        return known

    def _number_format(self, style_id: int) -> str:
        styles = self.workbook._cell_styles
        if style_id >= len(styles):
            return "General"
        format_id = styles[style_id].numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            return BUILTIN_FORMATS.get(format_id, "General")
        return self.workbook._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE] or "General"


class _SheetStream:
    """expat handlers collecting (row number, {column index: (value, is percent)}) for the wanted columns."""

    def __init__(self, workbook, columns: set[int], after: int):
        self.strings = workbook.shared_strings
        self.epoch = workbook.epoch
        self.styles = _Styles(workbook)
        self.columns = columns  # 0-based
        self.after = after
        self.rows: list[tuple[int, dict]] = []
        self.row_number = 0
        self.column = 0
        self.cells: dict[int, tuple] = {}
        self.wanted = False
        self.kind = "n"
        self.style = 0
        self.text: list[str] | None = None
        self.parts: list[str] = []
        self.inline: list[str] | None = None
        self.phonetic = False
        self.letters: dict[str, int] = {}

    def start(self, name: str, attrs: dict) -> None:
        if name == _CELL:
            reference = attrs.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                column = self.letters.get(letters)
                if column is None:
                    column = self.letters[letters] = column_index_from_string(letters) - 1
                self.column = column
            else:
                self.column += 1
            self.wanted = self.row_number > self.after and self.column in self.columns
            if self.wanted:
                self.kind = attrs.get("t", "n")
                self.style = int(attrs.get("s") or 0)
                self.parts = []
                self.inline = None
        elif not self.wanted:
            if name == _ROW:
                number = attrs.get("r")
                self.row_number = int(float(number)) if number else self.row_number + 1
                self.column = -1
                self.cells = {}
        elif name == _VALUE:
            self.text = self.parts
        elif name == _INLINE:
            self.inline = []
        elif name == _PHONETIC:
            self.phonetic = True
        elif name == _TEXT and self.inline is not None and not self.phonetic:
            self.text = self.inline

    def end(self, name: str) -> None:
        if name == _CELL:
            if self.wanted:
                self.wanted = False
                value = self._value()
                if value is not None:
                    percent = self.styles.is_percent(self.style)
                    self.cells[self.column] = (value, percent)
        elif name == _ROW:
            if self.cells:
                self.rows.append((self.row_number, self.cells))
                self.cells = {}
        elif name in (_VALUE, _TEXT):
            self.text = None
        elif name == _PHONETIC:
            self.phonetic = False

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def _value(self):
        kind = self.kind
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else None
        text = "".join(self.parts)
        if not text:
            return None
        if kind == "n":
            number = _number(text)
            if self.style in self.styles.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=self.style in self.styles.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result) and "e" (an error such as #N/A)


def stream_cells(workbook, sheet, columns: set[int], *, after: int) -> Iterator[tuple[int, dict]]:
    """(row number, {column index: (value, shown as percent)}) for each row below ``after`` that has
    a value in one of ``columns``, in sheet order."""
    stream = _SheetStream(workbook, columns, after)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = stream.start
    parser.EndElementHandler = stream.end
    parser.CharacterDataHandler = stream.characters
    with workbook._archive.open(sheet._worksheet_path) as source:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
            yield from stream.rows
            stream.rows.clear()
        parser.Parse(b"", True)
    yield from stream.rows
