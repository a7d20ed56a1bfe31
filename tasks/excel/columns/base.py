"""What every column of the breakdown sheet has: the header names that mean it, and how its cells
are read into the row (``RowPlan``) — a typed value, or a problem on the cell saying what was
expected. Columns that set a target's own fields (``TargetColumn``) also say what the row wants
the target to hold and apply it."""

from __future__ import annotations

import difflib
from decimal import Decimal

from django.utils.translation import gettext as _

from ...models import Target
from ..cells import nfkc, text_of
from ..work import TargetWork, display

MAX_VALUE = Decimal(10) ** 14  # DecimalField(max_digits=18, decimal_places=4)


class Cells:
    """One data row's cells by column key: as typed (cleaned by the reader) and in the form values are
    parsed and matched in (NFKC: full-width digits and brackets become ASCII)."""

    def __init__(self, values: dict[str, object], percent_format: frozenset[str] = frozenset()):
        self.values = values
        self.percent_format = percent_format

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def typed(self, key: str):
        """The cell as typed: free text (titles, remarks) keeps its full-width punctuation."""
        return self.values.get(key)

    def value(self, key: str):
        return nfkc(self.values.get(key))

    def text(self, key: str) -> str:
        return text_of(self.value(key))

    def is_percent(self, key: str) -> bool:
        """The cell is a number shown as a percent (0.115 formatted 0.0%)."""
        return key in self.percent_format


class SheetColumn:
    """A column (or a group of columns) of the sheet.

    ``headers`` maps each sheet column it reads to the header names that mean it (the first is
    the one the exporter writes). ``read`` puts its cells on the row; ``ctx`` is the row parser,
    which holds the lookups (units, leaders, the year) and records problems.
    """

    headers: dict[str, tuple[str, ...]] = {}

    def header(self, key: str) -> str:
        return self.headers[key][0]

    def read(self, row, cells: Cells, ctx) -> None:
        """Nothing to read: the column is derived from others."""


class TargetColumn(SheetColumn):
    """A column feeding fields of the target; ``key`` is the column a problem points to."""

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


def suggestion(name: str, lookup: dict) -> str:
    """The hint “Did you mean …?” for a name close to one the system knows (``lookup``: normalised name → object)."""
    # Chinese names are short: one wrong character in 乙县/乙局 is already half the name.
    matches = [key for key in lookup if name and (name in key or key in name)][:1]
    matches = matches or difflib.get_close_matches(name, lookup.keys(), n=1, cutoff=0.5)
    if matches:
        return _(" Did you mean %(name)s?") % {"name": lookup[matches[0]]}
    return ""
