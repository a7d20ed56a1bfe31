"""One sheet row read into a ``RowPlan``: every cell parsed, every problem recorded with its column.

Lookups (units, leaders) are loaded once by the plan and passed in; nothing here queries.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..choices import Direction
from ..models import Leader, Unit
from .cells import (
    CellError,
    looks_numeric,
    nfkc,
    normalise_name,
    parse_deadline,
    parse_percent_or_number,
    parse_sequence,
    parse_value,
    split_people,
    split_units,
    text_of,
)
from .layout import QUARTERS, SOURCE_NAMES, TYPE_NAMES, header_name
from .reader import RawRow

MAX_VALUE = Decimal(10) ** 14  # DecimalField(max_digits=18, decimal_places=4)
_PROGRESS = "进度"
_FREE_TEXT = {"title", "remarks"}
_LABELLED = re.compile(r"^(?P<number>[+-]?\d+(?:\.\d+)?)(?P<percent>%?):(?P<text>.+)$", re.S)


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
class Quarter:
    """A quarterly column's cell: the plan node due at the quarter end."""

    number: Decimal | None = None
    is_percent: bool = False
    is_progress: bool = False  # "进度50%": a percent of the work, even for a target measured in %
    text: str = ""


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


def _names_lookup(names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise_name(name): key for key, aliases in names.items() for name in aliases}


SOURCE_LOOKUP = _names_lookup(SOURCE_NAMES)
TYPE_LOOKUP = _names_lookup(TYPE_NAMES)


def source_in_title(title: str) -> str | None:
    """A section titled "一、中央和省下达的目标任务" names its source."""
    name = normalise_name(title)
    for alias, key in SOURCE_LOOKUP.items():
        if len(alias) >= 4 and alias in name:
            return key
    return None


