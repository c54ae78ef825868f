"""Registration rules loaded by a data migration: the code Massar series, the 2025/2026
registration calendar and the age range of each level. All of it is data that a national
administrator edits; the values below are the documented defaults ([firm] window, [likely] ages).

Also called after a transactional test flushed the database (see ``massar/conftest.py``).
"""

from __future__ import annotations

from datetime import date

YEAR = "2025-2026"
CODE_SERIES_LETTER = "M"
CALENDAR = {
    "preregistration_opens_on": date(2025, 4, 1),
    "preregistration_closes_on": date(2025, 4, 30),
    "review_closes_on": date(2025, 5, 15),
    "age_cutoff_date": date(2025, 12, 31),
}
# level code -> (minimum age, maximum age) on the cut-off date
AGES = {
    "PS1": (4, 5),
    "PS2": (5, 6),
    "1AP": (6, 8),
    "2AP": (7, 10),
    "3AP": (8, 11),
    "4AP": (9, 12),
    "5AP": (10, 13),
    "6AP": (11, 15),
    "1AC": (11, 16),
    "2AC": (12, 17),
    "3AC": (13, 18),
    "TC": (14, 20),
    "1BAC": (15, 21),
    "2BAC": (16, 22),
}


def load(apps, schema_editor=None) -> None:
    SchoolYear = apps.get_model("territory", "SchoolYear")
    Level = apps.get_model("curriculum", "Level")
    CodeSeries = apps.get_model("students", "CodeSeries")
    RegistrationCalendar = apps.get_model("students", "RegistrationCalendar")
    LevelAgeRule = apps.get_model("students", "LevelAgeRule")

    if not CodeSeries.objects.exists():
        CodeSeries.objects.create(letter=CODE_SERIES_LETTER, next_number=1, is_active=True)
    year = SchoolYear.objects.filter(code=YEAR).first()
    if year is None:
        return
    RegistrationCalendar.objects.get_or_create(school_year=year, defaults=CALENDAR)
    levels = {level.code: level for level in Level.objects.all()}
    for code, (min_age, max_age) in AGES.items():
        if code in levels:
            LevelAgeRule.objects.get_or_create(
                school_year=year,
                level=levels[code],
                defaults={"min_age": min_age, "max_age": max_age},
            )
