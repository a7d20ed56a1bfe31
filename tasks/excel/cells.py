"""Turning what people type into Excel cells into values, and values back into safe cells.

Each parser takes an already normalised cell (``clean``) and returns a value or raises
``CellError`` whose message says what was expected; the import plan adds row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.text import strip_control

from ..choices import Direction

FOUR_PLACES = Decimal("0.0001")
_WHITESPACE = re.compile(r"[ \t\u3000\xa0]+")
# Leading or trailing space, a run of spaces, a tab, an ideographic or no-break space, a line break.
_UNTIDY = re.compile(r"^\s|\s$|  |[\t\u3000\xa0\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class CellError(ValueError):
    """A cell that cannot be read; the message (translated) says what was expected."""


def clean(value):
    """Tidy text as typed: spaces collapsed, lines stripped, empty lines dropped; keep other types.

    Free text (titles, remarks) keeps its full-width punctuation: official wording is not ours to
    change. Everything that is parsed or matched goes through ``nfkc`` as well.
    """
    if isinstance(value, str):
        if not _UNTIDY.search(value):
            return value  # the common case, and a sheet has a hundred thousand cells
        text = strip_control(value).replace("\r\n", "\n").replace("\r", "\n")
        lines = [_WHITESPACE.sub(" ", line).strip() for line in text.split("\n")]
        return "\n".join(line for line in lines if line)
    return value


def nfkc(value):
    """NFKC-normalised text (full-width digits, letters and brackets become ASCII); other types as they are."""
    if isinstance(value, str):
        return _nfkc_text(value)
    return value


@functools.lru_cache(maxsize=8192)
def _nfkc_text(text: str) -> str:
    # Cached: unit names, sources, types and deadlines repeat on every row.
    return clean(unicodedata.normalize("NFKC", text))


def text_of(value) -> str:
    """A cleaned cell as text: numbers without a trailing .0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@functools.lru_cache(maxsize=8192)
def normalise_name(text: str) -> str:
    """The form names are compared in: NFKC, no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


# --- Numbers -----------------------------------------------------------------------------------

_LOWER_WORDS = ("≤", "<=", "<", "不高于", "不超过", "低于", "控制在", "下降到")
_HIGHER_WORDS = ("≥", ">=", ">", "不低于", "不少于", "达到", "超过", "完成", "增长", "约")
_LOWER_SUFFIXES = ("以内", "以下")
_HIGHER_SUFFIXES = ("以上", "左右")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def _to_decimal(number) -> Decimal:
    # str() of a float is its shortest exact repr, so 0.115 stays 0.115 and not 0.11500000000000000499.
    return Decimal(str(number)) if isinstance(number, float) else Decimal(number)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP).normalize() + 0


def parse_value(value, *, percent_format: bool, measure_unit: str) -> tuple[Decimal | None, str, str]:
    """A target value from a cell: (value, unit of measure, direction).

    Numbers, text with full-width digits or thousands separators, and percent cells are accepted;
    a cell shown as 11.5% (0.115 formatted 0.0%) is 11.5 in the unit "%". Words such as 不低于
    or ≤ before the number, and a unit after it (1800亿元), are understood.
    """
    if value is None or value == "":
        return None, measure_unit, Direction.HIGHER
    if isinstance(value, bool | dt.date):
        raise CellError(_("a number such as 1800, 8.5 or 8.5%"))
    if isinstance(value, int | float | Decimal):
        number = _to_decimal(value)
        if percent_format:
            number *= 100
            measure_unit = measure_unit or "%"
        return quantize(number), measure_unit, Direction.HIGHER
    return _value_in_text(str(value).replace(" ", ""), measure_unit)


def _value_in_text(text: str, measure_unit: str) -> tuple[Decimal, str, str]:
    text, direction = _without_prefix(text)
    text, direction = _without_suffixes(text, direction)
    match = _NUMBER.match(text)
    if not match:
        raise CellError(_("a number such as 1800, 8.5 or 8.5%"))
    number = Decimal(match.group(0).replace(",", ""))
    rest = text[match.end() :]
    if rest:
        if measure_unit and rest != measure_unit:
            raise CellError(
                _("a number in the unit of measure %(unit)s (the cell says %(found)s)")
                % {"unit": measure_unit, "found": rest}
            )
        measure_unit = rest
    return quantize(number), measure_unit, direction


def _without_prefix(text: str) -> tuple[str, str]:
    """The text without a direction word in front (不高于 …, 不低于 …), and the direction it says."""
    lower = next((word for word in _LOWER_WORDS if text.startswith(word)), None)
    if lower:
        return text[len(lower) :], Direction.LOWER
    higher = next((word for word in _HIGHER_WORDS if text.startswith(word)), "")
    return text[len(higher) :], Direction.HIGHER


def _without_suffixes(text: str, direction: str) -> tuple[str, str]:
    """The text without 以内/以下 (lower) or 以上/左右 after it."""
    for suffix in _LOWER_SUFFIXES:
        if text.endswith(suffix):
            text, direction = text[: -len(suffix)], Direction.LOWER
    for suffix in _HIGHER_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text, direction


def format_value(value: Decimal | None, direction: str):
    """The cell the exporter writes for a target value: a number, or text when a direction word is needed."""
    if value is None:
        return None
    if direction == Direction.LOWER:
        return f"≤{value.normalize():f}"
    return number_cell(value)


def number_cell(value: Decimal) -> int | float:
    normalised = value.normalize()
    if normalised == normalised.to_integral_value():
        return int(normalised)
    return float(normalised)


def parse_percent_or_number(value, *, percent_format: bool) -> tuple[Decimal, bool]:
    """A quarter cell: (number, whether it was written as a percent)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _to_decimal(value)
        return (quantize(number * 100), True) if percent_format else (quantize(number), False)
    text = str(value).replace(" ", "")
    is_percent = text.endswith("%")
    text = text.rstrip("%")
    if not _NUMBER.fullmatch(text):
        raise CellError(_("a number such as 450 or a percent such as 50%"))
    return quantize(Decimal(text.replace(",", ""))), is_percent


