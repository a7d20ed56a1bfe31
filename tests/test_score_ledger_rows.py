"""A points ledger's lines are written in Python (``ledger_rows``): the same markup, whitespace and
words as the template loop they replace, which is kept here to compare against, for every kind of
line and for the lines of a real ledger (a report, a missing report, an appeal and its reversal)."""

import datetime as dt
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import translation

from accountability import services as acc
from accountability.choices import AppealStatus, RuleCode
from accountability.models import ScoreEntry
from accountability.models.scores import rule_label
from accountability.selectors.scores import LEDGER_LINE_FIELDS, unit_ledger, year_entries
from accountability.templatetags.scores import ledger_rows
from tests.scenarios import D, at, file_report, issued, link, score

# The loop of templates/accountability/scores/ledger.html before the lines were written in Python,
# as it read model instances (the rule and target joined, the other values annotated).
OLD_LOOP = """{% load i18n scores %}
  {% for entry in page %}
    <tr{% if entry.reversed_by %} class="reversed"{% endif %}>
      <td>{{ entry.occurred_on|date:"Y-m-d" }}</td>
      <td>{{ entry.rule.label }}</td>
      <td class="num {% if entry.amount < 0 %}down{% else %}up{% endif %}">{% if entry.amount > 0 %}+{% endif %}{{ entry.amount }}</td>
      <td>{{ entry.reason }}</td>
      <td>
        {% if entry.reverses_id %}{% blocktranslate with day=entry.reverses_on|date:"Y-m-d" %}the entry of {{ day }}{% endblocktranslate %}
        {% elif entry.notice_id %}<a href="{% url 'notices:detail' entry.notice_id %}">{% blocktranslate with number=entry.notice_number %}notice {{ number }}{% endblocktranslate %}</a>
        {% elif entry.report_id %}{% blocktranslate with period=entry.report_period %}report of {{ period }}{% endblocktranslate %}
        {% elif entry.proposal_reply_id %}{% blocktranslate with number=entry.proposal_number round=entry.proposal_round %}reply to proposal no. {{ number }}, round {{ round }}{% endblocktranslate %}
        {% elif entry.period %}{% blocktranslate with period=entry.period %}missing report of {{ period }}{% endblocktranslate %}
        {% elif entry.target %}{% translate "close-out of the assignment" %}{% endif %}
        {% if entry.target %}<br><small>{{ entry.target.code }}</small>{% endif %}
      </td>
      <td>
        {% if entry.reversed_by %}<span class="level level--green">{% translate "Reversed" %}</span>{% endif %}
        {% if entry.appeal_pk %}<a href="{% url 'scores:appeal' entry.appeal_pk %}">{{ entry.appeal_status|appeal_status }}</a>
        {% elif can_appeal and not entry.reverses_id %}<a class="button button--small button--secondary" href="{% url 'scores:appeal-new' entry.pk %}">{% translate "Appeal" %}</a>{% endif %}
      </td>
    </tr>
  {% empty %}
    <tr><td colspan="6">{% translate "No entries yet: the score is the base." %}</td></tr>
  {% endfor %}
"""  # noqa: E501 (the template's own lines)


def _old(lines, can_appeal) -> str:
    return Template(OLD_LOOP).render(Context({"page": lines, "can_appeal": can_appeal}))


def _new(rows, can_appeal) -> str:
    return "\n  " + ledger_rows(rows, can_appeal) + "\n"  # the loop's own lines around it


