"""The sheet's layout: its columns' headers (declared by the column objects in
``tasks.excel.columns``), the order the exporter writes them in, the Chinese names of sources and
types (``tasks.excel.vocabulary``).

Columns are found by header name, in any order. The sheet's 序号 carries the hierarchy (一、
（一） 1. 1.1 …); an optional 编号 column carries the target's code so that an exported sheet
matches its targets by code; without it, targets are matched by year and title.
"""

from __future__ import annotations

from .columns import QUARTERS, SHEET_COLUMNS
from .vocabulary import SOURCE_NAMES, TYPE_NAMES

# Field key → header names that mean it (the first is the one the exporter writes).
COLUMNS: dict[str, tuple[str, ...]] = {key: names for column in SHEET_COLUMNS for key, names in column.headers.items()}
# The columns the exporter writes, in this order; the importer accepts any order and subset
# (目标任务 is the only column a sheet must have).
EXPORT_COLUMNS = [
    "seq", "code", "source", "type", "title", "leader", "lead", "co", "person", "deadline",
    "value", "measure_unit", "q1", "q2", "q3", "q4", "remarks", "duty",
]  # fmt: skip
REQUIRED_COLUMNS = ("title",)


def header_name(key: str) -> str:
    return COLUMNS[key][0]


HEADER_LOOKUP = {name: key for key, names in COLUMNS.items() for name in names}

__all__ = [
    "COLUMNS", "EXPORT_COLUMNS", "HEADER_LOOKUP", "QUARTERS", "REQUIRED_COLUMNS", "SOURCE_NAMES", "TYPE_NAMES",
    "header_name",
]  # fmt: skip
