"""On PostgreSQL, a trigram index makes "name contains" search fast among millions of files."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS student_search_trgm_idx "
        "ON students_student USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS student_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("students", "0002_registration_rules")]

    operations = [migrations.RunPython(create, drop)]