class RowParser:
    """Parses raw rows with lookups loaded once for the whole sheet."""

    def __init__(self, *, year: int, columns: dict[str, int], units: dict[str, Unit], leaders: dict[str, Leader]):
        self.year = year
        self.columns = columns
        self.units = units
        self.leaders = leaders

    def problem(self, row: RowPlan, key: str, value, message: str) -> None:
        letter = get_column_letter(self.columns[key] + 1) if key in self.columns else ""
        row.problems.append(CellProblem(row.number, header_name(key), letter, text_of(value), message))

    def _suggest(self, name: str, lookup: dict) -> str:
        # Chinese names are short: one wrong character in 乙县/乙局 is already half the name.
        matches = [key for key in lookup if name and (name in key or key in name)][:1]
        matches = matches or difflib.get_close_matches(name, lookup.keys(), n=1, cutoff=0.5)
        if matches:
            return _(" Did you mean %(name)s?") % {"name": lookup[matches[0]]}
        return ""

    def parse(self, raw: RawRow) -> RowPlan:
        original = raw.values
        values = {key: value if key in _FREE_TEXT else nfkc(value) for key, value in original.items()}
        row = RowPlan(number=raw.number)
        row.level, row.seq, seq_rest = parse_sequence(values.get("seq"))
        title_text = text_of(values.get("title"))
        if not title_text and seq_rest:
            title_text = seq_rest  # a section title merged across from the 序号 cell
        if row.level is None and title_text and "seq" not in values:
            level, seq, rest = parse_sequence(nfkc(title_text))
            if level in (1, 2) and rest:
                row.level, row.seq, title_text = level, seq, rest
        if values.get("seq") not in (None, "") and row.level is None:
            self.problem(row, "seq", values["seq"], _("expected a number such as 一、 （一） 1 or 1.1"))
        title, _sep, description = title_text.partition("\n")
        row.title, row.description = title.strip(), description.strip()
        if not row.title:
            self.problem(row, "title", "", _("the target's title is empty"))
        elif len(row.title) > 200:
            self.problem(row, "title", row.title, _("a title of at most 200 characters (put details on the next line)"))
        self._code(row, values)
        self._vocabularies(row, values)
        self._leader(row, values)
        self._units(row, values)
        self._deadline(row, values)
        self._value(row, values, raw.percent_format)
        self._quarters(row, values, original, raw.percent_format)
        row.remarks = text_of(values.get("remarks"))
        self._people(row, original)
        return row

    def _code(self, row, values) -> None:
        code = text_of(values.get("code"))
        if len(code) > 32:
            self.problem(row, "code", code, _("a code of at most 32 characters"))
        row.code = code

    def _vocabularies(self, row, values) -> None:
        if "source" in values:
            text = text_of(values["source"])
            row.source = SOURCE_LOOKUP.get(normalise_name(text))
            if row.source is None:
                names = "、".join(names[0] for names in SOURCE_NAMES.values())
                self.problem(row, "source", text, _("one of the five sources: %(names)s") % {"names": names})
        if "type" in values:
            text = text_of(values["type"])
            row.target_type = TYPE_LOOKUP.get(normalise_name(text))
            if row.target_type is None:
                names = "、".join(names[0] for names in TYPE_NAMES.values())
                self.problem(row, "type", text, _("one of the four types: %(names)s") % {"names": names})

    def _leader(self, row, values) -> None:
        text = text_of(values.get("leader"))
        if not text:
            return
        row.leader_given = True
        row.leader = self.leaders.get(normalise_name(text))
        if row.leader is None:
            self.problem(
                row,
                "leader",
                text,
                _("a city leader's post as the system knows it.") + self._suggest(normalise_name(text), self.leaders),
            )

    def _units(self, row, values) -> None:
        seen: set[int] = set()
        for key in ("lead", "co"):
            for index, (name, share) in enumerate(split_units(text_of(values.get(key)))):
                unit = self.units.get(normalise_name(name))
                if unit is None:
                    message = _("a unit the system knows.") + self._suggest(normalise_name(name), self.units)
                    self.problem(row, key, name, message)
                    continue
                if unit.pk in seen:
                    self.problem(row, key, name, _("each unit once per target (this one is listed twice)"))
                    continue
                if share is not None and share < 0:
                    self.problem(row, key, name, _("a share that is not negative"))
                seen.add(unit.pk)
                row.units.append((unit, key == "lead" and index == 0, share))

    def _people(self, row, values) -> None:
        text = text_of(values.get("person"))
        plain, pairs = split_people(text)
        by_name = {normalise_name(unit.name): unit for unit, _lead, _share in row.units}
        row.plain_person = plain
        for name, person in pairs.items():
            unit = by_name.get(name)
            if unit is None:
                self.problem(row, "person", f"{name}:{person}", _("“unit: person” for a unit named in this row"))
            else:
                row.persons[unit.pk] = person
        for person in [plain, *pairs.values()]:
            if len(person) > 64:
                self.problem(row, "person", person, _("a name of at most 64 characters"))

    def _deadline(self, row, values) -> None:
        value = values.get("deadline")
        if value in (None, ""):
            return
        try:
            row.deadline = parse_deadline(value, year=self.year)
            row.deadline_given = True
        except CellError as error:
            self.problem(row, "deadline", value, str(error))

    def _value(self, row, values, percent_format) -> None:
        row.measure_unit = text_of(values.get("measure_unit"))
        try:
            row.value, row.measure_unit, row.direction = parse_value(
                values.get("value"), percent_format="value" in percent_format, measure_unit=row.measure_unit
            )
        except CellError as error:
            self.problem(row, "value", values.get("value"), str(error))
            return
        if len(row.measure_unit) > 32:
            self.problem(row, "measure_unit", row.measure_unit, _("a unit of measure of at most 32 characters"))
        if row.value is not None and abs(row.value) >= MAX_VALUE:
            self.problem(row, "value", values.get("value"), _("a number below 100 trillion"))

    def _quarters(self, row, values, original, percent_format) -> None:
        for key in QUARTERS:
            value = values.get(key)
            if value in (None, ""):
                continue
            quarter = Quarter()
            if isinstance(value, str) and value.startswith(_PROGRESS):
                value, quarter.is_progress = value[len(_PROGRESS) :].strip(), True
            labelled = _LABELLED.match(value) if isinstance(value, str) else None
            try:
                if labelled:
                    quarter.number, quarter.is_percent = parse_percent_or_number(
                        labelled.group("number") + labelled.group("percent"), percent_format=False
                    )
                    quarter.text = re.split(r"[:：]", str(original[key]), maxsplit=1)[-1].strip()
                elif looks_numeric(value):
                    quarter.number, quarter.is_percent = parse_percent_or_number(
                        value, percent_format=key in percent_format
                    )
                elif isinstance(value, dt.date):
                    raise CellError(_("a number such as 450, a percent such as 50%, or what is due"))
                else:
                    quarter.text = text_of(original[key])
                    if quarter.is_progress:
                        quarter.text = quarter.text[len(_PROGRESS) :].strip()
            except CellError as error:
                self.problem(row, key, value, str(error))
                continue
            if len(quarter.text) > 200:
                self.problem(row, key, value, _("a description of at most 200 characters"))
            if quarter.number is not None and abs(quarter.number) >= MAX_VALUE:
                self.problem(row, key, value, _("a number below 100 trillion"))
            row.quarters[key] = quarter
