"""China's official 2018 holiday calendar (国务院办公厅关于2018年部分节假日安排的通知), the seed of the
office's working-day calendar: public holidays and the weekend days worked in exchange (调休)."""

from __future__ import annotations

import datetime as dt


def _days(first: str, last: str | None = None) -> list[dt.date]:
    start = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last or first)
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


HOLIDAYS_2018: list[tuple[dt.date, str]] = [
    *[(day, "元旦") for day in _days("2018-01-01")],
    *[(day, "春节") for day in _days("2018-02-15", "2018-02-21")],
    *[(day, "清明节") for day in _days("2018-04-05", "2018-04-07")],
    *[(day, "劳动节") for day in _days("2018-04-29", "2018-05-01")],
    *[(day, "端午节") for day in _days("2018-06-18")],
    *[(day, "中秋节") for day in _days("2018-09-24")],
    *[(day, "国庆节") for day in _days("2018-10-01", "2018-10-07")],
]
WORKDAYS_2018: list[tuple[dt.date, str]] = [
    (dt.date(2018, 2, 11), "春节调休上班"),
    (dt.date(2018, 2, 24), "春节调休上班"),
    (dt.date(2018, 4, 8), "清明节调休上班"),
    (dt.date(2018, 4, 28), "劳动节调休上班"),
    (dt.date(2018, 9, 29), "国庆节调休上班"),
    (dt.date(2018, 9, 30), "国庆节调休上班"),
]
