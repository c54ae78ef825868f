"""The national calendar of assessment for 2025/2026, loaded by a data migration (editable).

Mark entry for a semester is open from the first day of lessons to a week after the semester
ends (the semester break, 25 January–1 February, then June). Orientation wishes for 3AC, TC and
1BAC: first wishes from February, final wishes in April (domain reference, section 6).

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

from datetime import date

YEAR = "2025-2026"
ENTRY_WINDOWS = {
    1: (date(2025, 9, 8), date(2026, 2, 7)),
    2: (date(2026, 2, 2), date(2026, 6, 27)),
}
ORIENTATION_LEVELS = ("3AC", "TC", "1BAC")
ORIENTATION_WINDOWS = {
    1: (date(2026, 2, 2), date(2026, 3, 14)),
    2: (date(2026, 4, 1), date(2026, 4, 30)),
}


def load(apps, schema_editor=None) -> None:
    SchoolYear = apps.get_model("territory", "SchoolYear")
    Level = apps.get_model("curriculum", "Level")
    EntryWindow = apps.get_model("assessment", "EntryWindow")
    OrientationWindow = apps.get_model("assessment", "OrientationWindow")
    year = SchoolYear.objects.filter(code=YEAR).first()
    if year is None:
        return
    for semester, (opens_on, closes_on) in ENTRY_WINDOWS.items():
        EntryWindow.objects.get_or_create(
            school_year=year,
            semester=semester,
            establishment=None,
            defaults={"opens_on": opens_on, "closes_on": closes_on},
        )
    for level in Level.objects.filter(code__in=ORIENTATION_LEVELS):
        for phase, (opens_on, closes_on) in ORIENTATION_WINDOWS.items():
            OrientationWindow.objects.get_or_create(
                school_year=year,
                level=level,
                phase=phase,
                defaults={"opens_on": opens_on, "closes_on": closes_on},
            )
