"""Template helpers of the workspaces: panels from other apps, colours, percentages."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.markup import escaped, url_for_pk

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
def judgment_html(j, pk=None, label: str | None = None) -> str:
    """``includes/judgment.html`` (the state, the points behind, the days late) in Python, the same
    markup and words: for lists of hundreds of rows (the meeting pack), where an include per row
    costs more than the rest of the page. ``label``: the state's words, escaped, when the caller
    translated them once for many rows."""
    assignment = f' data-assignment="{escaped(pk)}"' if pk else ""
    html = (
        f'<span class="level level--{escaped(j.colour)}" data-state="{escaped(j.state)}"{assignment} '
        f'data-day="{j.day.isoformat() if j.day else ""}">{label or escaped(j.label)}</span>'
    )
    if j.is_open and j.gap > 0:
        behind = gettext("%(gap)s behind") % {"gap": escaped(percent_text(j.gap))}
        html += f'<span class="judgment__gap" title="{escaped(gettext("Points behind plan, live"))}">{behind}</span>'
    if j.days_late:
        late = ngettext("%(days)s day late", "%(days)s days late", j.days_late) % {"days": j.days_late}
        html += f'<span class="judgment__gap">{late}</span>'
    return mark_safe(html)  # every value escaped above; the words are the catalogue's, as the include's


@register.simple_tag
def assignment_rows(rows, show_unit, report_units) -> str:
    """The rows of ``includes/assignment_table.html`` (the workspace, the drill-down list) in Python:
    the markup, whitespace and words of the template loop, its three includes a row (the judgment,
    the bar, the report states) and two links reversed once a page. Through the template language
    the 25 rows were about half of the staff workspace's server time. tests/test_assignment_rows.py
    renders the old loop beside it."""
    if not rows:
        return mark_safe(f'\n  <tr><td colspan="9" class="muted">{escaped(gettext("Nothing matches."))}</td></tr>\n  ')
    words = {  # translated once a page, not once a row
        name: escaped(gettext(text))
        for name, text in (
            ("colour", "Colour"),
            ("target", "Target"),
            ("unit", "Unit"),
            ("role", "Role"),
            ("actual_plan", "Actual / plan"),
            ("reporting", "Reporting"),
            ("milestone", "Next milestone"),
            ("deadline", "Deadline"),
            ("status", "Status"),
            ("key", "Key"),
            ("actual", "Actual"),
            ("plan", "Plan"),
            ("refile", "Refile"),
            ("file", "File report"),
        )
    }
    words["due"] = gettext("due %(day)s")
    texts = {}  # the words of states, roles and statuses, translated once a page: 500 a page were 3 ms
    links = {name: url_for_pk(name) for name in ("assignment_detail", "report_detail", "report_edit")}
    report_units = report_units or ()  # as the template read a missing one: no row may report
    return mark_safe(  # every value escaped below; the words are the catalogue's, escaped as the tags do
        "".join(_assignment_row(row, show_unit, report_units, words, links, texts) for row in rows)
    )


def _once(texts: dict, key: tuple, text) -> str:
    """``text()`` the first time ``key`` (the kind of word and the value it names) is asked a page."""
    if key not in texts:
        texts[key] = text()
    return texts[key]


def _shown(value) -> str:
    """``{{ value }}``: localized, then escaped."""
    return escaped(localize(value))


def _assignment_row(row, show_unit, report_units, words, links, texts) -> str:
    judged = row.judged
    if judged:
        label = _once(texts, ("state", judged.state), lambda: escaped(judged.label))
        colour_cell = judgment_html(judged, row.pk, label)
    else:
        colour_cell = "—"
    target = row.target
    key = f' <span class="tag">{words["key"]}</span>' if target.is_key else ""
    unit = f'<td data-label="{words["unit"]}">{_shown(row.unit)}</td>' if show_unit else ""
    # ``row.judged.actual`` of a row without a judgment is the template's empty text.
    actual, planned, level = (judged.actual, judged.planned, judged.level) if judged else ("", "", "")
    states = _report_states_html(row, row.report_states, row.unit_id in report_units, words, links, texts)
    role = _once(texts, ("role", row.role), lambda: _shown(row.get_role_display()))
    status = _once(texts, ("status", row.status), lambda: _shown(row.get_status_display()))
    if row.next_due:
        milestone = f"{_shown(date_filter(row.next_due, 'Y-m-d'))} · {escaped(percent_text(row.next_planned))}%"
    else:
        milestone = "—"
    return (
        f'\n  <tr>\n    <td data-label="{words["colour"]}">{colour_cell}</td>\n'
        f'    <td data-label="{words["target"]}"><a href="{links["assignment_detail"](row.pk)}">'
        f"{_shown(target.code)} {_shown(target.title)}</a>{key}</td>\n"
        f"    {unit}\n"
        f'    <td data-label="{words["role"]}">{role}</td>\n'
        f'    <td class="nowrap" data-label="{words["actual_plan"]}">{_bar_html(actual, planned, level, words)}</td>\n'
        f'    <td data-label="{words["reporting"]}">{states}</td>\n'
        f'    <td class="nowrap" data-label="{words["milestone"]}">{milestone}</td>\n'
        f'    <td class="nowrap" data-label="{words["deadline"]}">{_shown(date_filter(row.deadline, "Y-m-d"))}</td>\n'
        f'    <td data-label="{words["status"]}">{status}</td>\n'
        "  </tr>\n  "
    )


def _bar_html(actual, planned, level, words) -> str:
    """``includes/bar.html``."""
    actual_text, planned_text = escaped(percent_text(actual)), escaped(percent_text(planned))
    return (
        f'<span class="bar" data-actual="{_shown(0 if actual is None else actual)}" '
        f'data-planned="{_shown(0 if planned is None else planned)}" '
        f'title="{words["actual"]} {actual_text}% / {words["plan"]} {planned_text}%">'
        f'<span class="bar__actual bar--{escaped(colour(level))}"></span><span class="bar__plan"></span></span>\n'
        f'<span class="bar__text">{actual_text}% <span class="muted">/ {planned_text}%</span></span>\n'
    )


def _report_states_html(row, states, can_report, words, links, texts) -> str:
    """``includes/report_states.html``."""
    if not states:
        return '<span class="muted">—</span>\n'
    html = []
    for state in states:
        label = _once(texts, ("report", state.code), lambda state=state: _shown(state.label))
        link = f'<a href="{links["report_detail"](state.report_pk)}">{label}</a>' if state.report_pk else label
        period = _shown(state.period)
        due = " · " + words["due"] % {"day": _shown(date_filter(state.date, "m-d"))} if state.date else ""
        button = ""
        if can_report and state.code in "missing due draft returned":  # the template's test, word for word
            word = words["refile"] if state.code == "returned" else words["file"]
            button = (
                f'\n  <a class="button button--tiny no-print" href="{links["report_edit"](row.pk)}?period={period}">'
                f"{word}</a>\n  "
            )
        html.append(
            f'\n<div class="state state--{_shown(state.code)}">\n  {link}\n'
            f'  <span class="muted small">{period}{due}</span>\n  {button}\n</div>\n'
        )
    return "".join(html) + "\n"
