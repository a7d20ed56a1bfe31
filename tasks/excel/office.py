"""The one place the importer meets the spreadsheet libraries: what kind of file an upload is (by its
content, never its name), its sheets, and each sheet's rows as plain Python values.

Cell values come from python-calamine (Rust calamine) for every format: .xlsx, .xlsm, .xls and .ods,
with the values Excel, WPS or LibreOffice last computed for formulas, rich text as its plain text
and dates as dates. calamine gives no number formats and no hidden rows, so those (and an .ods
sheet's merged cells, which calamine leaves out) come from the file's own parts: see
``office_extras``. The reading runs in a child process with a memory and time limit
(``office_child``): a damaged file must not take the worker down with it.
``tests/test_excel_office.py`` pins what this module relies on from the library.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .office_extras import SheetExtras

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CHILD = Path(__file__).with_name("office_child.py")


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
    except Exception:  # zipfile raises BadZipFile, zlib.error, UnicodeDecodeError … on a broken archive
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
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        return Kind.UNKNOWN  # binary that happens to decode
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


class WorkbookUnreadable(Exception):
    """The file could not be read (damaged, too large to read within the limits, or a library failure)."""


class WorkbookEncrypted(WorkbookUnreadable):
    """The file asks for a password."""


class Workbook:
    """An uploaded workbook, read whole by the child process: its sheets, and a sheet's rows and extras
    (merges, hidden rows, percent cells)."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind
        data = _read_in_child(path, kind)
        self._sheets = {sheet["name"]: sheet for sheet in data["sheets"]}
        self.sheets = [SheetInfo(sheet["name"], sheet["visible"]) for sheet in data["sheets"]]

    def _sheet(self, name: str) -> dict:
        try:
            return self._sheets[name]
        except KeyError:
            raise WorkbookUnreadable(name) from None

    def rows(self, sheet: str, *, limit: int | None = None) -> Iterator[tuple[int, list]]:
        """(row number as Excel shows it, values by 0-based column) for every row of ``sheet``; an empty
        cell is None. Rows come in sheet order, empty ones included."""
        data = self._sheet(sheet)
        padding = [None] * data["offset"]
        for index, values in enumerate(data["rows"]):
            if limit is not None and index >= limit:
                return
            yield index + 1, [*padding, *(_decode(value) for value in values)]

    def row_count(self, sheet: str) -> int:
        return len(self._sheet(sheet)["rows"])

    def extras(self, sheet: str) -> SheetExtras:
        data = self._sheet(sheet)
        return SheetExtras(
            merges=[tuple(merge) for merge in data["merges"]],
            hidden_rows=set(data["hidden"]),
            percent_cells={(row, column) for row, column in data["percent"]},
        )

    def close(self) -> None:
        self._sheets.clear()


def _decode(value):
    if value == "":
        return None
    if isinstance(value, list):
        tag, text = value
        if tag == "dt":
            return dt.datetime.fromisoformat(text)
        if tag == "d":
            return dt.date.fromisoformat(text)
        if tag == "t":
            return dt.time.fromisoformat(text)
        return dt.timedelta(seconds=text)
    return value


def _read_in_child(path: Path, kind: str) -> dict:
    """The child's reading of the whole workbook. It limits its own address space before it imports the
    libraries (no preexec_fn: the workers that call this may run threads)."""
    memory = str(settings.ZMD_IMPORT_READ_MEMORY_MB)
    try:
        finished = subprocess.run(
            [sys.executable, str(CHILD), str(path), kind, memory],
            capture_output=True, timeout=settings.ZMD_IMPORT_READ_SECONDS,
            env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8", "RUST_BACKTRACE": "0"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise WorkbookUnreadable("timed out") from None
    if finished.returncode != 0:
        raise WorkbookUnreadable(f"reader exited with {finished.returncode}")
    try:
        data = json.loads(finished.stdout)
    except ValueError:
        raise WorkbookUnreadable("no answer from the reader") from None
    if data.get("error") == "password":
        raise WorkbookEncrypted(path.name)
    if "error" in data:
        raise WorkbookUnreadable(data["error"])
    return data
