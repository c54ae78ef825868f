"""Load a year's curriculum data (``massar.curriculum.data``) into the database, idempotently.

Called by data migrations with the historical models (``apps``), so it never imports models.
"""

from __future__ import annotations

from decimal import Decimal


def load_curriculum(apps, data) -> None:
    Cycle = apps.get_model("curriculum", "Cycle")
    Level = apps.get_model("curriculum", "Level")
    Stream = apps.get_model("curriculum", "Stream")
    Subject = apps.get_model("curriculum", "Subject")
    SubjectAllocation = apps.get_model("curriculum", "SubjectAllocation")
    AssessmentRule = apps.get_model("curriculum", "AssessmentRule")
    ExamRule = apps.get_model("curriculum", "ExamRule")
    MentionBand = apps.get_model("curriculum", "MentionBand")
    SchoolYear = apps.get_model("territory", "SchoolYear")

    year = SchoolYear.objects.get(code=data.YEAR)
    cycles = {}
    for code, order, name_fr, name_ar in data.CYCLES:
        cycles[code], _ = Cycle.objects.update_or_create(
            code=code, defaults={"order": order, "name_fr": name_fr, "name_ar": name_ar}
        )
    levels = {}
    for code, cycle, order, name_fr, name_ar in data.LEVELS:
        levels[code], _ = Level.objects.update_or_create(
            code=code,
            defaults={
                "cycle": cycles[cycle],
                "order": order,
                "name_fr": name_fr,
                "name_ar": name_ar,
            },
        )
    subjects = {}
    for code, name_fr, name_ar, is_conduct in data.SUBJECTS:
        subjects[code], _ = Subject.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_ar": name_ar, "is_conduct": is_conduct}
        )
    streams = {}
    for code, level, abbreviation, name_fr, name_ar, is_general in data.STREAMS:
        streams[code], _ = Stream.objects.update_or_create(
            code=code,
            defaults={
                "level": levels[level],
                "abbreviation": abbreviation,
                "name_fr": name_fr,
                "name_ar": name_ar,
                "is_general": is_general,
            },
        )
    for stream_code, rows in data.ALLOCATIONS.items():
        for subject, hours, coefficient in rows:
            SubjectAllocation.objects.get_or_create(
                school_year=year,
                stream=streams[stream_code],
                subject=subjects[subject],
                defaults={
                    "weekly_hours": Decimal(str(hours)),
                    "coefficient": Decimal(str(coefficient)),
                },
            )
    for level_code, (scale, threshold, tests) in data.RULES.items():
        AssessmentRule.objects.get_or_create(
            school_year=year,
            level=levels[level_code],
            defaults={
                "scale": scale,
                "pass_threshold": Decimal(threshold),
                "tests_per_semester": tests,
            },
        )
    ExamRule.objects.get_or_create(school_year=year)
    for code, minimum, name_fr, name_ar in data.MENTIONS:
        MentionBand.objects.get_or_create(
            school_year=year,
            code=code,
            defaults={"min_average": Decimal(minimum), "name_fr": name_fr, "name_ar": name_ar},
        )
