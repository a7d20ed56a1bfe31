"""The assignment tables' rows are written in Python (``assignment_rows``): the same markup,
whitespace and words as the template loop they replace (with its three includes a row), which is
kept here to compare against, for every kind of row and for the rows of a real workspace."""

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from tasks.choices import AssignmentRole, AssignmentStatus, WarningLevel
from tasks.judgment.state import Judgment, State
from tasks.selectors.assignments import _LABELS, ReportState
from tasks.templatetags.workspace import assignment_rows

# The loop of templates/includes/assignment_table.html before the rows were written in Python.
OLD_LOOP = """{% load i18n workspace %}
  {% for row in rows %}
  <tr>
    <td data-label="{% translate 'Colour' %}">{% if row.judged %}{% include "includes/judgment.html" with j=row.judged pk=row.pk %}{% else %}—{% endif %}</td>
    <td data-label="{% translate 'Target' %}"><a href="{% url 'assignment_detail' row.pk %}">{{ row.target.code }} {{ row.target.title }}</a>{% if row.target.is_key %} <span class="tag">{% translate "Key" %}</span>{% endif %}</td>
    {% if show_unit %}<td data-label="{% translate 'Unit' %}">{{ row.unit }}</td>{% endif %}
    <td data-label="{% translate 'Role' %}">{{ row.get_role_display }}</td>
    <td class="nowrap" data-label="{% translate 'Actual / plan' %}">{% include "includes/bar.html" with actual=row.judged.actual planned=row.judged.planned level=row.judged.level %}</td>
    <td data-label="{% translate 'Reporting' %}">{% if row.unit_id in report_units %}{% include "includes/report_states.html" with states=row.report_states can_report=True %}{% else %}{% include "includes/report_states.html" with states=row.report_states can_report=False %}{% endif %}</td>
    <td class="nowrap" data-label="{% translate 'Next milestone' %}">{% if row.next_due %}{{ row.next_due|date:"Y-m-d" }} · {{ row.next_planned|pct }}%{% else %}—{% endif %}</td>
    <td class="nowrap" data-label="{% translate 'Deadline' %}">{{ row.deadline|date:"Y-m-d" }}</td>
    <td data-label="{% translate 'Status' %}">{{ row.get_status_display }}</td>
  </tr>
  {% empty %}
  <tr><td colspan="9" class="muted">{% translate "Nothing matches." %}</td></tr>
  {% endfor %}
"""  # noqa: E501 (the template's own lines)


def _old(rows, show_unit, report_units) -> str:
    context = {"rows": rows, "show_unit": show_unit, "report_units": report_units}
    return Template(OLD_LOOP).render(Context(context))


def _new(rows, show_unit, report_units) -> str:
    return "\n  " + assignment_rows(rows, show_unit, report_units) + "\n"  # the loop's own lines around it


def _judgment(state, level, planned, actual, days_late):
    return Judgment(dt.date(2018, 9, 30), state, level, Decimal(planned), Decimal(actual), days_late)


JUDGMENTS = [
    None,
    _judgment(State.ON_PLAN, WarningLevel.GREEN, "40.00", "42.50", 0),
    _judgment(State.YELLOW, WarningLevel.YELLOW, "60.00", "51.25", 0),
    _judgment(State.RED, WarningLevel.RED, "100.00", "12.00", 0),
    _judgment(State.OVERDUE, WarningLevel.RED, "100.00", "80.00", 3),
    _judgment(State.DONE, WarningLevel.GREEN, "100.00", "100.00", 0),
    _judgment(State.CLAIMED, WarningLevel.GREEN, "90.00", "100.00", 0),
]


def _states(codes, report_pk):
    return [
        ReportState(
            code,
            _LABELS[code],
            "2018-09",
            dt.date(2018, 10, 5) if code in ("missing", "due", "draft") else None,
            report_pk,
        )
        for code in codes
    ]


STATES = [(), ("missing",), ("returned", "due"), ("approval",), ("draft",), ("late", "filed"), ("accepted",)]


def _row(n, judged, codes, report_pk, is_key, next_due, unit_id):
    return SimpleNamespace(
        pk=100 + n,
        judged=judged,
        target=SimpleNamespace(code=f"T-{n}", title=f"目标 <{n}> & “任务”", is_key=is_key),
        unit=f"甲县<{n}>",
        unit_id=unit_id,
        role=AssignmentRole.LEAD if n % 2 else AssignmentRole.CO,
        get_role_display=lambda: AssignmentRole.LEAD.label if n % 2 else AssignmentRole.CO.label,
        status=AssignmentStatus.IN_PROGRESS if n % 3 else AssignmentStatus.RETURNED,
        get_status_display=lambda: AssignmentStatus.IN_PROGRESS.label if n % 3 else AssignmentStatus.RETURNED.label,
        report_states=_states(codes, report_pk),
        next_due=next_due,
        next_planned=Decimal("66.66") if next_due else None,
        deadline=dt.date(2018, 12, 31),
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_kind_of_row_is_written_as_the_template_loop_wrote_it(language):
    kinds = itertools.product(JUDGMENTS, STATES, (None, 7), (True, False), (None, dt.date(2018, 10, 15)), (1, 2))
    rows = [_row(n, *kind) for n, kind in enumerate(kinds)]
    assert len(rows) == 7 * 7 * 2 * 2 * 2 * 2
    with translation.override(language):
        for show_unit in (True, False):
            for chunk in range(0, len(rows), 49):
                page = rows[chunk : chunk + 49]
                assert _new(page, show_unit, {1}) == _old(page, show_unit, {1})
        assert _new([], True, {1}) == _old([], True, {1})
        assert "File report" in _new(rows, True, {1}) or language != "en"


def test_a_real_workspace_shows_the_same_rows(client, alice, issued_target):
    from core.access import access_for
    from tasks.models import Assignment
    from tasks.selectors.assignments import attach_states, with_states
    from tasks.views.assignments import _judged, _ordered

    rows = _judged(attach_states(_ordered(with_states(Assignment.objects.all()))))
    assert rows and all(row.judged for row in rows)
    units = access_for(alice).staff_unit_ids
    assert _new(rows, True, units) == _old(rows, True, units)
    client.force_login(alice)
    page = client.get("/unit/").content.decode()
    assert assignment_rows(rows[:1], True, units).split("<tr>")[1].split("</tr>")[0].strip()[:40] in page
