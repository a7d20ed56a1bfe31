"""The columns that set a target's own fields (besides its title): each reads its cell, says what
the row wants the target to hold, sets it and describes the change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from ...choices import Direction, ShareRule
from ...models import Target
from ...services.breakdown import SHARE_TOLERANCE
from ..cells import CellError, normalise_name, parse_deadline, parse_value, text_of
from .base import MAX_VALUE, Cells, TargetColumn, suggestion

MAX_MEASURE_UNIT = 32


class VocabularyColumn(TargetColumn):
    """目标来源 or 任务类型 (or one inherited from the section above); a new target needs one.

    ``names`` are the sheet's names for each choice; ``unknown`` and ``empty`` the messages (marked
    with gettext_noop, translated when used)."""

    def __init__(self, key: str, name: str, *, headers: tuple[str, ...], names: dict, unknown: str, empty: str):
        self.key, self.name, self.names = key, name, names
        self.headers = {key: headers}
        self.unknown, self.empty = unknown, empty
        self.lookup = {normalise_name(alias): choice for choice, aliases in names.items() for alias in aliases}

    def parse(self, text: str) -> str:
        """The choice a name means."""
        choice = self.lookup.get(normalise_name(text))
        if choice is None:
            raise CellError(_(self.unknown) % {"names": "、".join(names[0] for names in self.names.values())})
        return choice

    def read(self, row, cells: Cells, ctx) -> None:
        if self.key not in cells:
            return
        text = cells.text(self.key)
        try:
            setattr(row, self.name, self.parse(text))
        except CellError as error:
            ctx.problem(row, self.key, text, str(error))

    def named_in(self, title: str) -> str | None:
        """The choice a section's title names: "一、中央和省下达的目标任务"."""
        name = normalise_name(title)
        return next((choice for alias, choice in self.lookup.items() if len(alias) >= 4 and alias in name), None)

    def wanted(self, work, ctx):
        value = getattr(work.row, self.name)
        if value:
            return {self.name: value}
        if work.is_new:
            ctx.problem(work.row, self.key, "", _(self.empty))
        return {}


class LeaderColumn(TargetColumn):
    """责任市领导; a post the system does not know leaves the target's leader as it is."""

    key = "leader"
    headers = {"leader": ("责任市领导", "分管市领导", "市领导", "责任领导")}

    def parse(self, text: str, ctx):
        """The leader whose post the cell names (``ctx.leaders``: normalised post → leader)."""
        name = normalise_name(text)
        leader = ctx.leaders.get(name)
        if leader is None:
            raise CellError(_("a city leader's post as the system knows it.") + suggestion(name, ctx.leaders))
        return leader

    def read(self, row, cells: Cells, ctx) -> None:
        text = cells.text(self.key)
        if not text:
            return
        row.leader_given = True
        try:
            row.leader = self.parse(text, ctx)
        except CellError as error:
            ctx.problem(row, self.key, text, str(error))

    def wanted(self, work, ctx):
        row = work.row
        if self.key not in ctx.columns or any(p.column == self.header(self.key) for p in row.problems):
            return {}
        return {"leader": row.leader}

    def same(self, target, name, value):  # compare ids: reading target.leader would cost a query per row
        return target.leader_id == (value.pk if value else None)

    def old(self, target, name, ctx):
        return ctx.leaders_by_pk.get(target.leader_id)


class ValueColumn(TargetColumn):
    """年度目标值 with 计量单位: the value, its unit and its direction (不低于 …, ≤ …)."""

    key = "value"
    headers = {"value": ("年度目标值", "目标值", "年度目标"), "measure_unit": ("计量单位", "单位")}

    def parse(self, value, *, percent_format: bool, measure_unit: str) -> tuple[Decimal | None, str, str]:
        """(value, unit of measure, direction): a unit after the number (1800亿元) is the unit of measure."""
        return parse_value(value, percent_format=percent_format, measure_unit=measure_unit)

    def read(self, row, cells: Cells, ctx) -> None:
        value = cells.value(self.key)
        row.measure_unit = cells.text("measure_unit")
        try:
            parsed = self.parse(value, percent_format=cells.is_percent(self.key), measure_unit=row.measure_unit)
        except CellError as error:
            ctx.problem(row, self.key, value, str(error))
            return
        # Both stay on the row when too long or too large: the problem says so and nothing is saved.
        row.value, row.measure_unit, row.direction = parsed
        if len(row.measure_unit) > MAX_MEASURE_UNIT:
            ctx.problem(row, "measure_unit", row.measure_unit, _("a unit of measure of at most 32 characters"))
        if row.value is not None and abs(row.value) >= MAX_VALUE:
            ctx.problem(row, self.key, value, _("a number below 100 trillion"))

    def wanted(self, work, ctx):
        if not (ctx.columns & {"value", "measure_unit"}):
            return {}
        row = work.row
        direction = row.direction if row.value is not None else work.target.direction or Direction.HIGHER
        return {"target_value": row.value, "measure_unit": row.measure_unit, "direction": direction}


class DeadlineColumn(TargetColumn):
    """完成时限 (or one inherited from the section above or its rows); a new target without one is due
    at the end of the year."""

    key = "deadline"
    headers = {"deadline": ("完成时限", "时间节点", "完成时间", "时限")}

    def parse(self, value, ctx) -> dt.date:
        """Text without a year takes the sheet's year."""
        return parse_deadline(value, year=ctx.year)

    def read(self, row, cells: Cells, ctx) -> None:
        value = cells.value(self.key)
        if value in (None, ""):
            return
        try:
            row.deadline = self.parse(value, ctx)
            row.deadline_given = True
        except CellError as error:
            ctx.problem(row, self.key, value, str(error))

    def wanted(self, work, ctx):
        if work.row.deadline:
            return {"deadline": work.row.deadline}
        if work.is_new:
            work.row.notes.append(_("No deadline given: the end of the year is used."))
            return {"deadline": dt.date(ctx.year, 12, 31)}
        return {}


class RemarksColumn(TargetColumn):
    """备注: free text, kept as typed."""

    key = "remarks"
    headers = {"remarks": ("备注",)}

    def read(self, row, cells: Cells, ctx) -> None:
        row.remarks = text_of(cells.typed(self.key))

    def wanted(self, work, ctx):
        return {"remarks": work.row.remarks} if self.key in ctx.columns else {}


class ShareRuleColumn(TargetColumn):
    """The units' shares in 牵头单位 and 配合单位 decide how the target splits its value (read with the
    units)."""

    key = "lead"

    def wanted(self, work, ctx):
        if not (ctx.columns & {"lead", "co"}):
            return {}
        return {"share_rule": share_rule(work.row, None if work.is_new else work.target)}


def share_rule(row, existing: Target | None) -> str:
    """Shares that add up to the value split it (sum); other shares are each unit's own value (each);
    a stored rule stays while the sheet still fits it."""
    shares = [share for _unit, _lead, share in row.units if share is not None]
    current = existing.share_rule if existing else None
    if not shares:
        return current if current == ShareRule.EACH else ShareRule.NONE
    adds_up = row.value is not None and abs(sum(shares, Decimal(0)) - row.value) <= SHARE_TOLERANCE
    if current == ShareRule.EACH or (current == ShareRule.SUM and adds_up):
        return current
    return ShareRule.SUM if adds_up else ShareRule.EACH


# Where a rule of the target model points in the sheet.
RULE_COLUMNS = {
    "target_value": "value",
    "measure_unit": "measure_unit",
    "share_rule": "lead",
    "deadline": "deadline",
    "parent": "seq",
    "title": "title",
    "__all__": "title",
}
