"""The dry-run report as lines of text (the command prints them; the page shows the same report)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _


def action_labels() -> dict[str, str]:
    return {
        "create": _("New"),
        "update": _("Changed"),
        "unchanged": _("Unchanged"),
        "error": _("Problem"),
    }


def report_lines(report: dict) -> Iterator[str]:
    labels = action_labels()
    if report.get("file"):
        yield _("File “%(file)s”, sheet “%(sheet)s”, year %(year)d") % {
            "file": report["file"],
            "sheet": report.get("sheet", ""),
            "year": report["year"],
        }
    for row in report["rows"]:
        yield from _row_lines(row, labels)
    counts = report["counts"]
    yield (
        _("%(rows)d rows: %(create)d new, %(update)d changed, %(unchanged)d unchanged, %(error)d with problems.")
        % counts
    )
    hidden = report.get("hidden_rows") or []
    if hidden:
        yield _("%(count)d hidden row(s) left out (include them with --include-hidden / 包含隐藏行):") % {
            "count": len(hidden)
        }
        for row in hidden:
            yield "    " + _("Row %(row)d (hidden) %(title)s") % row
    if report.get("ignored_headers"):
        yield _("Columns not read: %(names)s") % {"names": "、".join(report["ignored_headers"])}


def _row_lines(row: dict, labels: dict[str, str]) -> Iterator[str]:
    """A row of the report: what it would do, then its changes, notes and problems."""
    yield _("Row %(row)d [%(action)s] %(code)s %(title)s") % {
        "row": row["row"],
        "action": labels[row["action"]],
        "code": row["code"],
        "title": row["title"],
    }
    yield from (f"    · {change}" for change in row["changes"])
    yield from (f"    ! {note}" for note in row["notes"])
    yield from (f"    ✗ {problem['text']}" for problem in row["problems"])
