"""Template helpers of the workspaces: panels from other apps, colours, percentages."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.markup import escaped

from ..choices import WARNING_COLOURS, WarningLevel
from ..numbers import percent_text, value_text
from ..panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, **kwargs):
    """Render every panel registered for ``slot`` (see tasks/panels.py)."""
    request = context["request"]
    html = []
    for panel in panels_for(slot):
        extra = panel.context(request, **kwargs)
        if extra is None:
            continue
        html.append(render_to_string(panel.template, {**extra, "panel": panel}, request=request))
    return mark_safe("".join(html))  # each piece is a rendered, autoescaped template


@register.filter
def colour(level) -> str:
    """CSS suffix of a warning level (0–3)."""
    try:
        return WARNING_COLOURS[WarningLevel(int(level))]
    except (TypeError, ValueError):
        return "none"


@register.filter
def level_label(level) -> str:
    try:
        return WarningLevel(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def pct(value) -> str:
    """A percent with at most one decimal, no trailing zeros: 40, 42.5 (see tasks/numbers.py)."""
    return percent_text(value)


@register.filter
def num(value, measure_unit="") -> str:
    """A value without trailing zeros (1800.0000 → 1800); money at most two decimals:
    ``{{ line.goal|num:line.measure_unit }}`` (see tasks/numbers.py)."""
    return value_text(value, measure_unit)


@register.simple_tag
def battle_map_cells(cells, this_month) -> str:
    """The month cells of one battle map row (plan / actual, coloured by the judgment then). In
    Python: three hundred cells through the template language cost a province page 40 ms."""
    return mark_safe("".join(_battle_map_cell(cell, this_month) for cell in cells))  # escaped below


def _battle_map_cell(cell, this_month) -> str:
    now = " is-now" if cell.month == this_month else ""
    judged = cell.judged
    data = (
        f' data-state="{escaped(judged.state)}" data-level="{escaped(judged.level)}" title="{escaped(judged.label)}"'
        if judged
        else ""
    )
    actual = "–" if cell.actual is None else escaped(percent_text(cell.actual))
    return (
        f'<td class="cell cell--{escaped(cell.colour)}{now}"{data}><span class="cell__plan">'
        f'{escaped(percent_text(cell.planned))}</span><span class="cell__sep">/</span>'
        f'<span class="cell__actual">{actual}</span></td>'
    )


@register.simple_tag
def judgment_html(j, pk=None) -> str:
    """``includes/judgment.html`` (the state, the points behind, the days late) in Python, the same
    markup and words: for lists of hundreds of rows (the meeting pack), where an include per row
    costs more than the rest of the page."""
    assignment = f' data-assignment="{escaped(pk)}"' if pk else ""
    html = (
        f'<span class="level level--{escaped(j.colour)}" data-state="{escaped(j.state)}"{assignment} '
        f'data-day="{j.day.isoformat() if j.day else ""}">{escaped(j.label)}</span>'
    )
    if j.is_open and j.gap > 0:
        behind = gettext("%(gap)s behind") % {"gap": escaped(percent_text(j.gap))}
        html += f'<span class="judgment__gap" title="{escaped(gettext("Points behind plan, live"))}">{behind}</span>'
    if j.days_late:
        late = ngettext("%(days)s day late", "%(days)s days late", j.days_late) % {"days": j.days_late}
        html += f'<span class="judgment__gap">{late}</span>'
    return mark_safe(html)  # every value escaped above; the words are the catalogue's, as the include's
