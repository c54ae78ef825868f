from django.db import migrations

from massar.assessment.reference import load


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("territory", "0002_reference_data"),
        ("curriculum", "0003_assessment_rule_stream_and_calendar"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
