"""序号, 目标任务 and 编号: a row's place in the hierarchy, its title and its code."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..cells import CellError, nfkc, parse_sequence, text_of
from ..work import TargetWork
from .base import Cells, SheetColumn, TargetColumn

MAX_TITLE = 200
MAX_CODE = 32


class ParentColumn(SheetColumn):
    """序号: 一、 （一） 1 1.1 … give the row its level; the hierarchy puts a row under the section above it."""

    key = "seq"
    headers = {"seq": ("序号",)}

    def parse(self, value) -> tuple[int, str, str]:
        """(level, the number as written, the text after it)."""
        level, seq, rest = parse_sequence(value)
        if level is None:
            raise CellError(_("expected a number such as 一、 （一） 1 or 1.1"))
        return level, seq, rest

    def read(self, row, cells: Cells, ctx) -> None:
        value = cells.value(self.key)
        if value in (None, ""):
            return
        # Text after the number is a section title merged across from the 序号 cell: it stands as the
        # title until 目标任务 is read.
        try:
            row.level, row.seq, row.title = self.parse(value)
        except CellError as error:
            ctx.problem(row, self.key, value, str(error))
            row.title = parse_sequence(value)[2]

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


class TitleColumn(TargetColumn):
    """目标任务: the first line is the title, the lines below it the description. A sheet without a
    序号 column may number its titles (一、… （一）…)."""

    key = "title"
    headers = {"title": ("目标任务", "目标任务内容", "工作任务", "任务内容", "重点任务")}

    def parse(self, text: str) -> tuple[str, str]:
        """(title, description)."""
        title, _sep, description = text.partition("\n")
        return title.strip(), description.strip()

    def refusal(self, title: str) -> str | None:
        if not title:
            return _("the target's title is empty")
        if len(title) > MAX_TITLE:
            return _("a title of at most 200 characters (put details on the next line)")
        return None

    def read(self, row, cells: Cells, ctx) -> None:
        text = text_of(cells.typed(self.key)) or row.title
        if row.level is None and text and "seq" not in cells:
            level, seq, rest = parse_sequence(nfkc(text))
            if level in (1, 2) and rest:
                row.level, row.seq, text = level, seq, rest
        row.title, row.description = self.parse(text)
        refusal = self.refusal(row.title)
        if refusal:
            ctx.problem(row, self.key, row.title, refusal)

    def wanted(self, work, ctx):
        return {"title": work.row.title, "description": work.row.description} if self.key in ctx.columns else {}


class CodeColumn(SheetColumn):
    """编号: the target's code, which matches an exported row to its target (``ImportBuilder``)."""

    key = "code"
    headers = {"code": ("编号", "目标编号", "任务编号", "代码")}

    def read(self, row, cells: Cells, ctx) -> None:
        row.code = cells.text(self.key)
        if len(row.code) > MAX_CODE:
            ctx.problem(row, self.key, row.code, _("a code of at most 32 characters"))
