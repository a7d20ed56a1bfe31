"""Reading an uploaded breakdown sheet: refusing what is not a usable workbook, choosing the sheet that
holds the breakdown table, finding its header row below any title rows, and yielding its data rows.

Files are told apart by content (``office.identify``): .xlsx, .xlsm, .xls and .ods are read, whatever
their name; CSV, web pages, encrypted, damaged, oversized and zip-bomb files are refused, each with
its own message. A vertically merged cell hands its value down to the rows it covers; horizontal
merges (a section title across the row) are not spread. Hidden rows are left out and listed, unless
the person asks to include them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import office
from .cells import clean, normalise_name, text_of
from .layout import HEADER_LOOKUP, QUARTERS, REQUIRED_COLUMNS, header_name

HEADER_SCAN_ROWS = 30
# A zip can expand a thousandfold; refuse before a library inflates a bomb.
MAX_EXPANSION = 100
_PERCENT_KEYS = frozenset(("value", *QUARTERS))


class FileRefused(Exception):
    """The file cannot be read as a breakdown sheet; the message (translated) says why.

    ``file`` and ``sheet`` are set by whoever knows them, and named in front of the message."""

    def __init__(self, message: str, *, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.file = ""
        self.sheet = sheet

    def __str__(self) -> str:
        if self.file and self.sheet:
            where = _("File “%(file)s”, sheet “%(sheet)s”") % {"file": self.file, "sheet": self.sheet}
        elif self.file:
            where = _("File “%(file)s”") % {"file": self.file}
        else:
            return self.message
        return f"{where}：{self.message}"


class SheetChoiceNeeded(FileRefused):
    """More than one sheet holds a breakdown table; the person must say which (``sheets``)."""

    def __init__(self, sheets: list[str]):
        super().__init__(
            _("Several sheets hold a breakdown table (%(names)s); choose the one to import.")
            % {"names": "、".join(sheets)}
        )
        self.sheets = sheets


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
    sheet: str = ""


def check_file(path: Path, original_name: str) -> str:
    """The file's kind when it can be read; otherwise refuse it with the reason, by its content."""
    size = path.stat().st_size
    limit_mb = settings.ZMD_IMPORT_MAX_MB
    if size > limit_mb * 1024 * 1024:
        raise FileRefused(
            _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
            % {"size": size / 1024 / 1024, "limit": limit_mb}
        )
    kind = office.identify(path)
    if kind not in office.READABLE:
        raise FileRefused(_refusal_for(kind))
    if kind in (office.Kind.XLSX, office.Kind.ODS):
        _check_archive(path, size, limit_mb)
    return kind


def _refusal_for(kind: str) -> str:
    messages = {
        office.Kind.ENCRYPTED: _("The file is encrypted (文件已加密): remove the password and upload it again."),
        office.Kind.CSV: _(
            "This is a CSV file (这是CSV文件), plain text without a workbook's columns and formats. "
            "Open it in Excel, WPS or LibreOffice and save it as .xlsx."
        ),
        office.Kind.HTML: _(
            "This is a web page saved under a spreadsheet's name, not a workbook. "
            "Open it in Excel, WPS or LibreOffice and save it as .xlsx."
        ),
        office.Kind.XLSB: _("This is an Excel binary workbook (.xlsb). Save it as .xlsx and upload it again."),
        office.Kind.DAMAGED: _("The workbook is damaged and cannot be read. Open it in Excel and save it again."),
    }
    return messages.get(
        kind,
        _("The file is not a spreadsheet (不是表格文件). Upload an Excel or WPS workbook (.xlsx, .xls) or .ods."),
    )


def _check_archive(path: Path, size: int, limit_mb: int) -> None:
    damaged = _("The workbook is damaged and cannot be read. Open it in Excel and save it again.")
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip()
    except Exception:  # BadZipFile, zlib.error, UnicodeDecodeError …: the archive is broken
        raise FileRefused(damaged) from None
    if bad is not None:
        raise FileRefused(damaged)
    if expanded > max(size, 1) * MAX_EXPANSION and expanded > limit_mb * 1024 * 1024:
        raise FileRefused(_("The workbook expands to far more data than its size suggests and is refused."))


