"""The breakdown sheet's columns as objects (like pretix's ``ImportColumn``). Each owns the header
names that mean it, how its cells are read and checked (``read``: a typed value on the row, or a
problem saying in Chinese what was expected) and how it is applied: it checks its value against the
ledger, applies it to the target or chain being built and describes its change for the check.

``SHEET_COLUMNS`` is the order a row's cells are read in (``tasks.excel.rows.RowParser``); the
builder then applies the target's own columns (``TARGET_COLUMNS``, with ``PARENT`` for 序号), then
the units (``UNITS``), then the quarters (``QUARTERS_COLUMN``). A new column is a class here.
"""

from django.utils.translation import gettext_noop

from ..vocabulary import SOURCE_NAMES, TYPE_NAMES
from .base import Cells, SheetColumn, TargetColumn
from .heading import CodeColumn, ParentColumn, TitleColumn
from .quarters import MILESTONE_FIELDS, QUARTERS, QUARTERS_COLUMN, Quarter
from .targets import (
    RULE_COLUMNS,
    DeadlineColumn,
    LeaderColumn,
    RemarksColumn,
    ShareRuleColumn,
    ValueColumn,
    VocabularyColumn,
)
from .units import DutyColumn, PersonColumn, UnitsColumn

PARENT = ParentColumn()
TITLE = TitleColumn()
CODE = CodeColumn()
SOURCE = VocabularyColumn(
    "source",
    "source",
    headers=("目标来源", "来源", "任务来源"),
    names=SOURCE_NAMES,
    unknown=gettext_noop("one of the five sources: %(names)s"),
    empty=gettext_noop("the target's source (目标来源) is empty"),
)
TYPE = VocabularyColumn(
    "type",
    "target_type",
    headers=("任务类型", "目标类型", "类型", "类别"),
    names=TYPE_NAMES,
    unknown=gettext_noop("one of the four types: %(names)s"),
    empty=gettext_noop("the target's type (任务类型) is empty"),
)
LEADER = LeaderColumn()
UNITS = UnitsColumn()
PERSON = PersonColumn()
DUTY = DutyColumn()
DEADLINE = DeadlineColumn()
VALUE = ValueColumn()
REMARKS = RemarksColumn()

# 序号 before 目标任务 (a section title may stand in the 序号 cell); the units before 责任人.
SHEET_COLUMNS: tuple[SheetColumn, ...] = (
    PARENT, TITLE, CODE, SOURCE, TYPE, LEADER, UNITS, DEADLINE, VALUE, QUARTERS_COLUMN, REMARKS, PERSON, DUTY,
)  # fmt: skip
TARGET_COLUMNS: tuple[TargetColumn, ...] = (TITLE, SOURCE, TYPE, LEADER, VALUE, DEADLINE, REMARKS, ShareRuleColumn())

__all__ = [
    "CODE", "DEADLINE", "DUTY", "LEADER", "MILESTONE_FIELDS", "PARENT", "PERSON", "QUARTERS", "QUARTERS_COLUMN",
    "REMARKS", "RULE_COLUMNS", "SHEET_COLUMNS", "SOURCE", "TARGET_COLUMNS", "TITLE", "TYPE", "UNITS", "VALUE",
    "Cells", "Quarter", "SheetColumn", "TargetColumn",
]  # fmt: skip
