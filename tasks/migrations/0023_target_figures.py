from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0022_month_end_figures"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="target",
            index=models.Index(fields=["-year", "code"], name="target_ledger_order"),
        ),
    ]
