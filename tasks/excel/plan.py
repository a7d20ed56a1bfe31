"""The import plan: a whole sheet parsed, checked against the ledger and turned into the rows to
create and change, before anything is saved (pretix-style phases: validate all → build → save).

``plan_import`` reads the file once (read-only, streamed), loads the lookups it needs in a handful
of queries, and returns an ``ImportPlan`` whose report says per row what would be created or
changed and every problem. ``tasks.services.import_breakdown`` saves a valid plan.

The columns (``tasks.excel.columns``) build each row's ``TargetWork`` (``tasks.excel.work``);
``tasks.excel.builder`` runs them over the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from core.bulk_history import fewer_collections

from ..models import Leader, Unit
from .builder import ImportBuilder
from .cells import normalise_name, year_in_text
from .reader import FileRefused, SheetReader, check_file, open_workbook
from .rows import CellProblem, RowParser, RowPlan
from .work import TargetWork

Progress = Callable[[str, int, int | None], None]
PROGRESS_EVERY = 500


@dataclass
class ImportPlan:
    year: int
    rows: list[RowPlan] = field(default_factory=list)
    work: list[TargetWork] = field(default_factory=list)
    sheet_title: str = ""
    ignored_headers: list[str] = field(default_factory=list)
    file: str = ""
    sheet: str = ""
    include_hidden: bool = False
    hidden_rows: list[tuple[int, str]] = field(default_factory=list)  # left out: (row, title)
    # Existing targets the plan read, with the time they were last changed (checked when saving).
    read_versions: dict[int, dt.datetime] = field(default_factory=dict)
    # Persons the sheet names that their unit does not have yet: created (待完善) when saving.
    new_people: dict = field(default_factory=dict)

    @property
    def problems(self) -> list[CellProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def is_valid(self) -> bool:
        return not any(row.problems for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "error": 0}
        for work in self.work:
            counts[work.action] += 1
        counts["rows"] = len(self.rows)
        return counts

    def report(self) -> dict:
        """The dry-run report, JSON-ready (stored on the import job and shown on the page)."""
        return {
            "year": self.year,
            "valid": self.is_valid,
            "counts": self.counts(),
            "ignored_headers": self.ignored_headers,
            "file": self.file,
            "sheet": self.sheet,
            "include_hidden": self.include_hidden,
            "hidden_rows": [{"row": number, "title": title} for number, title in self.hidden_rows],
            "rows": [
                {
                    "row": work.row.number,
                    "seq": work.row.seq,
                    "code": work.target.code,
                    "title": work.row.title,
                    "action": work.action,
                    "changes": work.changes,
                    "notes": work.row.notes,
                    "problems": [problem.as_dict() for problem in work.row.problems],
                }
                for work in self.work
            ],
        }


@fewer_collections()
def plan_import(
    path: Path,
    original_name: str,
    *,
    year: int | None,
    acting_user,
    progress: Progress | None = None,
    sheet: str | None = None,
    include_hidden: bool = False,
) -> ImportPlan:
    """Read and check the whole sheet; raise ``FileRefused`` (naming the file, and the sheet once it is
    known) when the file itself cannot be used, ``SheetChoiceNeeded`` when several sheets qualify."""
    try:
        return _plan(path, year=year, acting_user=acting_user, progress=progress, sheet=sheet,
                     include_hidden=include_hidden, original_name=original_name)  # fmt: skip
    except FileRefused as refused:
        refused.file = original_name
        raise


def _plan(path, *, year, acting_user, progress, sheet, include_hidden, original_name) -> ImportPlan:
    kind = check_file(Path(path), original_name)
    workbook = open_workbook(Path(path), kind)
    try:
        reader = SheetReader(workbook, sheet=sheet, include_hidden=include_hidden)
        layout = reader.find_table()
        title_year = year_in_text(layout.title)
        if year and title_year and year != title_year:
            raise FileRefused(
                _("The sheet's title is for %(title)d but the import is for %(year)d.")
                % {"title": title_year, "year": year},
                sheet=layout.sheet,
            )
        year = year or title_year
        if not year:
            raise FileRefused(_("The sheet's title names no year; choose the year to import into."), sheet=layout.sheet)
        all_units = list(Unit.objects.all())
        units = {normalise_name(unit.name): unit for unit in all_units}
        leaders = {normalise_name(leader.post): leader for leader in Leader.objects.all()}
        parser = RowParser(year=year, columns=layout.columns, units=units, leaders=leaders)
        plan = ImportPlan(
            year=year, sheet_title=layout.title, ignored_headers=layout.ignored_headers, file=original_name,
            sheet=layout.sheet, include_hidden=include_hidden,
        )  # fmt: skip
        for raw in reader.rows():
            plan.rows.append(parser.parse(raw))
            if progress and len(plan.rows) % PROGRESS_EVERY == 0:
                progress("reading", len(plan.rows), layout.max_row)
        plan.hidden_rows = reader.hidden_rows
    finally:
        workbook.close()
    if not plan.rows:
        raise FileRefused(_("The sheet has a header row but no targets below it."), sheet=layout.sheet)
    if progress:
        progress("checking", len(plan.rows), len(plan.rows))
    ImportBuilder(plan, layout.columns, acting_user=acting_user, units=all_units).build()
    return plan