def _line(n: int, *, cause: str, target: bool, appeal: str, reversed_by: bool, amount: str, reason: str):
    """One line as a row of values (``unit_ledger``) and as the instance the old loop read."""
    values = dict.fromkeys(LEDGER_LINE_FIELDS)
    values.update(
        pk=n,
        occurred_on=dt.date(2018, 3, n % 28 + 1),
        amount=Decimal(amount),
        reason=reason,
        period="",
        rule_code=[RuleCode.REPORT_LATE, RuleCode.REPORT_MISSING, "no-such-rule"][n % 3],
        target_code=f"T-<{n}>&" if target else None,
        reversed_by=900 + n if reversed_by else None,
    )
    if cause == "reversal":
        values.update(reverses_id=500 + n, reverses_on=dt.date(2018, 2, 3))
    elif cause == "notice":
        values.update(notice_id=600 + n, notice_number=f"驻督预〔2018〕{n}号 <b>")
    elif cause == "withdrawn notice":
        values.update(notice_id=600 + n)  # its number is not shown: the template wrote "None"
    elif cause == "report":
        values.update(report_id=700 + n, report_period="2018-05 & <i>")
    elif cause == "proposal":
        values.update(proposal_reply_id=800 + n, proposal_number="12<", proposal_round=2)
    elif cause == "missing":
        values["period"] = "2018-W07 <x>"
    if appeal:
        values.update(appeal_pk=1000 + n, appeal_status=appeal)
    row = SimpleNamespace(**values)
    old = SimpleNamespace(
        **values,
        rule=SimpleNamespace(label=rule_label(values["rule_code"])),
        target=SimpleNamespace(code=values["target_code"]) if target else None,
    )
    return row, old


CAUSES = ["reversal", "notice", "withdrawn notice", "report", "proposal", "missing", "none"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("can_appeal", [True, False])
def test_every_kind_of_line_is_written_as_the_template_wrote_it(language, can_appeal):
    kinds = itertools.product(
        CAUSES, [True, False], ["", AppealStatus.PENDING, AppealStatus.REVERSED], [True, False], ["-0.50", "0.00", "2"]
    )
    lines = [
        _line(n, cause=c, target=t, appeal=a, reversed_by=r, amount=m, reason=f'迟报 <script>"{n}"&')
        for n, (c, t, a, r, m) in enumerate(kinds, start=1)
    ]
    assert len(lines) == 7 * 2 * 3 * 2 * 3
    with translation.override(language):
        new = _new([row for row, _old_line in lines], can_appeal)
        assert new == _old([old for _row, old in lines], can_appeal)
        assert _new([], can_appeal) == _old([], can_appeal)  # no entries: the line that says so
    assert "&lt;script&gt;" in new and "<script>" not in new


@pytest.mark.django_db
def test_a_real_ledgers_lines_read_as_the_template_wrote_them(erin, alice, bob, unit_a, unit_b):
    """A report filed late, a missing report, an appeal pending and one that reversed its entry:
    the rows of ``unit_ledger`` through ``ledger_rows`` against the instances the old loop read."""
    target = issued(erin, unit_a, [unit_b])
    file_report(link(target, unit_a), alice, D(2018, 7, 1), period="2018-06")
    score(D(2018, 7, 31), erin)
    with at(D(2018, 8, 2)):
        for unit, user in ((unit_a, alice), (unit_b, bob)):
            entry = ScoreEntry.objects.filter(unit=unit).order_by("pk").first()
            acc.file_appeal(
                entry, reason="系统故障", acting_user=user,
                evidence=SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n data", content_type="image/png"),
            )  # fmt: skip
    with at(D(2018, 8, 5)):
        appeal = ScoreEntry.objects.filter(unit=unit_b).order_by("pk").first().appeal
        acc.decide_appeal(appeal, reverse=True, note="核实属实", acting_user=erin)
    for unit in (unit_a, unit_b):
        entries = year_entries(ScoreEntry.objects.all(), unit, year=2018)
        rows = list(unit_ledger(entries))
        instances = {entry.pk: entry for entry in entries.select_related("rule", "target")}
        old_lines = []
        for row in rows:
            entry = instances[row.pk]
            for name in LEDGER_LINE_FIELDS[LEDGER_LINE_FIELDS.index("reversed_by") :]:
                setattr(entry, name, getattr(row, name))
            old_lines.append(entry)
        assert rows and [row.pk for row in rows] == sorted(
            instances, key=lambda pk: (instances[pk].occurred_on, pk), reverse=True
        )
        for can_appeal in (True, False):
            assert _new(rows, can_appeal) == _old(old_lines, can_appeal)
    unit_b_lines = _new(list(unit_ledger(year_entries(ScoreEntry.objects.all(), unit_b, year=2018))), True)
    assert 'class="reversed"' in unit_b_lines and "2018-" in unit_b_lines