def open_workbook(path: Path, kind: str) -> office.Workbook:
    try:
        return office.Workbook(path, kind)
    except office.WorkbookEncrypted:
        raise FileRefused(_refusal_for(office.Kind.ENCRYPTED)) from None
    except office.WorkbookUnreadable:
        raise FileRefused(_refusal_for(office.Kind.DAMAGED)) from None


def _header_key(value) -> str | None:
    if not isinstance(value, str):
        return None
    name = normalise_name(value)
    return HEADER_LOOKUP.get(name) or HEADER_LOOKUP.get(name.split("(")[0])


class SheetReader:
    """Finds the breakdown table in a workbook and yields its rows.

    ``sheet`` names the sheet to read (otherwise the one visible sheet whose header row names the
    breakdown columns); ``include_hidden`` reads hidden rows too. Hidden rows left out are listed in
    ``hidden_rows`` as (row number, title) once ``rows()`` has run.
    """

    def __init__(self, workbook: office.Workbook, *, sheet: str | None = None, include_hidden: bool = False):
        self.workbook = workbook
        self.sheet_name = sheet
        self.include_hidden = include_hidden
        self.layout: SheetLayout | None = None
        self.hidden_rows: list[tuple[int, str]] = []

    def find_table(self) -> SheetLayout:
        self.layout = self._named_table() if self.sheet_name else self._only_table()
        return self.layout

    def _named_table(self) -> SheetLayout:
        names = [info.name for info in self.workbook.sheets]
        if self.sheet_name not in names:
            raise FileRefused(
                _("The workbook has no sheet named “%(name)s”; its sheets are %(names)s.")
                % {"name": self.sheet_name, "names": "、".join(names)}
            )
        layout = self._layout_of(self.sheet_name)
        if layout is None:
            raise FileRefused(self._no_header_message(), sheet=self.sheet_name)
        return layout

    def _only_table(self) -> SheetLayout:
        """The one visible sheet that holds a breakdown table."""
        found: list[SheetLayout] = []
        refusals: list[FileRefused] = []
        for info in self.workbook.sheets:
            if not info.visible:
                continue
            try:
                layout = self._layout_of(info.name)
            except FileRefused as refused:
                refusals.append(refused)
                continue
            if layout is not None:
                found.append(layout)
        if len(found) > 1:
            raise SheetChoiceNeeded([layout.sheet for layout in found])
        if found:
            return found[0]
        if refusals:
            raise refusals[0]
        raise FileRefused(self._no_header_message())

    @staticmethod
    def _no_header_message() -> str:
        expected = "、".join(header_name(key) for key in ("seq", "title", "lead", "deadline"))
        return _("No header row was found. The table needs a row of column headers such as %(headers)s.") % {
            "headers": expected
        }

    def _layout_of(self, sheet: str) -> SheetLayout | None:
        buffer = [
            (number, [clean(value) for value in values])
            for number, values in self.workbook.rows(sheet, limit=HEADER_SCAN_ROWS)
        ]
        layout = _layout_from(buffer, sheet)
        if layout is not None:
            layout.max_row = self.workbook.row_count(sheet)
        return layout

    def rows(self) -> Iterator[RawRow]:
        """Data rows below the header; empty rows and repeated header rows are skipped."""
        layout = self.layout
        extras = self.workbook.extras(layout.sheet)
        merges = _VerticalMerges(extras.merges, layout.header_row)
        percent_keys = {key: column for key, column in layout.columns.items() if key in _PERCENT_KEYS}
        limit = settings.ZMD_IMPORT_MAX_ROWS
        count = 0
        for number, row in self.workbook.rows(layout.sheet):
            if number <= layout.header_row:
                continue
            values = merges.values(number, row, layout.columns)
            if not self._is_data(number, values, extras.hidden_rows):
                continue
            count += 1
            if count > limit:
                raise FileRefused(
                    _("The sheet has more than %(limit)d rows; split it or ask for a higher limit.") % {"limit": limit},
                    sheet=layout.sheet,
                )
            percent = frozenset(
                key
                for key, column in percent_keys.items()
                if isinstance(values.get(key), int | float) and extras.percent(number, column + 1)
            )
            yield RawRow(number, values, percent)

    def _is_data(self, number: int, values: dict[str, object], hidden_rows: set[int]) -> bool:
        """Not empty, not the header repeated for printing, and not hidden (hidden rows are listed)."""
        if not values:
            return False
        if len(values) > 1 and all(_header_key(v) == k for k, v in values.items()):
            return False
        if number in hidden_rows and not self.include_hidden:
            self.hidden_rows.append((number, text_of(values.get("title") or values.get("seq"))))
            return False
        return True


