"""/office/calendar/: the working-day calendar the office keeps, and the report time limits on it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.bounds import year_param
from core.errors import RuleViolation, add_rule_errors
from core.views import office_only

from ..forms.calendar import CalendarDayForm, TimeLimitsForm
from ..judgment.lateness import WorkingCalendar
from ..models import CalendarDay, ReportTimeLimits
from ..services.calendar import remove_calendar_day, set_calendar_day, update_report_time_limits


@office_only
def calendar(request):
    year = year_param(request)
    day_form, limits_form = CalendarDayForm(), TimeLimitsForm(instance=ReportTimeLimits.current())
    if request.method == "POST":
        if request.POST.get("action") == "limits":
            limits_form = TimeLimitsForm(request.POST, instance=ReportTimeLimits.current())
            if limits_form.is_valid():
                data = limits_form.cleaned_data
                try:
                    update_report_time_limits(
                        head_approval_days=data["head_approval_days"],
                        refile_days=data["refile_days"],
                        acting_user=request.user,
                    )
                except RuleViolation as error:
                    add_rule_errors(limits_form, error)
                else:
                    messages.success(request, _("The time limits are saved."))
                    return redirect(f"{request.path}?year={year}")
        else:
            day_form = CalendarDayForm(request.POST)
            if day_form.is_valid():
                data = day_form.cleaned_data
                try:
                    set_calendar_day(data["day"], kind=data["kind"], name=data["name"], acting_user=request.user)
                except RuleViolation as error:
                    add_rule_errors(day_form, error)
                else:
                    messages.success(request, _("The day is saved."))
                    return redirect(f"{request.path}?year={data['day'].year}")
    days = CalendarDay.objects.filter(day__year=year).order_by("day")
    today = clock.today()
    working = WorkingCalendar.load()
    context = {
        "year": year,
        "days": days,
        "day_form": day_form,
        "limits_form": limits_form,
        "today": today,
        "next_working": working.add_working_days(today, ReportTimeLimits.current().head_approval_days),
    }
    return render(request, "tasks/office/calendar.html", context)


@office_only
@require_POST
def calendar_remove(request, pk: int):
    entry = get_object_or_404(CalendarDay, pk=pk)
    year = entry.day.year
    remove_calendar_day(entry, acting_user=request.user)
    messages.success(request, _("The day is removed from the calendar."))
    return redirect(f"{reverse('office_calendar')}?year={year}")
