"""Filters and tags of the scoring pages."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.markup import escaped, url_for_pk

from ..choices import AppealStatus
from ..models.scores import rule_label

register = template.Library()


@register.filter
def appeal_status(value) -> str:
    """An appeal's status by name, from its value (a points ledger reads the status as a value)."""
    return AppealStatus(value).label if value in AppealStatus.values else ""


def _shown(value) -> str:
    """A value as ``{{ value }}`` writes it: localized (the points' decimals), then escaped."""
    return escaped(localize(value))


@register.simple_tag
def ledger_rows(page, can_appeal) -> str:
    """The points ledger's lines (``unit_ledger``'s page) in Python, the markup, whitespace and
    words the template's loop wrote: 25 lines through the template language, each with its
    translations and links reversed one by one, were a fifth of a city ledger's server time.
    tests/test_score_ledger_rows.py renders the old loop beside it for every kind of line."""
    links = {
        "notice": url_for_pk("notices:detail"),
        "appeal": url_for_pk("scores:appeal"),
        "appeal_new": url_for_pk("scores:appeal-new"),
    }
    words = {  # translated once a page, not once a line
        "entry": gettext("the entry of %(day)s"),
        "notice": gettext("notice %(number)s"),
        "report": gettext("report of %(period)s"),
        "proposal": gettext("reply to proposal no. %(number)s, round %(round)s"),
        "missing": gettext("missing report of %(period)s"),
        "close_out": gettext("close-out of the assignment"),
        "reversed": gettext("Reversed"),
        "appeal": gettext("Appeal"),
    }
    rows = [_ledger_row(entry, can_appeal, links, words) for entry in page]
    if not rows:
        return mark_safe(f'\n    <tr><td colspan="6">{gettext("No entries yet: the score is the base.")}</td></tr>\n  ')
    return mark_safe("".join(rows))  # every value escaped below; the words are the catalogue's


def _ledger_row(entry, can_appeal, links, words) -> str:
    amount = entry.amount
    target = entry.target_code
    if entry.reverses_id:
        day = entry.reverses_on.isoformat() if entry.reverses_on else ""
        cause = words["entry"] % {"day": day} + "\n        "
    elif entry.notice_id:
        number = words["notice"] % {"number": _shown(entry.notice_number)}
        cause = f'<a href="{links["notice"](entry.notice_id)}">{number}</a>\n        '
    elif entry.report_id:
        cause = words["report"] % {"period": _shown(entry.report_period)} + "\n        "
    elif entry.proposal_reply_id:
        cause = words["proposal"] % {"number": _shown(entry.proposal_number), "round": _shown(entry.proposal_round)}
        cause += "\n        "
    elif entry.period:
        cause = words["missing"] % {"period": _shown(entry.period)} + "\n        "
    elif target is not None:
        cause = words["close_out"]
    else:
        cause = ""
    code = f"<br><small>{_shown(target)}</small>" if target is not None else ""
    reversed_by = entry.reversed_by
    reversal = f'<span class="level level--green">{words["reversed"]}</span>' if reversed_by else ""
    if entry.appeal_pk:
        status = escaped(appeal_status(entry.appeal_status))
        appeal = f'<a href="{links["appeal"](entry.appeal_pk)}">{status}</a>\n        '
    elif can_appeal and not entry.reverses_id:
        appeal = (
            f'<a class="button button--small button--secondary" href="{links["appeal_new"](entry.pk)}">'
            f"{words['appeal']}</a>"
        )
    else:
        appeal = ""
    marked = ' class="reversed"' if reversed_by else ""
    return (
        f"\n    <tr{marked}>"
        f"\n      <td>{entry.occurred_on.isoformat()}</td>"
        f"\n      <td>{escaped(rule_label(entry.rule_code))}</td>"
        f'\n      <td class="num {"down" if amount < 0 else "up"}">{"+" if amount > 0 else ""}{_shown(amount)}</td>'
        f"\n      <td>{_shown(entry.reason)}</td>"
        f"\n      <td>\n        {cause}\n        {code}\n      </td>"
        f"\n      <td>\n        {reversal}\n        {appeal}\n      </td>"
        "\n    </tr>\n  "
    )
