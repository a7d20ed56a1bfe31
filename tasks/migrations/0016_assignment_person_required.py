"""From here on only a draft assignment may lack its 责任人 or 工作职责 (0015 named every other one)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0015_name_responsible_persons"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="assignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "draft"),
                    models.Q(("person__isnull", False), models.Q(("duty", ""), _negated=True)),
                    _connector="OR",
                ),
                name="assignment_issued_has_person_and_duty",
                violation_error_message="An issued assignment needs a responsible person and a duty.",
            ),
        ),
    ]
