"""Reading an uploaded breakdown sheet: refusing what is not a usable .xlsx, finding the header row
below any title rows, and streaming the data rows in read-only mode.

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

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

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
        # Read the sheet once: the rows after the header scan continue the same pass.
        self._rows = sheet.iter_rows(min_row=layout.header_row + 1)

    def rows(self) -> Iterator[RawRow]:
        """Data rows below the header; empty rows and repeated header rows are skipped."""
        layout = self.layout
        columns = layout.columns
        percent_keys = {key for key in ("value", "q1", "q2", "q3", "q4") if key in columns}
        filling: dict[int, tuple[object, bool, int]] = {}
        starts = self._fill_starts
        limit = settings.ZMD_IMPORT_MAX_ROWS
        count = 0
        for number, row in enumerate(self._rows, start=layout.header_row + 1):
            values: dict[str, object] = {}
            percent = set()
            width = len(row)
            for key, column in columns.items():
                cell = row[column] if column < width else None
                value = clean(cell.value) if cell is not None else None
                is_percent = False
                if value is not None and value != "" and key in percent_keys:
                    is_percent = "%" in (cell.number_format or "")
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
