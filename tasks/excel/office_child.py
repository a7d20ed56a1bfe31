"""Reads an uploaded workbook in a process of its own and prints it as JSON (run by ``office.Workbook``).

An upload is untrusted input for a native library: a damaged .xls has made calamine panic, and one
asked for 8 GB in a single allocation, which aborts the whole process. So the reading runs here, a
plain Python process started with a memory and time limit, importing nothing of Django; whatever
happens to it, the web worker or the Celery worker that asked only sees "could not be read".

Usage: python office_child.py PATH KIND MEMORY_MB  → stdout: {"sheets": [...]} or {"error": "..."}
Values are JSON, with dates and times tagged (see ``encode``); the parent never unpickles anything.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path


def encode(value):
    """A cell value as JSON: "" for empty, dates and times as tagged lists."""
    if isinstance(value, dt.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["t", value.isoformat()]
    if isinstance(value, dt.timedelta):
        return ["td", value.total_seconds()]
    if isinstance(value, float) and value != value:  # NaN: JSON has no such number
        return ""
    return value


def read(path: Path, kind: str) -> dict:
    import python_calamine

    sys.path.insert(0, str(Path(__file__).parent))  # office_extras sits beside this script
    from office_extras import extras_for

    with path.open("rb") as handle:
        book = python_calamine.CalamineWorkbook.from_filelike(handle)
    sheets = []
    for meta in book.sheets_metadata:
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        sheet = book.get_sheet_by_name(meta.name)
        # calamine's rows start at the sheet's first row but its columns at the first used column.
        offset = sheet.start[1] if sheet.start else 0
        rows = [[encode(value) for value in row] for row in sheet.iter_rows()]
        ranges = sheet.merged_cell_ranges or []
        merges = [(top + 1, left + 1, bottom + 1, right + 1) for (top, left), (bottom, right) in ranges]
        extras = extras_for(path, kind, meta.name, merges)
        sheets.append(
            {
                "name": meta.name,
                "visible": meta.visible == python_calamine.SheetVisibleEnum.Visible,
                "offset": offset,
                "rows": rows,
                "merges": extras.merges,
                "hidden": sorted(extras.hidden_rows),
                "percent": sorted(extras.percent_cells),
            }
        )
    book.close()
    return {"sheets": sheets}


def main() -> int:
    path, kind, memory_mb = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))  # an allocation past it fails, here only
    try:
        result = read(path, kind)
    except BaseException as error:  # calamine's panics are BaseExceptions; any failure means "unreadable"
        password = type(error).__name__ == "PasswordError"
        result = {"error": "password" if password else f"{type(error).__name__}: {error}"[:300]}
    json.dump(result, sys.stdout, ensure_ascii=False, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
