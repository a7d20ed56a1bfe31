"""The notices' foreign keys to a decision item, a report and an earlier notice indexed only where set.

Most notices carry none of them (a province: none of 200,000 has a decision item or a report,
5,276 an earlier notice), yet every notice issued or closed (closing changes ``status``, so it is
no heap-only update) wrote an entry in each of the three full indexes. A partial index (``IS NOT
NULL``) gets no entry for such a row; a lookup ``= x`` still uses it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0028_night_facts"),
        ("tasks", "0024_scan_latest_report_period"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="decision_item",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notices",
                to="accountability.decisionitem",
                verbose_name="decision item",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="escalated_from",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The notice this one escalated (or stepped down) from.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="followed_by",
                to="accountability.notice",
                verbose_name="earlier notice",
            ),
        ),
        migrations.AlterField(
            model_name="notice",
            name="report",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notices",
                to="tasks.progressreport",
                verbose_name="report the problem came from",
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("decision_item__isnull", False)),
                fields=["decision_item"],
                name="notice_decision_item_set",
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("report__isnull", False)), fields=["report"], name="notice_report_set"
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("escalated_from__isnull", False)),
                fields=["escalated_from"],
                name="notice_escalated_from_set",
            ),
        ),
    ]
