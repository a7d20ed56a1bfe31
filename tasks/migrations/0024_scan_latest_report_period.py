"""The latest filed report's period inside its covering index (PostgreSQL only).

The nightly scan reads each open assignment's latest report held by the office (its actual
progress) and, when that report is the due period's, needs no second probe for the due report
(accountability/scan/conditions.py, ``_lagging_rows_one_report_probe``). With ``period`` among the
included columns the one probe stays an index-only scan. Not declared on the models, as 0006.
"""

from django.db import migrations

BEFORE = (
    "ON tasks_progressreport (assignment_id, period_end DESC) INCLUDE (progress_percent, approved_at, "
    "submitted_at) WHERE status IN ('submitted', 'accepted')"
)
AFTER = (
    "ON tasks_progressreport (assignment_id, period_end DESC) INCLUDE (progress_percent, approved_at, "
    "submitted_at, period) WHERE status IN ('submitted', 'accepted')"
)


def _replace(definition):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP INDEX IF EXISTS report_filed_latest")
            schema_editor.execute(f"CREATE INDEX report_filed_latest {definition}")

    return run


class Migration(migrations.Migration):
    dependencies = [("tasks", "0023_target_figures")]

    operations = [migrations.RunPython(_replace(AFTER), _replace(BEFORE))]
