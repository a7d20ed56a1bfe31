"""Exports of supervision and accountability, built on the ledger's exporter framework
(``tasks.excel.writer``): each is a small class that yields rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from core.excel_writer import Exporter

from .models import ResponsibilityLetter
from .services.letters import letter_assignments, letter_content


def _plan_text(milestones: list[dict]) -> str:
    parts = []
    for m in milestones:
        value = m["planned_value"] or f"{m['planned_percent']}%"
        parts.append(f"{m['due_date'][5:]} {value}{(' ' + m['description']) if m['description'] else ''}")
    return "\n".join(parts)


class LetterExporter(Exporter):
    """目标责任书 as a sheet: one line per assignment, signatures and revision in the title."""

    column_widths = (6, 12, 44, 10, 14, 10, 12, 16, 36)

    def __init__(self, letter: ResponsibilityLetter):
        self.letter = letter
        self.sheet_title = "目标责任书"

    def title(self) -> str:
        letter = self.letter
        signed = ""
        if letter.is_signed:
            unit = f"{letter.unit_signatory} {letter.unit_signed_on:%Y-%m-%d}"
            city = f"{letter.city_signatory} {letter.city_signed_on:%Y-%m-%d}"
            signed = f"（乙方：{unit}；甲方：{city}）"
        revision = f" 第{letter.revision}次修订" if letter.revision else ""
        return f"{letter.unit.name}{letter.year}年度目标责任书{revision}{signed}"

    def filename(self) -> str:
        return f"目标责任书-{self.letter.unit.name}-{self.letter.year}.xlsx"

    def headers(self) -> list[str]:
        return ["序号", "编号", "目标任务", "角色", "目标值（份额）", "计量单位", "完成时限", "责任人", "节点计划"]

    def rows(self) -> Iterator[list]:
        lines = letter_content(letter_assignments(self.letter.unit, self.letter.year))
        for number, line in enumerate(lines, start=1):
            yield [
                number, line["code"], line["title"], line["role"], Decimal(line["goal"]) if line["goal"] else None,
                line["measure_unit"] or None, line["deadline"], line["responsible_person"] or None,
                _plan_text(line["milestones"]) or None,
            ]  # fmt: skip
