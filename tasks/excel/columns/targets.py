"""The columns that set a target's own fields: each says what its cell wants the target to hold,
sets it and describes the change. ``TARGET_COLUMNS`` is their order in the check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ...choices import Direction, ShareRule
from ...models import Target
from ...services.breakdown import SHARE_TOLERANCE
from ..layout import header_name
from ..work import TargetWork, display


class TargetColumn:
    """A sheet column feeding fields of the target; ``key`` is the column a problem points to."""

    key = ""

    def wanted(self, work: TargetWork, ctx) -> dict:
        """The fields (and values) the row sets; empty when the sheet says nothing about them."""
        raise NotImplementedError

    def old(self, target: Target, name: str, ctx):
        return getattr(target, name)

    def same(self, target: Target, name: str, value) -> bool:
        return getattr(target, name) == value

    def apply(self, work: TargetWork, name: str, value, ctx) -> None:
        """Set one field when it changes, and say so."""
        target = work.target
        if self.same(target, name, value):
            return
        old = self.old(target, name, ctx)
        setattr(target, name, value)
        work.fields.append(name)
        label = Target._meta.get_field(name).verbose_name
        work.describe(f"{label}：{display(old)} → {display(value)}")


class TitleColumn(TargetColumn):
    """目标任务: the first line is the title, the lines below it the description."""

    key = "title"

    def wanted(self, work, ctx):
        return {"title": work.row.title, "description": work.row.description} if self.key in ctx.columns else {}


class VocabularyColumn(TargetColumn):
    """目标来源 or 任务类型 (or one inherited from the section above); a new target needs one."""

    def __init__(self, key: str, name: str, empty: str):
        self.key, self.name, self.empty = key, name, empty

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

    def wanted(self, work, ctx):
        row = work.row
        if self.key not in ctx.columns or any(p.column == header_name(self.key) for p in row.problems):
            return {}
        return {"leader": row.leader}

    def same(self, target, name, value):  # compare ids: reading target.leader would cost a query per row
        return target.leader_id == (value.pk if value else None)

    def old(self, target, name, ctx):
        return ctx.leaders_by_pk.get(target.leader_id)


class ValueColumn(TargetColumn):
    """年度目标值 with 计量单位: the value, its unit and its direction."""

    key = "value"

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

    def wanted(self, work, ctx):
        if work.row.deadline:
            return {"deadline": work.row.deadline}
        if work.is_new:
            work.row.notes.append(_("No deadline given: the end of the year is used."))
            return {"deadline": dt.date(ctx.year, 12, 31)}
        return {}


class RemarksColumn(TargetColumn):
    """备注."""

    key = "remarks"

    def wanted(self, work, ctx):
        return {"remarks": work.row.remarks} if self.key in ctx.columns else {}


class ShareRuleColumn(TargetColumn):
    """The units' shares in 牵头单位 and 配合单位 decide how the target splits its value."""

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


class ParentColumn:
    """序号: the hierarchy puts a row under the section above it."""

    key = "seq"

    def apply(self, work: TargetWork, ctx) -> None:
        if self.key not in ctx.columns:
            return
        target, row = work.target, work.row
        parent = row.parent.work.target if row.parent is not None else None
        parent_pk = parent.pk if parent is not None else None
        if not (work.is_new or parent_pk != target.parent_id or (parent is not None and parent_pk is None)):
            return
        old_parent = ctx.by_pk.get(target.parent_id) if target.parent_id else None
        target.parent = parent
        work.fields.append("parent")
        work.describe(_("Parent target: %(old)s → %(new)s") % {"old": old_parent or "—", "new": parent or "—"})


TARGET_COLUMNS = (
    TitleColumn(),
    VocabularyColumn("source", "source", gettext_noop("the target's source (目标来源) is empty")),
    VocabularyColumn("type", "target_type", gettext_noop("the target's type (任务类型) is empty")),
    LeaderColumn(),
    ValueColumn(),
    DeadlineColumn(),
    RemarksColumn(),
    ShareRuleColumn(),
)
PARENT = ParentColumn()
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
