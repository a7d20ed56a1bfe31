"""The meeting pack's lagging rows, rendered in Python: a province leader's pack lists hundreds of
assignments, and the template language spent more on them than the rest of the page together.
Kept once written (``core.fragments``), under the digest of what they show: 490 rows took 20 ms to
write and their digest 1 ms, and they change only when one of them does."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from core.fragments import kept_text, written_key
from core.markup import escaped
from tasks.numbers import percent_text
from tasks.templatetags.workspace import judgment_html

register = template.Library()

# What writes the rows' markup, words and colours: a deployment changing one writes them afresh.
WRITERS = (
    __name__,
    "tasks.templatetags.workspace",
    "tasks.judgment.state",
    "tasks.choices",
    "tasks.numbers",
    "core.markup",
)


@register.simple_tag
def lagging_rows(rows) -> str:
    """The rows of section 1 (the markup the loop in pack.html gave): target, unit, plan, done,
    points behind, deadline and the judgment (``judgment_html``), each value escaped. ``rows``:
    ``accountability.selectors.meetings.LaggingRow``s."""
    key = written_key("meeting-pack-lagging", [row.shown() for row in rows], WRITERS)
    return mark_safe(kept_text(key, lambda: written_rows(rows)))  # every value escaped in ``_row``


def written_rows(rows) -> str:
    """The rows' markup written afresh (what is kept)."""
    return "".join(_row(row) for row in rows)


def _row(row) -> str:
    return (
        f"\n        <tr><td>{escaped(row.code)} {escaped(row.title)}</td><td>{escaped(row.unit_name)}</td>"
        f'\n          <td class="num">{escaped(percent_text(row.planned_on))}%</td>'
        f'<td class="num">{escaped(percent_text(row.progress_on))}%</td>'
        f'\n          <td class="num"><strong>{escaped(percent_text(row.lag))}</strong></td>'
        f"\n          <td>{row.deadline.isoformat()}</td>"
        f"<td>{judgment_html(row.judged, row.pk)}</td></tr>"
    )
