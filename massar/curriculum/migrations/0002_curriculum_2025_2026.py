"""Load the 2025/2026 curriculum: cycles, levels, streams, subjects, hours, coefficients, rules."""

from django.db import migrations


def load(apps, schema_editor):
    from massar.curriculum.data import y2025
    from massar.curriculum.reference import load_curriculum

    load_curriculum(apps, y2025)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
        ("territory", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
