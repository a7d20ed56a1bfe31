"""Searching the history of every record (django-simple-history's tables) in one list.

Each history table is asked on its own, with the filters as SQL and its newest rows only (date and
id, no row bodies); the answers are merged by date and the page's rows are then read in full, a
few queries per table on the page. Nothing scans a table into Python, so the cost follows the
page, not the size of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tasks.models import Unit

# Where an object of a model has a page (url name, taking the object's id).
OBJECT_PAGES = {
    "tasks.Target": "target_detail",
    "tasks.Assignment": "assignment_detail",
    "tasks.ProgressReport": "report_detail",
    "tasks.User": "accounts:user_detail",
    "accountability.Notice": "notices:detail",
    "accountability.ResponsibilityLetter": "letters:detail",
}
# Fields a diff never shows.
HIDDEN_FIELDS = {"id", "password", "last_login"}
UNIT_PATH_DEPTH = 3


@dataclass
class HistoryModel:
    history: type[models.Model]
    model: type[models.Model]
    unit_path: str | None

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name)


def _unit_path(model: type[models.Model], depth: int = UNIT_PATH_DEPTH) -> str | None:
    """The shortest foreign-key path from ``model`` to its unit (``unit``, ``assignment__unit``…)."""
    if model is Unit:
        return "id"
    frontier = [(model, "")]
    for _level in range(depth):
        next_frontier = []
        for current, prefix in frontier:
            for fk in current._meta.fields:
                if not fk.is_relation or not fk.many_to_one:
                    continue
                path = f"{prefix}{fk.name}"
                if fk.related_model is Unit:
                    return path
                next_frontier.append((fk.related_model, f"{path}__"))
        frontier = next_frontier
    return None


@cache
def history_models() -> tuple[HistoryModel, ...]:
    found = []
    for history in apps.get_models():
        model = getattr(history, "instance_type", None)
        if model is None or not {"history_date", "history_type", "history_id", "history_user"} <= _field_names(history):
            continue
        found.append(HistoryModel(history, model, _unit_path(model)))
    return tuple(sorted(found, key=lambda item: item.label))


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def history_model(label: str) -> HistoryModel | None:
    return next((item for item in history_models() if item.label == label), None)


@dataclass
class AuditFilters:
    user_ids: list[int] | None = None  # None: anyone; []: nobody matched
    unit: Unit | None = None
    model_label: str = ""
    object_id: int | None = None
    kind: str = ""  # + ~ -
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(item: HistoryModel, filters: AuditFilters):
    """``item``'s history rows that pass ``filters``, or None when none can."""
    rows = item.history.objects.all()
    if filters.model_label and item.label != filters.model_label:
        return None
    if filters.user_ids is not None:
        if not filters.user_ids:
            return None
        rows = rows.filter(history_user_id__in=filters.user_ids)
    if filters.unit is not None:
        if item.unit_path is None:
            return None
        # The history row's own copy of the unit link where the model has one, else through the
        # live records it points to.
        rows = rows.filter(**{item.unit_path if item.unit_path != "id" else "id": filters.unit.pk})
    if filters.object_id is not None:
        rows = rows.filter(id=filters.object_id)
    if filters.kind:
        rows = rows.filter(history_type=filters.kind)
    if filters.date_from:
        rows = rows.filter(history_date__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(history_date__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return rows


@dataclass
class Change:
    name: str  # the field's name in the code
    field: str  # its label
    before: str
    after: str
    related: type[models.Model] | None = None  # for a link: the model the ids point to


@dataclass
class AuditRow:
    item: HistoryModel
    record: models.Model
    previous: models.Model | None
    changes: list[Change] = field(default_factory=list)
    label: str = ""

    @property
    def url(self) -> str | None:
        name = OBJECT_PAGES.get(self.item.label)
        if not name or self.record.history_type == "-":
            return None
        try:
            return reverse(name, args=[self.record.id])
        except NoReverseMatch:
            return None


def _shown(record, field_obj) -> str:
    value = getattr(record, field_obj.attname, None)
    if value is None or value == "":
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if field_obj.is_relation:
        return f"#{value}"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _tracked_fields(item: HistoryModel):
    names = {f.name for f in item.model._meta.concrete_fields}
    return [f for f in item.history._meta.concrete_fields if f.name in names and f.name not in HIDDEN_FIELDS]


def diff(item: HistoryModel, record, previous) -> list[Change]:
    changes = []
    for field_obj in _tracked_fields(item):
        after = _shown(record, field_obj)
        related = field_obj.related_model if field_obj.is_relation else None
        label = str(field_obj.verbose_name)
        if record.history_type == "-":
            changes.append(Change(field_obj.name, label, after, "—", related))
        elif previous is None or record.history_type == "+":
            if after != "—":
                changes.append(Change(field_obj.name, label, "—", after, related))
        else:
            before = _shown(previous, field_obj)
            if before != after:
                changes.append(Change(field_obj.name, label, before, after, related))
    return changes


def _str_paths(model: type[models.Model], depth: int = 2, prefix: str = "") -> list[str]:
    """The foreign keys (two levels) a model's ``__str__`` may follow, for ``select_related``."""
    paths = []
    for fk in model._meta.concrete_fields:
        if fk.is_relation and fk.many_to_one:
            path = f"{prefix}{fk.name}"
            paths.append(path)
            if depth > 1:
                paths.extend(_str_paths(fk.related_model, depth - 1, f"{path}__"))
    return paths


def _load(model: type[models.Model], ids) -> dict:
    """Rows of ``model`` by id, with what their names need, in one query."""
    return model._base_manager.select_related(*_str_paths(model)).in_bulk(list(ids))


def _label_records(rows: list[AuditRow]) -> None:
    """Each row's record named as it is now (one query per kind of record on the page)."""
    by_model: dict[type[models.Model], set[int]] = {}
    for row in rows:
        by_model.setdefault(row.item.model, set()).add(row.record.id)
    live = {model: _load(model, ids) for model, ids in by_model.items()}
    for row in rows:
        obj = live[row.item.model].get(row.record.id)
        row.label = str(obj) if obj is not None else ""


def _name_links(rows: list[AuditRow]) -> None:
    """Show a link's target by name (``#12`` → 督查室): one query per model the page points to."""
    wanted: dict[type[models.Model], set[int]] = {}
    for row in rows:
        for change in row.changes:
            if change.related is None:
                continue
            for value in (change.before, change.after):
                if value.startswith("#") and value[1:].isdigit():
                    wanted.setdefault(change.related, set()).add(int(value[1:]))
    names = {}
    for model, ids in wanted.items():
        for pk, obj in _load(model, ids).items():
            names[(model, f"#{pk}")] = str(obj)[:80]
    for row in rows:
        for change in row.changes:
            if change.related is not None:
                change.before = names.get((change.related, change.before), change.before)
                change.after = names.get((change.related, change.after), change.after)


def search(filters: AuditFilters, *, page: int, per_page: int) -> tuple[list[AuditRow], bool]:
    """The rows of page ``page`` (newest first) and whether there is a next page."""
    wanted = page * per_page + 1
    keys = []  # (date, history_id, item)
    for item in history_models():
        rows = filtered(item, filters)
        if rows is None:
            continue
        for date, history_id in rows.order_by("-history_date", "-history_id").values_list("history_date", "history_id")[
            :wanted
        ]:
            keys.append((date, history_id, item))
    keys.sort(key=lambda key: (key[0], key[1]), reverse=True)
    has_next = len(keys) > page * per_page
    chosen = keys[(page - 1) * per_page : page * per_page]
    by_item: dict[str, list[int]] = {}
    for _date, history_id, item in chosen:
        by_item.setdefault(item.label, []).append(history_id)
    loaded: dict[tuple[str, int], AuditRow] = {}
    for label, ids in by_item.items():
        item = history_model(label)
        history = item.history
        earlier = history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date")).order_by(
            "-history_date", "-history_id"
        )
        records = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier.values("history_id")[:1]))
        )
        previous = history.objects.in_bulk([r.previous_id for r in records if r.previous_id])
        for record in records:
            before = previous.get(record.previous_id)
            loaded[(label, record.history_id)] = AuditRow(item, record, before, diff(item, record, before))
    rows = [
        loaded[(item.label, history_id)] for _date, history_id, item in chosen if (item.label, history_id) in loaded
    ]
    _label_records(rows)
    _name_links(rows)
    return rows, has_next
