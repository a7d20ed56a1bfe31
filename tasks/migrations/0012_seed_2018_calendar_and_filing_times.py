"""Seed the working-day calendar with 2018's official holidays and 调休 days, and the report time
limits with their defaults; a report already submitted was filed when it was submitted; a returned
one was returned by whoever held it."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    from tasks.judgment.calendar_2018 import HOLIDAYS_2018, WORKDAYS_2018

    CalendarDay = apps.get_model("tasks", "CalendarDay")
    for day, name in HOLIDAYS_2018:
        CalendarDay.objects.get_or_create(day=day, defaults={"kind": "holiday", "name": name})
    for day, name in WORKDAYS_2018:
        CalendarDay.objects.get_or_create(day=day, defaults={"kind": "workday", "name": name})
    apps.get_model("tasks", "ReportTimeLimits").objects.get_or_create(pk=1)  # the defaults: 2 and 3 working days
    ProgressReport = apps.get_model("tasks", "ProgressReport")
    ProgressReport.objects.filter(filed_at__isnull=True, submitted_at__isnull=False).update(filed_at=F("submitted_at"))
    returned = ProgressReport.objects.filter(status="returned", returned_by_role="")
    returned.filter(approved_at__isnull=True, assignment__unit__requires_head_approval=True).update(
        returned_by_role="head"
    )
    returned.filter(returned_by_role="").update(returned_by_role="office")


class Migration(migrations.Migration):
    dependencies = [("tasks", "0011_calendar_and_fair_lateness")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