def looks_numeric(value) -> bool:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(_NUMBER.fullmatch(value.replace(" ", "").rstrip("%")))


# --- Units and people --------------------------------------------------------------------------

_UNIT_SEPARATORS = re.compile(r"[、,，;；\n]+")
_SHARE = re.compile(r"^(?P<name>.+?)\((?P<share>[+-]?\d+(\.\d+)?)\)$")


def split_units(text: str) -> list[tuple[str, Decimal | None]]:
    """Unit names separated by 、，,；; or new lines; a share may follow a name in brackets: 驿城区（300）."""
    units = []
    for part in _UNIT_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = _SHARE.match(part)
        if match:
            units.append((match.group("name").strip(), quantize(Decimal(match.group("share")))))
        else:
            units.append((part, None))
    return units


def split_people(text: str) -> tuple[str, dict[str, str]]:
    """责任人: a plain name (the lead unit's person) or "unit: person" pairs, one per unit."""
    pairs, plain = {}, []
    for part in _UNIT_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        unit, colon, person = part.replace("：", ":").partition(":")
        if colon:
            pairs[normalise_name(unit)] = person.strip()
        else:
            plain.append(part)
    return "、".join(plain), pairs


# --- Deadlines ---------------------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d\d)年")
_FILLER = re.compile(r"(之前|以前|前|止|内|完成|为止)$")


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if text.endswith("十"):
        return _CN_DIGITS[text[0]] * 10
    if "十" in text:
        tens, ones = text.split("十")
        return _CN_DIGITS[tens] * 10 + _CN_DIGITS[ones]
    return _CN_DIGITS[text]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def year_in_text(text: str) -> int | None:
    match = _YEAR_IN_TEXT.search(nfkc(text or ""))
    return int(match.group(1)) if match else None


_DEADLINE_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$"), "ymd"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]$"), "ymd"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?:底|末|份|中旬|下旬)?$"), "month"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>[一二三四五六七八九十]{1,3})月(?:底|末|份)?$"), "month"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?(?:年底|年末|年内|全年|12月底)$"), "year"),
    (re.compile(r"^(?P<y>\d{4})年$"), "year"),
    (re.compile(r"^(?P<y>\d{4})年(?:底|末|内)$"), "year"),  # 2018年底
    (re.compile(r"^(?:(?P<y>\d{4})年)?第?(?P<q>[一二三四1-4])季度(?:末|底)?$"), "quarter"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?上半年(?:末|底)?$"), "half1"),
    (re.compile(r"^(?:(?P<y>\d{4})年)?下半年(?:末|底)?$"), "year"),
]


def parse_deadline(value, *, year: int) -> dt.date:
    """A deadline from an Excel date or from text: 2018年6月底前, 6月30日前, 年底前, 三季度末, 上半年…

    Text without a year takes ``year`` (the sheet's title or the command's year).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("a date such as 2018-06-30, 6月底前, 年底前 or 三季度末"))
    text = str(value).replace(" ", "")
    text = _FILLER.sub("", text)
    text = _FILLER.sub("", text)  # "底之前" and "完成前" have two
    for pattern, kind in _DEADLINE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        try:
            return _DATE_OF[kind](int(parts["y"]) if parts.get("y") else year, parts)
        except (ValueError, KeyError):
            break
    raise CellError(_("a date such as 2018-06-30, 6月底前, 年底前 or 三季度末"))


# The day each kind of deadline pattern means, from the year and the pattern's parts.
_DATE_OF = {
    "ymd": lambda year, parts: dt.date(year, int(parts["m"]), int(parts["d"])),
    "month": lambda year, parts: _month_end(year, _cn_number(parts["m"])),
    "quarter": lambda year, parts: _month_end(year, _cn_number(parts["q"]) * 3),
    "half1": lambda year, parts: dt.date(year, 6, 30),
    "year": lambda year, parts: dt.date(year, 12, 31),
}


# --- The hierarchy in 序号 ---------------------------------------------------------------------

_CN = "一二三四五六七八九十百零〇"
_SEQ_PATTERNS: list[tuple[re.Pattern, int]] = [
    (re.compile(rf"^([{_CN}]+)[、.,]\s*"), 1),  # 一、
    (re.compile(rf"^\(([{_CN}]+)\)\s*"), 2),  # （一） after NFKC
    (re.compile(r"^\((\d+)\)\s*"), 20),  # （1）
]
_DOTTED = re.compile(r"^(\d+(?:\.\d+)*)(?:[.、,]|(?=\s)|$)\s*")


def parse_sequence(value) -> tuple[int | None, str, str]:
    """(level, the number as written, text after it). Levels: 一、 = 1, （一） = 2, 1 = 3, 1.1 = 4 …,
    （1） = 20 (below any decimal). No recognisable number: level None."""
    if value is None or value == "":
        return None, "", ""
    text = text_of(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    for pattern, level in _SEQ_PATTERNS:
        match = pattern.match(text)
        if match:
            return level, match.group(0).strip(), text[match.end() :].strip()
    match = _DOTTED.match(text)
    if match:
        return 3 + match.group(1).count("."), match.group(0).strip(), text[match.end() :].strip()
    return None, "", text


# --- Writing cells -----------------------------------------------------------------------------


def to_decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return None
