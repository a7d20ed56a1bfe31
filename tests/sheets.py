"""Breakdown sheets built in code for the Excel tests (no binary fixtures to keep in step)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

HEADERS = [
    "序号", "目标来源", "任务类型", "目标任务", "责任市领导", "牵头单位", "配合单位", "责任人",
    "完成时限", "年度目标值", "计量单位", "一季度", "二季度", "三季度", "四季度", "备注",
]  # fmt: skip
TITLE = "驻马店市2018年目标任务分解表"


def row(**cells) -> dict:
    """A data row by header name; the defaults make a valid task item led by 甲县."""
    base = {"目标来源": "政府工作报告", "任务类型": "任务事项类", "牵头单位": "甲县", "完成时限": "年底前"}
    return {**base, **cells}


def make_sheet(
    path: Path,
    rows: list[dict],
    *,
    headers: list[str] = HEADERS,
    title_rows: list[str] = (TITLE,),
    merges: list[str] = (),
    formats: dict[str, str] | None = None,
    raw: list[list] | None = None,
) -> Path:
    """Write an .xlsx: title rows, the header row, then ``rows`` (dicts by header) or ``raw`` lists.

    ``formats`` maps a cell ("J4") to a number format; ``merges`` are ranges such as "A1:P1".
    """
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    sheet.append(list(headers))
    for data in raw or []:
        sheet.append(data)
    for data in rows:
        sheet.append([data.get(header) for header in headers])
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def read_back(path: Path) -> list[tuple]:
    """Every row's values, for comparing two exports."""
    return [tuple(r) for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
