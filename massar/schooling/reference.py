"""The school map's class-size norms for 2025/2026, loaded by a data migration.

The maximum number of pupils per class is a ministerial target that changes by note; the values
below are defaults [likely] that a national administrator edits per school year.

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

YEAR = "2025-2026"
# cycle -> maximum pupils per class
MAX_PUPILS = {
    "preschool": 30,
    "primary": 40,
    "lower_secondary": 40,
    "upper_secondary": 40,
}


def load(apps, schema_editor=None) -> None:
    SchoolYear = apps.get_model("territory", "SchoolYear")
    ClassSizeNorm = apps.get_model("schooling", "ClassSizeNorm")
    year = SchoolYear.objects.filter(code=YEAR).first()
    if year is None:
        return
    for cycle, max_pupils in MAX_PUPILS.items():
        ClassSizeNorm.objects.get_or_create(
            school_year=year, cycle=cycle, defaults={"max_pupils": max_pupils}
        )
