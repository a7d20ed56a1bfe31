"""The plan node beside the kept planned percent, filled for every assignment whose percent was kept:
the last plan node due by the day it was kept for (what ``refresh_planned_progress`` now writes)."""

from django.db import migrations, models
from django.db.models import DateField, OuterRef, Subquery


def fill_plan_nodes(apps, schema_editor):
    Assignment = apps.get_model("tasks", "Assignment")
    Milestone = apps.get_model("tasks", "Milestone")
    latest = (
        Milestone.objects.filter(assignment=OuterRef("pk"), due_date__lte=OuterRef("planned_as_of"))
        .order_by("-due_date")
        .values("due_date")[:1]
    )
    Assignment.objects.exclude(planned_as_of=None).update(planned_node_due=Subquery(latest, output_field=DateField()))


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0026_scan_held_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="planned_node_due",
            field=models.DateField(blank=True, null=True, verbose_name="plan node of the planned progress"),
        ),
        migrations.RunPython(fill_plan_nodes, migrations.RunPython.noop),
    ]
