"""The meeting pack's lagging rows, rendered in Python: a province leader's pack lists hundreds of
assignments, and the template language spent more on them than the rest of the page together."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from core.markup import escaped
from tasks.numbers import percent_text
from tasks.templatetags.workspace import judgment_html

register = template.Library()


@register.simple_tag
def lagging_rows(assignments) -> str:
    """The rows of section 1 (the markup the loop in pack.html gave): target, unit, plan, done,
    points behind, deadline and the judgment (``judgment_html``), each value escaped."""
    return mark_safe("".join(_row(assignment) for assignment in assignments))


def _row(assignment) -> str:
    target = assignment.target
    return (
        f"\n        <tr><td>{escaped(target.code)} {escaped(target.title)}</td><td>{escaped(assignment.unit)}</td>"
        f'\n          <td class="num">{escaped(percent_text(assignment.planned_on))}%</td>'
        f'<td class="num">{escaped(percent_text(assignment.progress_on))}%</td>'
        f'\n          <td class="num"><strong>{escaped(percent_text(assignment.lag))}</strong></td>'
        f"\n          <td>{assignment.deadline.isoformat()}</td>"
        f"<td>{judgment_html(assignment.judged, assignment.pk)}</td></tr>"
    )
