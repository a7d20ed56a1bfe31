"""One sheet row read into a ``RowPlan``: each column (``tasks.excel.columns``) reads its cells, every
problem recorded with its column.

Lookups (units, leaders) are loaded once by the plan and passed in; nothing here queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..choices import Direction
from ..models import Leader, Unit
from .cells import text_of
from .columns import SHEET_COLUMNS, Cells, Quarter
from .layout import header_name
from .reader import RawRow


@dataclass
class CellProblem:
    """What is wrong with one cell: row as Excel numbers it, column by header, the value, what was expected."""

    row: int
    column: str
    letter: str
    value: str
    message: str

    def __str__(self) -> str:
        where = _("Row %(row)d, column %(column)s (%(letter)s)") % {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
        }
        if self.value:
            return _("%(where)s: found “%(value)s”; %(message)s") % {
                "where": where,
                "value": self.value[:60],
                "message": self.message,
            }
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "letter": self.letter, "value": self.value, "text": str(self)}


@dataclass
class RowPlan:
    """A sheet row parsed: the target it describes and its place in the hierarchy."""

    number: int
    level: int | None = None
    seq: str = ""
    code: str = ""
    title: str = ""
    description: str = ""
    source: str | None = None
    target_type: str | None = None
    leader: Leader | None = None
    leader_given: bool = False
    units: list[tuple[Unit, bool, Decimal | None]] = field(default_factory=list)  # (unit, is_lead, share)
    plain_person: str = ""
    persons: dict[int, str] = field(default_factory=dict)
    duty: str = ""
    deadline: dt.date | None = None
    deadline_given: bool = False
    value: Decimal | None = None
    measure_unit: str = ""
    direction: str = Direction.HIGHER
    quarters: dict[str, Quarter] = field(default_factory=dict)
    remarks: str = ""
    parent: RowPlan | None = None
    children: list[RowPlan] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    work: object = None  # the plan's TargetWork for this row

    @property
    def is_section(self) -> bool:
        return bool(self.children)


class RowParser:
    """Reads raw rows through the sheet's columns, with lookups loaded once for the whole sheet."""

    def __init__(self, *, year: int, columns: dict[str, int], units: dict[str, Unit], leaders: dict[str, Leader]):
        self.year = year
        self.columns = columns
        self.units = units  # normalised name → unit
        self.leaders = leaders  # normalised post → leader

    def problem(self, row: RowPlan, key: str, value, message: str) -> None:
        letter = get_column_letter(self.columns[key] + 1) if key in self.columns else ""
        row.problems.append(CellProblem(row.number, header_name(key), letter, text_of(value), message))

    def parse(self, raw: RawRow) -> RowPlan:
        row = RowPlan(number=raw.number)
        cells = Cells(raw.values, raw.percent_format)
        for column in SHEET_COLUMNS:
            column.read(row, cells, self)
        return row
