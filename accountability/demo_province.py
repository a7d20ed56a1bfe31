"""The demo's 保位争先: four of the city's indicators ranked in the province's bulletins of January to
August 2018, each imported by the office about the 20th of the month after.

The other cities' figures are INVENTED (stored as demo data, and the page says so: 演示数据，非真实
统计). Our city's ranks are chosen: 规模以上工业增加值增速 is 6th in July and 9th in August, so it
leaves the first group in the latest month and its lead unit (市工信委) and leader (副市长（分管工业）)
hear of it once; the other three stay in the first group.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from core import clock
from tasks.demo import DEMO_DATE
from tasks.models import Target, User

from .choices import FigureSource
from .models import ProvinceFigure
from .models.province import HOME_CITY
from .services.province import BulletinRow, ensure_cities, import_bulletin, mark_indicator

YEAR = 2018
# (target code, the bulletin's name, our city's rank per month from January, typical growth %, our size 亿元 a month)
INDICATORS = [
    ("2018-001", "地区生产总值增速", [4, 3, 3, 4, 3, 3, 2, 3], 8.0, Decimal("180")),
    ("2018-002", "规模以上工业增加值增速", [5, 5, 6, 4, 5, 5, 6, 9], 8.2, Decimal("60")),
    ("2018-003", "固定资产投资增速", [2, 2, 1, 2, 2, 1, 2, 2], 11.5, Decimal("140")),
    ("2018-005", "一般公共预算收入增速", [6, 5, 5, 6, 5, 4, 5, 5], 9.0, Decimal("9")),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _months() -> list[dt.date]:
    """January up to the month before the demo date."""
    last = DEMO_DATE.replace(day=1) - dt.timedelta(days=1)
    return [dt.date(YEAR, month, 1) for month in range(1, last.month + 1)]


def _bulletin_rows(month_index: int, cities: list[str], rng: random.Random) -> list[BulletinRow]:
    rows: list[BulletinRow] = []
    others = [city for city in cities if city != HOME_CITY]
    for _code, name, home_ranks, typical, size in INDICATORS:
        # Growth rates of every place, best first; our city takes the place its rank gives it.
        growths = sorted((round(typical + rng.uniform(-3.5, 3.5), 1) for _ in cities), reverse=True)
        for step in range(1, len(growths)):  # distinct, so each rank is one city's
            if growths[step] >= growths[step - 1]:
                growths[step] = round(growths[step - 1] - 0.1, 1)
        shuffled = others[:]
        rng.shuffle(shuffled)
        home_rank = home_ranks[month_index]
        order = [*shuffled[: home_rank - 1], HOME_CITY, *shuffled[home_rank - 1 :]]
        for rank, (city, growth) in enumerate(zip(order, growths, strict=True), start=1):
            scale = Decimal("1") if city == HOME_CITY else Decimal(str(round(rng.uniform(0.5, 2.2), 2)))
            value = (size * scale * (month_index + 1)).quantize(Decimal("0.1"))
            rows.append(BulletinRow(len(rows) + 2, city, name, value, Decimal(str(growth)), rank))
    return rows


def build_province_demo() -> int:
    """The bulletins of 2018 up to the demo date's previous month; nothing if they are there."""
    if ProvinceFigure.objects.filter(source=FigureSource.DEMO).exists():
        return 0
    office = User.objects.get(username="office")
    targets = {target.code: target for target in Target.objects.filter(year=YEAR, code__in=[i[0] for i in INDICATORS])}
    if len(targets) != len(INDICATORS):
        return 0
    cities = list(ensure_cities())
    with clock.replaying_at(_at(dt.date(YEAR, 1, 10), 9)):
        for code, name, *_rest in INDICATORS:
            mark_indicator(targets[code], name=name, measure_unit="亿元", higher_is_better=True, acting_user=office)
    rng = random.Random(2018)  # the same invented figures on every load
    months = _months()
    for index, month in enumerate(months):
        published = (month + dt.timedelta(days=40)).replace(day=20)
        with clock.replaying_at(_at(min(published, DEMO_DATE), 10)):
            import_bulletin(
                _bulletin_rows(index, cities, rng), month=month, acting_user=office, source=FigureSource.DEMO
            )
    return len(months)
