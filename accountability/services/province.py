"""保位争先: bringing in the province's monthly bulletin, the city's own line by hand, the office's
settings, and telling the lead unit and the leader when an indicator leaves the first group.

A bulletin is checked whole before anything is stored: an unknown city or indicator, a rank the
number of cities cannot have, a rank given twice in one indicator's month, a figure that is no number
— any one refuses the whole sheet, each with its row named. A sheet replaces the months of the
indicators it holds (a corrected bulletin is imported again).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.choices import TargetType
from tasks.services import save_with_history, validate_and_save

from ..choices import FigureSource
from ..models import ProvinceCity, ProvinceExit, ProvinceFigure, ProvinceIndicator, ProvinceRules
from ..models.province import HENAN_CITIES, HOME_CITY
from .delivery import deliver_first_group_exit
from .duties import refuse_unless_office

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def ensure_cities() -> dict[str, ProvinceCity]:
    """The seeded cities by name, made again where a database lost them (a flushed test database)."""
    if not ProvinceCity.objects.exists():
        for order, name in enumerate(HENAN_CITIES, start=1):
            ProvinceCity.objects.get_or_create(name=name, defaults={"sort_order": order, "is_home": name == HOME_CITY})
    return {city.name: city for city in ProvinceCity.objects.filter(is_active=True)}


def home_city() -> ProvinceCity:
    ensure_cities()
    city = ProvinceCity.objects.filter(is_home=True).first()
    if city is None:
        raise RuleViolation(_("No city is marked as our city in the province's list."))
    return city


# --- Reading a bulletin's cells --------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinRow:
    """One row as the sheet has it: the row number Excel shows and the raw cells."""

    number: int
    city: object
    indicator: object
    value: object
    growth: object
    rank: object


@dataclass(frozen=True)
class CheckedRow:
    number: int
    city: ProvinceCity
    indicator: ProvinceIndicator
    value: Decimal | None
    growth: Decimal | None
    rank: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _number(value) -> Decimal | None:
    """A cell as a number (full-width digits, a trailing % and thousands commas allowed); None if empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = _text(value).rstrip("%").replace(",", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError from None


def _row_error(number: int, column: str, message: str) -> str:
    return _("Row %(row)d, column “%(column)s”: %(message)s") % {"row": number, "column": column, "message": message}


def check_bulletin(rows: list[BulletinRow]) -> list[CheckedRow]:
    """Every row checked; any refusal refuses the whole sheet, with each bad row named."""
    cities = ensure_cities()
    indicators = {_text(indicator.name): indicator for indicator in ProvinceIndicator.objects.all()}
    count = len(cities)
    errors: list[str] = []
    checked: list[CheckedRow] = []
    if not rows:
        raise RuleViolation(_("The sheet has no rows under its headers."))
    for row in rows:
        problems = []
        city = cities.get(_text(row.city))
        if city is None:
            unknown = _("“%(value)s” is not a city of the province's list.") % {"value": row.city or ""}
            problems.append(_row_error(row.number, "城市", unknown))
        indicator = indicators.get(_text(row.indicator))
        if indicator is None:
            problems.append(
                _row_error(
                    row.number,
                    "指标",
                    _("“%(value)s” is not an indicator the office ranks.") % {"value": row.indicator or ""},
                )
            )
        parsed = {}
        for key, column in (("value", "数值"), ("growth", "增速(%)")):
            try:
                parsed[key] = _number(getattr(row, key))
            except ValueError:
                problems.append(
                    _row_error(row.number, column, _("“%(value)s” is not a number.") % {"value": getattr(row, key)})
                )
        rank = None
        try:
            rank_number = _number(row.rank)
            if rank_number is None:
                problems.append(_row_error(row.number, "排名", _("The rank is missing.")))
            elif rank_number != rank_number.to_integral_value() or rank_number < 1:
                raise ValueError
            else:
                rank = int(rank_number)
        except ValueError:
            problems.append(
                _row_error(row.number, "排名", _("“%(value)s” is not a whole number from 1.") % {"value": row.rank})
            )
        if rank is not None and rank > count:
            problems.append(
                _row_error(
                    row.number,
                    "排名",
                    _("Rank %(rank)d does not fit the %(count)d cities of the province.")
                    % {"rank": rank, "count": count},
                )
            )
        if not problems and parsed["value"] is None and parsed["growth"] is None:
            problems.append(_row_error(row.number, "数值", _("Give the value or the growth.")))
        if problems:
            errors.extend(problems)
            continue
        checked.append(CheckedRow(row.number, city, indicator, parsed["value"], parsed["growth"], rank))
    errors.extend(_clashes(checked))
    if errors:
        raise RuleViolation(errors)
    return checked


def _clashes(rows: list[CheckedRow]) -> list[str]:
    """A city twice, or a rank twice, within one indicator's month."""
    errors = []
    seen_city: dict[tuple, int] = {}
    seen_rank: dict[tuple, int] = {}
    for row in rows:
        city_key, rank_key = (row.indicator.pk, row.city.pk), (row.indicator.pk, row.rank)
        if city_key in seen_city:
            errors.append(
                _row_error(
                    row.number,
                    "城市",
                    _("%(city)s already has a line for %(indicator)s in row %(other)d.")
                    % {"city": row.city, "indicator": row.indicator, "other": seen_city[city_key]},
                )
            )
        else:
            seen_city[city_key] = row.number
        if rank_key in seen_rank:
            errors.append(
                _row_error(
                    row.number,
                    "排名",
                    _("Rank %(rank)d of %(indicator)s is already given in row %(other)d.")
                    % {"rank": row.rank, "indicator": row.indicator, "other": seen_rank[rank_key]},
                )
            )
        else:
            seen_rank[rank_key] = row.number
    return errors


@dataclass(frozen=True)
class BulletinPlan:
    """What a dry run shows: the rows to store and how many stored ones they replace."""

    month: dt.date
    rows: list[CheckedRow]
    replaced: int
    indicators: list[ProvinceIndicator]


def refuse_future_month(month: dt.date) -> None:
    """A bulletin reports on a month that has begun; a later one is a slip of the month picker."""
    if month > first_of_month(clock.today()):
        raise RuleViolation({"month": [_("%(month)s has not come yet.") % {"month": month_label(month)}]})


def plan_bulletin(rows: list[BulletinRow], *, month: dt.date) -> BulletinPlan:
    month = first_of_month(month)
    refuse_future_month(month)
    checked = check_bulletin(rows)
    indicators = sorted({row.indicator for row in checked}, key=lambda i: (i.sort_order, i.name))
    replaced = ProvinceFigure.objects.filter(indicator__in=indicators, month=month).count()
    return BulletinPlan(month, checked, replaced, indicators)


def import_bulletin(
    rows: list[BulletinRow], *, month: dt.date, acting_user, source: str = FigureSource.IMPORT
) -> BulletinPlan:
    """Store a month's bulletin (all or nothing), replacing that month of the indicators it holds.
    ``source`` is ``DEMO`` only for the demo's invented figures, which the page marks as such."""
    refuse_unless_office(acting_user)
    plan = plan_bulletin(rows, month=month)
    moment = clock.now()
    with transaction.atomic():
        for old in ProvinceFigure.objects.filter(indicator__in=plan.indicators, month=plan.month):
            old._history_user = acting_user
            old.delete()
        for row in plan.rows:
            figure = ProvinceFigure(
                indicator=row.indicator, city=row.city, month=plan.month, value=row.value, growth=row.growth,
                rank=row.rank, source=source, recorded_by=acting_user, recorded_at=moment,
            )  # fmt: skip
            save_with_history(figure, acting_user=acting_user, reason=_("Province bulletin imported"))
        tell_first_group_exits([indicator.pk for indicator in plan.indicators], plan.month)
    return plan


def enter_home_figure(
    *, indicator: ProvinceIndicator, month: dt.date, value, growth, rank: int, acting_user
) -> ProvinceFigure:
    """The city's own line of a month, typed in from the bulletin."""
    refuse_unless_office(acting_user)
    month = first_of_month(month)
    refuse_future_month(month)
    city = home_city()
    count = len(ensure_cities())
    if value is None and growth is None:
        raise RuleViolation({"value": [_("Give the value or the growth.")]})
    if rank is None or rank < 1 or rank > count:
        misfit = _("Rank %(rank)s does not fit the %(count)d cities of the province.") % {"rank": rank, "count": count}
        raise RuleViolation({"rank": [misfit]})
    with transaction.atomic():
        taken = (
            ProvinceFigure.objects.select_for_update()
            .filter(indicator=indicator, month=month, rank=rank)
            .exclude(city=city)
            .select_related("city")
            .first()
        )
        if taken is not None:
            raise RuleViolation(
                {"rank": [_("Rank %(rank)d of this month is already %(city)s's.") % {"rank": rank, "city": taken.city}]}
            )
        figure = ProvinceFigure.objects.filter(indicator=indicator, month=month, city=city).first() or ProvinceFigure(
            indicator=indicator, city=city, month=month
        )
        figure.value, figure.growth, figure.rank = value, growth, rank
        figure.source, figure.recorded_by, figure.recorded_at = FigureSource.HAND, acting_user, clock.now()
        validate_and_save(figure, acting_user=acting_user, reason=_("Our city's line entered by hand"))
        tell_first_group_exits([indicator.pk], month)
    return figure


# --- The office's settings -------------------------------------------------------------------------


def set_first_group_line(line: int, *, acting_user) -> ProvinceRules:
    refuse_unless_office(acting_user)
    count = len(ensure_cities())
    if line < 1 or line > count:
        message = _("The line must be a rank from 1 to %(count)d.") % {"count": count}
        raise RuleViolation({"first_group_line": [message]})
    rules = ProvinceRules.current()
    rules.first_group_line = line
    save_with_history(rules, acting_user=acting_user, reason=_("First group line set"))
    return rules


def set_cities(names: list[str], *, acting_user) -> list[ProvinceCity]:
    """The province's list of cities: new names added, missing ones kept but out of use (their
    figures stay); our city cannot leave the list."""
    refuse_unless_office(acting_user)
    names = [name for name in dict.fromkeys(_text(name) for name in names) if name]
    if len(names) < 2:
        raise RuleViolation({"cities": [_("List at least two cities.")]})
    home = home_city()
    if home.name not in names:
        raise RuleViolation({"cities": [_("Our city %(city)s must stay on the list.") % {"city": home.name}]})
    with transaction.atomic():
        existing = {city.name: city for city in ProvinceCity.objects.all()}
        for order, name in enumerate(names, start=1):
            city = existing.get(name) or ProvinceCity(name=name)
            city.sort_order, city.is_active = order, True
            save_with_history(city, acting_user=acting_user, reason=_("Province cities edited"))
        for name, city in existing.items():
            if name not in names and city.is_active:
                city.is_active = False
                save_with_history(city, acting_user=acting_user, reason=_("Province cities edited"))
    return list(ProvinceCity.objects.filter(is_active=True))


def mark_indicator(
    target, *, name: str, measure_unit: str = "", higher_is_better: bool = True, acting_user
) -> ProvinceIndicator:
    """Mark a 数据指标类 target as a province indicator (or change how the bulletin names it)."""
    refuse_unless_office(acting_user)
    if target.target_type != TargetType.INDICATOR:
        raise RuleViolation({"target": [_("Only a quantitative indicator target is ranked against the province.")]})
    name = (name or "").strip()
    if not name:
        raise RuleViolation({"name": [_("Give the indicator's name as the bulletin spells it.")]})
    indicator = ProvinceIndicator.objects.filter(target=target).first() or ProvinceIndicator(target=target)
    indicator.name, indicator.measure_unit, indicator.higher_is_better = name, measure_unit.strip(), higher_is_better
    if indicator.pk is None:
        indicator.sort_order = ProvinceIndicator.objects.count() + 1
    validate_and_save(indicator, acting_user=acting_user, reason=_("Province indicator marked"))
    return indicator


# --- Leaving the first group -----------------------------------------------------------------------


def tell_first_group_exits(indicator_ids: list[int], month: dt.date) -> list[ProvinceExit]:
    """For each indicator whose city rank of ``month`` is below the line while the month before was
    within it (or there was no month before): one ``ProvinceExit`` and a message to the target's
    lead unit and its leader. Once per indicator and month, however often the bulletin comes in."""
    line = ProvinceRules.current().first_group_line
    city = home_city()
    previous_month = first_of_month(month - dt.timedelta(days=1))
    ranks = defaultdict(dict)
    for indicator_id, at, rank in ProvinceFigure.objects.filter(
        indicator_id__in=indicator_ids, city=city, month__in=[month, previous_month]
    ).values_list("indicator_id", "month", "rank"):
        ranks[indicator_id][at] = rank
    exits = []
    for indicator_id in indicator_ids:
        now, before = ranks[indicator_id].get(month), ranks[indicator_id].get(previous_month)
        if now is None or now <= line or (before is not None and before > line):
            continue
        # The unique rule (indicator, month) is the guard: a second import finds the row and says nothing.
        exit_, created = ProvinceExit.objects.get_or_create(
            indicator_id=indicator_id, month=month, defaults={"rank": now, "line": line, "created_at": clock.now()}
        )
        if not created:
            continue
        deliver_first_group_exit(exit_)
        exits.append(exit_)
    return exits
