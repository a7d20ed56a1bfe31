"""The province bulletin as a sheet (保位争先): reading an upload into rows, and the template to fill.

Reading goes through the ledger importer's file checks and its child-process reader
(``tasks.excel.reader``): a file is told by its content, calamine resolves shared strings and rich
text to plain text whichever program wrote the sheet, and a damaged file cannot take the worker
down. The header row (城市, 指标, 数值, 增速(%), 排名, in any order) may sit below title rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.excel_writer import Exporter
from tasks.excel.cells import normalise_name
from tasks.excel.reader import FileRefused, check_file, open_workbook

from .models import ProvinceCity, ProvinceIndicator
from .services.province import BulletinRow

HEADERS = {"城市": "city", "地市": "city", "指标": "indicator", "数值": "value", "增速(%)": "growth", "增速": "growth",
           "排名": "rank", "位次": "rank"}  # fmt: skip
REQUIRED = ("city", "indicator", "rank")
HEADER_SCAN_ROWS = 10


def _header_columns(values: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str):
            key = HEADERS.get(normalise_name(value))
            if key and key not in columns:
                columns[key] = index
    return columns


def read_bulletin(uploaded) -> list[BulletinRow]:
    """The data rows of an uploaded bulletin; a file that is not a usable sheet is refused."""
    suffix = Path(uploaded.name or "").suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
        handle.flush()
        path = Path(handle.name)
        try:
            kind = check_file(path, uploaded.name)
            workbook = open_workbook(path, kind)
        except FileRefused as refused:
            raise RuleViolation(refused.message) from None
    try:
        for info in workbook.sheets:
            if not info.visible:
                continue
            rows = list(workbook.rows(info.name))
            for number, values in rows[:HEADER_SCAN_ROWS]:
                columns = _header_columns(values)
                if all(key in columns for key in REQUIRED):
                    return list(_data_rows(rows, number, columns))
    finally:
        workbook.close()
    raise RuleViolation(
        _("No sheet has the bulletin's headers (城市, 指标, 数值, 增速(%), 排名); download the template.")
    )


def _data_rows(rows, header_number: int, columns: dict[str, int]) -> Iterator[BulletinRow]:
    def cell(values, key):
        index = columns.get(key)
        if index is None or index >= len(values):
            return None
        value = values[index]
        return value.strip() or None if isinstance(value, str) else value

    for number, values in rows:
        if number <= header_number:
            continue
        row = {key: cell(values, key) for key in ("city", "indicator", "value", "growth", "rank")}
        if all(value is None for value in row.values()):
            continue  # an empty line between blocks
        yield BulletinRow(number=number, **row)


class BulletinTemplate(Exporter):
    """The sheet the office fills from the province's bulletin: one line per city and indicator."""

    sheet_title = "全省通报"
    column_widths = (12, 28, 14, 12, 8)

    def title(self) -> str:
        return _("Province bulletin: fill one line per city and indicator")

    def filename(self) -> str:
        return "province-bulletin-template.xlsx"

    def headers(self) -> list[str]:
        return ["城市", "指标", "数值", "增速(%)", "排名"]

    def rows(self) -> Iterator[list]:
        cities = list(ProvinceCity.objects.filter(is_active=True).values_list("name", flat=True))
        for indicator in ProvinceIndicator.objects.all():
            for city in cities:
                yield [city, indicator.name, None, None, None]
