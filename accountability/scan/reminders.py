"""Reminders, gathered into one digest per person per day.

A unit is reminded of an assignment's deadline and of a report's due date 7, 1 and 0 days before
(``SupervisionRules.reminder_days``) and every day once either has passed; of a notice it has not
signed for within the allowed days, every day until it does; and of an answer or a catch-up date
that is near or past. The office is reminded of candidates and answers waiting for it. Each query
selects only the rows due for a reminder today.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.id_lists import AnyOf
from core.periods import Frequency, period_for
from tasks.judgment import lateness
from tasks.models import Assignment

from ..choices import ANSWERED_KINDS, NoticeKind, NoticeStatus
from ..models import Notice, SupervisionRules
from ..services import delivery, notice_texts
from .conditions import AsOf, fenced, open_assignments, unfiled, with_missing_period


def send_reminders(
    asof: AsOf, rules: SupervisionRules, *, missing_reports: dict | None = None, heads_late: list | None = None
) -> int:
    """Create today's digests; returns how many people got one. ``missing_reports`` ({assignment:
    period}) and ``heads_late`` (``lateness.heads_late`` as of the scan's moment), if the warning
    rules already found them, save looking for them again."""
    with translation.override(settings.LANGUAGE_CODE):
        by_unit = gather_unit_reminders(asof, rules, missing_reports=missing_reports, heads_late=heads_late)
        office_lines = gather_office_reminders()
    people = delivery.unit_people(by_unit)
    lines_by_user: dict[int, list[str]] = defaultdict(list)
    emails: dict[int, str] = {}
    for unit_id, lines in sorted(by_unit.items()):
        for user_id, email in people[unit_id].items():
            lines_by_user[user_id].extend(lines)
            emails[user_id] = email
    if office_lines:
        for user_id, email in delivery.office_people().items():
            lines_by_user[user_id].extend(office_lines)
            emails[user_id] = email
    return len(delivery.deliver_digests(asof.day, lines_by_user, emails))


def _days_left_text(days: int) -> str:
    if days == 0:
        return _("due today")
    return _("%(days)s days left") % {"days": days}


def gather_unit_reminders(
    asof: AsOf, rules: SupervisionRules, *, missing_reports: dict | None = None, heads_late: list | None = None
) -> dict[int, list[str]]:
    day, offsets = asof.day, rules.reminder_offsets
    soon = [day + dt.timedelta(days=offset) for offset in offsets]
    lines: dict[int, list[str]] = defaultdict(list)
    unit_names: dict[int, str] = {}
    # Thousands of lines share a handful of dates and sentences: translate and format each once
    # (a gettext per line was 25,000 calls, a tenth of a province night).
    day_text = functools.lru_cache(maxsize=None)(notice_texts.day_text)
    days_left_text = functools.lru_cache(maxsize=None)(_days_left_text)

    def add(unit_id, unit_name, text):
        unit_names[unit_id] = unit_name
        lines[unit_id].append(text)

    # Deadlines of assignments.
    deadlines = (
        open_assignments(asof)
        .filter(Q(deadline_then__in=soon) | Q(deadline_then__lt=day))
        .values_list("unit_id", "unit__name", "target__title", "deadline_then")
    )
    past_deadline_text = _("“%(target)s” is %(days)s days past its deadline (%(deadline)s).")
    deadline_text = _("“%(target)s” must be completed by %(deadline)s (%(left)s).")
    for unit_id, unit_name, title, deadline in deadlines:
        text = past_deadline_text if deadline < day else deadline_text
        add(unit_id, unit_name, text % {
            "target": title, "deadline": day_text(deadline), "days": (day - deadline).days,
            "left": days_left_text((deadline - day).days),
        })  # fmt: skip
    # Reports coming due, then reports overdue.
    due_text = _("The %(period)s report on “%(target)s” is due by %(due)s (%(left)s).")
    for frequency in Frequency.values:
        for due_day in soon:
            period = period_for(due_day, frequency)
            if period.due != due_day:
                continue
            rows = (
                open_assignments(asof)
                .filter(target__report_frequency=frequency)
                .filter(unfiled(period, asof))
                .values_list("unit_id", "unit__name", "target__title")
            )
            for unit_id, unit_name, title in rows:
                text = due_text % {
                    "period": period.key, "target": title, "due": day_text(period.due),
                    "left": days_left_text((period.due - day).days),
                }  # fmt: skip
                add(unit_id, unit_name, text)
    overdue_reports = _overdue_reports(asof, missing_reports)
    overdue_text = _("The %(period)s report on “%(target)s” is overdue.")
    for unit_id, unit_name, title, period_key in overdue_reports:
        add(unit_id, unit_name, overdue_text % {"period": period_key, "target": title})
    # 负责人未审批: filed by the staff, waiting for the head past the limit (never the clerk's lateness).
    head_late_text = _(
        "Not approved by the unit head: the %(period)s report on “%(target)s”, filed by the unit's staff on %(filed)s, "
        "was to be approved by the unit head by %(due)s."
    )
    late_by_head = lateness.heads_late(asof.moment, live=asof.live) if heads_late is None else heads_late
    names = {
        pk: (unit_name, title)
        for pk, unit_name, title in Assignment.objects.order_by()
        .filter(AnyOf("pk", {late.assignment_id for late in late_by_head}))
        .values_list("pk", "unit__name", "target__title")
    }
    for late in late_by_head:
        unit_name, title = names[late.assignment_id]
        add(late.unit_id, unit_name, head_late_text % {
            "period": late.period, "target": title, "filed": day_text(late.submitted_on),
            "due": day_text(late.approval_due),
        })  # fmt: skip
    # Notices not signed for in time.
    unsigned = Notice.objects.filter(
        status=NoticeStatus.ISSUED, issued_at__lte=asof.moment - dt.timedelta(days=rules.sign_for_days)
    ).values_list("unit_id", "unit__name", "number", "title", "issued_at")
    unsigned_text = _("%(number)s %(title)s, issued on %(day)s, has not been signed for.")
    for unit_id, unit_name, number, title, issued_at in unsigned.order_by("issued_at"):
        add(unit_id, unit_name, unsigned_text % {
            "number": number, "title": title, "day": day_text(timezone.localdate(issued_at)),
        })  # fmt: skip
    # Answers and catch-up dates.
    waiting = Notice.objects.filter(
        Q(kind__in=ANSWERED_KINDS, status__in=[NoticeStatus.ISSUED, NoticeStatus.SIGNED])
        & (Q(due_date__in=soon) | Q(due_date__lt=day))
        | Q(kind=NoticeKind.WARNING, status__in=[NoticeStatus.ISSUED, NoticeStatus.SIGNED, NoticeStatus.ANSWERED])
        & Q(due_date__in=soon)
    ).values_list("unit_id", "unit__name", "number", "title", "due_date", "kind")
    catch_up_text = _("%(number)s %(title)s: catch up with the plan by %(due)s.")
    answer_late_text = _("%(number)s %(title)s: the answer was due by %(due)s.")
    answer_text = _("%(number)s %(title)s: answer by %(due)s.")
    for unit_id, unit_name, number, title, due_date, kind in waiting.order_by("due_date"):
        if kind == NoticeKind.WARNING:
            text = catch_up_text
        elif due_date < day:
            text = answer_late_text
        else:
            text = answer_text
        add(unit_id, unit_name, text % {"number": number, "title": title, "due": day_text(due_date)})
    return {unit_id: [f"【{unit_names[unit_id]}】{text}" for text in texts] for unit_id, texts in lines.items()}


def _overdue_reports(asof: AsOf, missing_reports: dict | None) -> list[tuple]:
    """(unit, unit name, target title, period) of each open assignment whose due report is missing."""
    if missing_reports is not None:
        names = (
            Assignment.objects.order_by()
            .filter(AnyOf("pk", missing_reports))
            .values_list("pk", "unit_id", "unit__name", "target__title")
        )
        return [(unit_id, unit_name, title, missing_reports[pk]) for pk, unit_id, unit_name, title in names]
    statement, params = fenced(
        with_missing_period(open_assignments(asof), asof).values_list(
            "unit_id", "unit__name", "target__title", "missing_period"
        ),
        "fenced.missing_period IS NOT NULL",
        [],
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def gather_office_reminders() -> list[str]:
    lines = []
    proposed = Notice.objects.filter(kind=NoticeKind.EXPOSURE, status=NoticeStatus.PROPOSED).count()
    if proposed:
        lines.append(_("%(count)s exposure candidates await the office's decision.") % {"count": proposed})
    answered = Notice.objects.filter(kind__in=ANSWERED_KINDS, status=NoticeStatus.ANSWERED).count()
    if answered:
        lines.append(_("%(count)s answers await the office's verification.") % {"count": answered})
    return [f"【{_('Supervision office')}】{line}" for line in lines]