class _VerticalMerges:
    """A vertically merged cell below the header hands its value down to the rows it covers."""

    def __init__(self, merges: list, header_row: int):
        self.ends = {(top, left - 1): bottom for top, left, bottom, _right in merges if bottom > top > header_row}
        self.filling: dict[int, tuple[object, int]] = {}  # column → (value, last row it covers)

    def values(self, number: int, row: list, columns: dict[str, int]) -> dict[str, object]:
        """The row's non-empty cleaned values by column key."""
        values: dict[str, object] = {}
        for key, column in columns.items():
            value = self._filled(number, column, clean(row[column]) if column < len(row) else None)
            if value is not None and value != "":
                values[key] = value
        return values

    def _filled(self, number: int, column: int, value):
        end = self.ends.get((number, column))
        if end is not None:
            self.filling[column] = (value, end)
        elif value is None and column in self.filling:
            held, until = self.filling[column]
            if number <= until:
                return held
            del self.filling[column]
        return value


def _layout_from(buffer: list[tuple[int, list]], sheet: str) -> SheetLayout | None:
    """The header row (and a second header row of quarters below it) among the first rows of a sheet."""
    best = _best_header(buffer)
    if best is None:
        return None
    header_rows = _header_rows(buffer, best)
    columns, ignored = _header_columns(buffer, header_rows, sheet)
    for key in REQUIRED_COLUMNS:
        if key not in columns:
            raise FileRefused(_("The sheet has no %(header)s column.") % {"header": header_name(key)}, sheet=sheet)
    title = " ".join(text_of(v) for _n, values in buffer[:best] for v in values if v not in (None, ""))
    header_row = buffer[header_rows[-1]][0]
    return SheetLayout(columns=columns, header_row=header_row, title=title, ignored_headers=ignored, sheet=sheet)


def _best_header(buffer: list[tuple[int, list]]) -> int | None:
    """The row naming the most columns, 目标任务 among them (at least two)."""
    best, best_score = None, 0
    for index, (_number, values) in enumerate(buffer):
        keys = [_header_key(value) for value in values]
        score = sum(1 for key in keys if key)
        if score > best_score and "title" in keys:
            best, best_score = index, score
    return best if best_score >= 2 else None


def _header_rows(buffer: list[tuple[int, list]], best: int) -> list[int]:
    """A two-level header: quarters (or others) on the row below the main header."""
    if best + 1 < len(buffer):
        above = {key for key in (_header_key(value) for value in buffer[best][1]) if key}
        below = [_header_key(value) for value in buffer[best + 1][1]]
        if any(key and key not in above for key in below):
            return [best, best + 1]
    return [best]


def _header_columns(buffer: list[tuple[int, list]], header_rows: list[int], sheet: str) -> tuple[dict, list]:
    """Column key → 0-based index, and the headers of the last header row that are not read."""
    columns: dict[str, int] = {}
    ignored = []
    for index in header_rows:
        for column, value in enumerate(buffer[index][1]):
            key = _header_key(value)
            if key is None:
                if isinstance(value, str) and value and index == header_rows[-1]:
                    ignored.append(value)
                continue
            if key in columns and columns[key] != column:
                raise FileRefused(
                    _("The column %(header)s appears twice in the header row.") % {"header": header_name(key)},
                    sheet=sheet,
                )
            columns[key] = column
    return columns, ignored
