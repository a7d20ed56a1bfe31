"""保位争先 read side: each province indicator's standing for our city, month by month, and the
indicators out of the first group for the leaders' dashboards. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..choices import FigureSource
from ..models import ProvinceExit, ProvinceFigure, ProvinceIndicator, ProvinceRules


@dataclass
class Standing:
    """One indicator: our city's line per month of the year, the latest one, and the latest
    month's table of all cities."""

    indicator: ProvinceIndicator
    line: int
    trend: list[tuple[dt.date, ProvinceFigure | None]] = field(default_factory=list)
    latest: ProvinceFigure | None = None
    previous: ProvinceFigure | None = None
    province: list[ProvinceFigure] = field(default_factory=list)
    exit_month: dt.date | None = None  # the latest month if the indicator left the first group then

    @property
    def in_first_group(self) -> bool | None:
        return None if self.latest is None else self.latest.rank <= self.line

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost since the month before."""
        if self.latest is None or self.previous is None:
            return None
        return self.previous.rank - self.latest.rank


@dataclass
class ProvinceView:
    year: int
    line: int
    city_count: int
    months: list[dt.date]
    standings: list[Standing]
    demo: bool  # some figure shown is invented demo data


def province_view(year: int) -> ProvinceView:
    from ..models import ProvinceCity

    line = ProvinceRules.current().first_group_line
    indicators = list(ProvinceIndicator.objects.select_related("target__leader"))
    figures = list(
        ProvinceFigure.objects.filter(indicator__in=indicators, month__year=year)
        .select_related("city")
        .order_by("indicator_id", "month", "rank")
    )
    exits = set(
        ProvinceExit.objects.filter(indicator__in=indicators, month__year=year).values_list("indicator_id", "month")
    )
    months = sorted({figure.month for figure in figures})
    by_indicator: dict[int, list[ProvinceFigure]] = defaultdict(list)
    for figure in figures:
        by_indicator[figure.indicator_id].append(figure)
    standings = []
    for indicator in indicators:
        rows = by_indicator[indicator.pk]
        ours = {figure.month: figure for figure in rows if figure.city.is_home}
        standing = Standing(indicator, line, trend=[(month, ours.get(month)) for month in months])
        if ours:
            latest_month = max(ours)
            standing.latest = ours[latest_month]
            standing.previous = ours.get((latest_month - dt.timedelta(days=1)).replace(day=1))
            standing.province = [figure for figure in rows if figure.month == latest_month]
            if (indicator.pk, latest_month) in exits:
                standing.exit_month = latest_month
        standings.append(standing)
    return ProvinceView(
        year=year,
        line=line,
        city_count=ProvinceCity.objects.filter(is_active=True).count(),
        months=months,
        standings=standings,
        demo=any(figure.source == FigureSource.DEMO for figure in figures),
    )


def outside_first_group() -> tuple[int, list[Standing]] | None:
    """The first-group line and the indicators whose latest bulletin puts our city below it (for the
    dashboards); None while no bulletin has come in. One query then, three once there are figures."""
    latest: dict[int, ProvinceFigure] = {}
    home = ProvinceFigure.objects.filter(city__is_home=True).select_related("indicator")
    for figure in home.order_by("indicator_id", "month"):
        latest[figure.indicator_id] = figure
    if not latest:
        return None
    line = ProvinceRules.current().first_group_line
    exits = set(ProvinceExit.objects.values_list("indicator_id", "month"))
    standings = []
    for figure in latest.values():
        if figure.rank <= line:
            continue
        standing = Standing(figure.indicator, line, latest=figure)
        if (figure.indicator_id, figure.month) in exits:
            standing.exit_month = figure.month
        standings.append(standing)
    return line, standings
