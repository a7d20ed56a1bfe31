"""Numbers as people read them, the same whatever the database hands back.

SQLite returns an aggregate or an annotation over decimals as a float or as a Decimal with a long
tail (65.3000000000000); PostgreSQL returns the column's scale (1175.4000). Pages, letters and forms
print through these functions (the template filters ``pct`` and ``num`` in tasks/templatetags/
workspace.py, ``ValueField`` in tasks/forms/values.py), so a number reads the same on both:

- a percent has at most one decimal: 65.3, 40;
- a value keeps the digits it has and drops trailing zeros: 1175.4 (no target records a precision
  of its own; a value is entered with the digits it needs);
- money (亿元, 万元, 元) has at most two decimals: 135.85 亿元.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Units of measure in money: a share worked out by division (1800 亿元 over 13 units) is rounded to
# the fen of the unit, as a budget table prints it.
MONEY_UNITS = frozenset({"亿元", "万元", "元"})
MONEY_PLACES = Decimal("0.01")
PERCENT_PLACES = Decimal("0.1")
EMPTY = "—"


def as_decimal(value) -> Decimal | None:
    """The number in ``value`` (Decimal, float, int or text), or None when there is none."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())  # str() of a float is its shortest form: 65.3, not 65.29999…
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def plain(number: Decimal) -> str:
    """A decimal without trailing zeros and never in exponent form: 1800, 1175.4, 0.05."""
    text = f"{number.normalize():f}"
    return "0" if text in {"-0", "0"} else text


def percent_text(value) -> str:
    """A percent with at most one decimal, without the % sign: 65.3, 40; — when there is none."""
    number = as_decimal(value)
    if number is None:
        return EMPTY if value is None or value == "" else str(value)
    return plain(number.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP))


def value_text(value, measure_unit: str = "") -> str:
    """A value in the unit of measure: trailing zeros dropped, money at most two decimals."""
    number = as_decimal(value)
    if number is None:
        return EMPTY if value is None or value == "" else str(value)
    if (measure_unit or "").strip() in MONEY_UNITS:
        number = number.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)
    return plain(number)
