"""The exporter framework: an exporter is a small class that yields rows; ``write_xlsx`` streams
them into a write-only workbook (rows go to a temporary file as they come, so memory stays flat).

Every text cell goes through ``safe_cell``: a text that begins with = + - @ is stored as text with
Excel's quote prefix, so it can never run as a formula, and numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from core.bulk_history import fewer_collections
from core.text import CONTROL_CLASS, strip_control

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")
_AS_IS = frozenset({int, float, bool, type(None), dt.date, dt.datetime})


class Exporter:
    """A table for Excel. Subclasses set ``sheet_title`` and ``filename`` and yield rows."""

    sheet_title = "Sheet1"
    column_widths: tuple[int, ...] = ()

    def title(self) -> str:
        """The line above the headers (the importer reads the year from it)."""
        return ""

    def filename(self) -> str:
        return "export.xlsx"

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[list]:
        raise NotImplementedError


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A text ``safe_cell`` would change: a control character, a formula trigger first, a line break.
# Any other text is written as it is, without the call (a hundred thousand rows hold a million texts).
_TEXT_TO_LOOK_AT = re.compile(f"\\A[{re.escape(''.join(FORMULA_TRIGGERS))}]|\n|{CONTROL_CLASS}")


def needs_neutralising(value) -> bool:
    """A text that a spreadsheet would run as a formula (CSV injection); numbers are left alone."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(sheet, value):
    """A value ready for a write-only sheet: formula-like text neutralised, decimals as numbers."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, Decimal):
        return number_or_text(value)
    if isinstance(value, str):
        value = strip_control(value)  # a row stored before the rule, or pasted through a bulk path
        if needs_neutralising(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # stored as text: Excel shows it, never evaluates it
            cell.quotePrefix = True  # and keeps it text when someone edits the cell
            return cell
        if "\n" in value:
            cell = WriteOnlyCell(sheet, value)
            cell.alignment = _WRAP
            return cell
    return value


def number_or_text(value: Decimal):
    """Decimals as Excel numbers; more digits than a double holds exactly are written as text."""
    normalised = value.normalize()
    if normalised == normalised.to_integral_value() and abs(normalised) < 10**15:
        return int(normalised)
    if len(normalised.as_tuple().digits) > 15:
        return f"{normalised:f}"
    return float(normalised)


def _styled(sheet, value, font):
    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    return cell


def write_rows(sheet, exporter: Exporter, rows: Iterable[list]) -> int:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(exporter.column_widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    title = exporter.title()
    if title:
        sheet.append([_styled(sheet, title, _TITLE)])
    sheet.append([_styled(sheet, header, _BOLD) for header in exporter.headers()])
    count = 0
    _look_at = _TEXT_TO_LOOK_AT.search
    for row in rows:
        # Numbers, dates, empty cells and plain text go in as they are; decimals and text that
        # needs it go through ``safe_cell``.
        sheet.append(
            [
                value
                if value.__class__ in _AS_IS or (value.__class__ is str and not _look_at(value))
                else safe_cell(sheet, value)
                for value in row
            ]
        )
        count += 1
    return count


def write_xlsx(exporter: Exporter, target: IO[bytes] | str) -> int:
    """Write the exporter's table to ``target`` (a path or a binary file); return the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(exporter.sheet_title[:31])
    with fewer_collections():  # a hundred thousand rows of short-lived cells
        count = write_rows(sheet, exporter, exporter.rows())
        workbook.save(target)
    return count


def as_date(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def xlsx_response(exporter: Exporter):
    """A download of the exporter's table: rows stream into a temporary file (write-only workbook),
    which the response then streams out and closes."""
    from django.http import FileResponse

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(exporter, handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=exporter.filename(), content_type=XLSX_CONTENT_TYPE)
