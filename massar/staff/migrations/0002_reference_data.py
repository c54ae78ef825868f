from django.db import migrations

from massar.staff.reference import load


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("territory", "0002_reference_data"),
        ("curriculum", "0002_curriculum_2025_2026"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
