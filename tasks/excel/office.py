"""The one place the importer meets the spreadsheet libraries: what kind of file an upload is (by its
content, never its name), its sheets, and each sheet's rows as plain Python values.

Cell values come from python-calamine (Rust calamine) for every format: .xlsx, .xlsm, .xls and .ods,
with the values Excel, WPS or LibreOffice last computed for formulas, rich text as its plain text
and dates as dates. calamine gives no number formats and no hidden rows, so those (and an .ods
sheet's merged cells, which calamine leaves out) come from the file's own parts: see
``office_extras``. ``tests/test_excel_office.py`` pins what this module relies on from the library.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from .office_extras import SheetExtras, extras_for

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class Kind:
    """What a file is, as far as the importer cares."""

    XLSX = "xlsx"  # also .xlsm: the same parts plus macros, which are never run
    XLS = "xls"  # Excel 97-2003 (BIFF8), still the default of many WPS installs
    ODS = "ods"
    XLSB = "xlsb"
    ENCRYPTED = "encrypted"
    CSV = "csv"
    HTML = "html"
    OTHER_ZIP = "other-zip"  # a Word document, an archive …
    OTHER_OLE = "other-ole"  # an old Word document …
    DAMAGED = "damaged"
    UNKNOWN = "unknown"


READABLE = (Kind.XLSX, Kind.XLS, Kind.ODS)


def identify(path: Path) -> str:
    """The kind of file by its bytes: a workbook renamed to .txt is still a workbook."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    return _text_kind(head)


def _ole_kind(path: Path) -> str:
    # Directory entries of a compound file are named in UTF-16; an encrypted .xlsx is an OLE file
    # holding "EncryptedPackage", a workbook of Excel 97-2003 holds "Workbook" (or "Book" for Excel 5).
    data = path.read_bytes()
    if "EncryptedPackage".encode("utf-16-le") in data:
        return Kind.ENCRYPTED
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return Kind.XLS
    return Kind.OTHER_OLE


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return Kind.DAMAGED
    if "xl/workbook.xml" in names:
        return Kind.XLSX
    if "xl/workbook.bin" in names:
        return Kind.XLSB
    if mimetype == ODS_MIMETYPE:
        return Kind.ODS
    return Kind.OTHER_ZIP


def _text_kind(head: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return Kind.UNKNOWN
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<table", "<?xml")) or "<table" in lowered[:1000]:
        return Kind.HTML  # web systems often send an HTML table named .xls
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and any(separator in lines[0] for separator in (",", "\t", "，", ";")):
        return Kind.CSV
    return Kind.UNKNOWN


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool


class Workbook:
    """An opened workbook: its sheets, and a sheet's rows and extras (merges, hidden rows, percents).

    Raises ``python_calamine.PasswordError`` for an encrypted file and ``WorkbookUnreadable`` for
    anything else calamine cannot read.
    """

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind
        try:
            # From the bytes, not the path: calamine picks a format by the file's extension, and the
            # kind was decided by content (an upload's name proves nothing).
            with path.open("rb") as handle:
                self._book = python_calamine.CalamineWorkbook.from_filelike(handle)
        except python_calamine.PasswordError:
            raise
        except Exception as error:  # calamine raises its own errors, ValueError and others on broken files
            raise WorkbookUnreadable(str(error)) from error
        self.sheets = [
            SheetInfo(meta.name, meta.visible == python_calamine.SheetVisibleEnum.Visible)
            for meta in self._book.sheets_metadata
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
        self._extras: dict[str, SheetExtras] = {}

    def rows(self, sheet: str, *, limit: int | None = None) -> Iterator[tuple[int, list]]:
        """(row number as Excel shows it, values by 0-based column) for every row of ``sheet``; an empty
        cell is None. Rows come in sheet order, empty ones included."""
        try:
            data = self._book.get_sheet_by_name(sheet)
        except Exception as error:
            raise WorkbookUnreadable(str(error)) from error
        # calamine's rows start at the sheet's first row but its columns at the first used column.
        padding = [None] * data.start[1] if data.start else []
        for index, values in enumerate(data.iter_rows()):
            if limit is not None and index >= limit:
                return
            yield index + 1, [*padding, *(None if value == "" else value for value in values)]

    def row_count(self, sheet: str) -> int:
        end = self._book.get_sheet_by_name(sheet).end
        return end[0] + 1 if end else 0

    def extras(self, sheet: str) -> SheetExtras:
        if sheet not in self._extras:
            try:
                self._extras[sheet] = extras_for(self.path, self.kind, sheet, self._calamine_merges(sheet))
            except Exception as error:  # a part calamine read but our reader cannot: treat as damaged
                raise WorkbookUnreadable(str(error)) from error
        return self._extras[sheet]

    def _calamine_merges(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """(first row, first column, last row, last column), 1-based, as calamine knows them (not for .ods)."""
        ranges = self._book.get_sheet_by_name(sheet).merged_cell_ranges or []
        return [(top + 1, left + 1, bottom + 1, right + 1) for (top, left), (bottom, right) in ranges]

    def close(self) -> None:
        self._book.close()


class WorkbookUnreadable(Exception):
    """calamine (or our reading of a part it skips) could not read the file."""
