"""The breakdown sheet's columns as objects that build what the import saves (like pretix's
``ImportColumn``): each takes its parsed cell from the row, checks it against the ledger, applies
it to the target or chain being built and describes its change for the check.

The plan runs them in order for every row: the target's own columns (``TARGET_COLUMNS``, with
``PARENT`` for 序号), then the units (``UNITS``), then the quarters (``QUARTERS_COLUMN``).
"""

from .quarters import MILESTONE_FIELDS, QUARTERS_COLUMN
from .targets import PARENT, RULE_COLUMNS, TARGET_COLUMNS, TargetColumn
from .units import UNITS

__all__ = ["MILESTONE_FIELDS", "PARENT", "QUARTERS_COLUMN", "RULE_COLUMNS", "TARGET_COLUMNS", "UNITS", "TargetColumn"]
