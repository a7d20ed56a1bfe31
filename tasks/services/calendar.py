"""The office's working-day calendar (holidays, 调休 make-up working days) and report time limits."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import RuleViolation

from ..models import CalendarDay, CalendarDayKind, ReportTimeLimits
from .common import validate_and_save


def set_calendar_day(day: dt.date, *, kind: str, name: str = "", acting_user) -> CalendarDay:
    """Mark ``day`` a public holiday or a make-up working day (replacing what it was)."""
    if kind not in CalendarDayKind.values:
        raise RuleViolation({"kind": [_("Choose a public holiday or a make-up working day.")]})
    if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
        raise RuleViolation({"day": [_("A make-up working day is a Saturday or a Sunday.")]})
    if kind == CalendarDayKind.HOLIDAY and day.weekday() >= 5 and not name.strip():
        raise RuleViolation({"name": [_("Name the holiday that falls on a weekend.")]})
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(day=day).first() or CalendarDay(day=day)
        entry.kind, entry.name = kind, name.strip()
        validate_and_save(entry, acting_user=acting_user, reason=_("Calendar day set"))
    return entry


def remove_calendar_day(entry: CalendarDay, *, acting_user) -> None:
    """The day is again what its weekday says."""
    with transaction.atomic():
        entry._history_user = acting_user
        entry._change_reason = _("Calendar day removed")
        entry.delete()


def update_report_time_limits(*, head_approval_days: int, refile_days: int, acting_user) -> ReportTimeLimits:
    limits = ReportTimeLimits.current()
    limits.head_approval_days, limits.refile_days = head_approval_days, refile_days
    with transaction.atomic():
        validate_and_save(limits, acting_user=acting_user, reason=_("Report time limits changed"))
    return limits
