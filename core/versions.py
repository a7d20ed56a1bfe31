"""Edit forms carry the version of what they show, and a save made from a stale page is refused.

Two people editing the same report (or target, or breakdown) from two tabs: without this the
second save silently wins and the first person's text survives only in history. The version is
the id of the newest history row of the rows a page edits (every change through a service writes
one). A save whose version is not the current one is refused; the page shows the person what
changed meanwhile, by whom, and keeps what they typed, with the current version, so that saving
again is a decision made knowing the other change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

FIELD = "version"


class StaleEdit(Exception):
    """Raised inside the saving transaction when the page was stale: nothing is saved."""


def version_of(history: QuerySet) -> str:
    """The version of the rows whose history rows ``history`` selects ("0" when none)."""
    return str(history.aggregate(last=Max("history_id"))["last"] or 0)


def is_stale(request, current: str) -> bool:
    """The page was read at another version than the rows have now. Every edit page sends its
    version; a post without one (a script, a page from before this check) is not checked."""
    sent = request.POST.get(FIELD)
    return sent is not None and sent != current


@dataclass
class Change:
    who: str
    when: object
    what: str
    lines: list[str]


def changes_since(history: QuerySet, version: str, *, describe=str) -> list[Change]:
    """What the history rows newer than ``version`` changed, field by field, oldest first."""
    try:
        since = int(version or 0)
    except ValueError:
        since = 0
    rows = list(history.filter(history_id__gt=since).select_related("history_user").order_by("history_id"))
    changes = []
    for row in rows[-20:]:
        previous = row.prev_record
        lines = []
        if row.history_type == "+":
            lines.append(_("added"))
            lines += _typed_values(row)
        elif row.history_type == "-":
            lines.append(_("removed"))
        elif previous is not None:
            for change in row.diff_against(previous).changes:
                label = row.instance_type._meta.get_field(change.field).verbose_name
                lines.append(f"{label}：{_short(change.old)} → {_short(change.new)}")
        if lines:
            changes.append(Change(str(row.history_user or ""), row.history_date, describe(row), lines))
    return changes


def _typed_values(row) -> list[str]:
    """What a person typed into a row that was created meanwhile (texts and figures)."""
    lines = []
    for field in row.instance_type._meta.fields:
        if isinstance(field, (models.CharField, models.TextField, models.DecimalField)) and not field.choices:
            value = getattr(row, field.attname, None)
            if value not in (None, ""):
                lines.append(f"{field.verbose_name}：{_short(value)}")
    return lines


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:59] + "…"
