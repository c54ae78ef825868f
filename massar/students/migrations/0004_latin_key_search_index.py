"""On PostgreSQL, a trigram index on the Latin name skeleton for transliteration-tolerant search."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS student_latin_key_trgm_idx "
        "ON students_student USING gin (name_key_latin gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS student_latin_key_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("students", "0003_search_index")]

    operations = [migrations.RunPython(create, drop)]
