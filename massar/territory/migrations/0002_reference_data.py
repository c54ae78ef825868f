"""Load the 12 academies, the 82 directorates and the 2025/2026 school year with its holidays."""

from datetime import date

from django.db import migrations

HOLIDAYS_2025_2026 = [
    # (kind, starts_on, ends_on, name_fr, name_ar)
    ("break", date(2025, 10, 19), date(2025, 10, 26), "Vacances intermédiaires 1", "العطلة البينية الأولى"),
    ("national", date(2025, 11, 6), date(2025, 11, 6), "Anniversaire de la Marche verte", "ذكرى المسيرة الخضراء"),
    ("national", date(2025, 11, 18), date(2025, 11, 18), "Fête de l'Indépendance", "عيد الاستقلال"),
    ("break", date(2025, 12, 7), date(2025, 12, 14), "Vacances intermédiaires 2", "العطلة البينية الثانية"),
    ("national", date(2026, 1, 1), date(2026, 1, 1), "Nouvel an", "رأس السنة الميلادية"),
    ("national", date(2026, 1, 11), date(2026, 1, 11), "Manifeste de l'Indépendance", "ذكرى تقديم وثيقة الاستقلال"),
    ("national", date(2026, 1, 14), date(2026, 1, 14), "Nouvel an amazigh", "رأس السنة الأمازيغية"),
    ("break", date(2026, 1, 25), date(2026, 2, 1), "Vacances de fin du premier semestre", "عطلة منتصف السنة الدراسية"),
    ("break", date(2026, 3, 15), date(2026, 3, 22), "Vacances intermédiaires 3", "العطلة البينية الثالثة"),
    ("religious", date(2026, 3, 20), date(2026, 3, 22), "Aïd al-Fitr", "عيد الفطر"),
    ("national", date(2026, 5, 1), date(2026, 5, 1), "Fête du Travail", "عيد الشغل"),
    ("break", date(2026, 5, 3), date(2026, 5, 10), "Vacances intermédiaires 4", "العطلة البينية الرابعة"),
    ("religious", date(2026, 5, 26), date(2026, 5, 28), "Aïd al-Adha", "عيد الأضحى"),
]


def load(apps, schema_editor):
    from massar.territory.reference import read_reference

    Academy = apps.get_model("territory", "Academy")
    Directorate = apps.get_model("territory", "Directorate")
    SchoolYear = apps.get_model("territory", "SchoolYear")
    Holiday = apps.get_model("territory", "Holiday")

    academies, directorates = read_reference()
    by_code = {}
    for row in academies:
        by_code[row.code], _ = Academy.objects.update_or_create(
            code=row.code, defaults={"name_fr": row.name_fr, "name_ar": row.name_ar}
        )
    for row in directorates:
        Directorate.objects.update_or_create(
            code=row.code,
            defaults={
                "academy": by_code[row.academy_code],
                "name_fr": row.name_fr,
                "name_ar": row.name_ar,
            },
        )

    year, _ = SchoolYear.objects.get_or_create(
        code="2025-2026",
        defaults={"starts_on": date(2025, 9, 8), "ends_on": date(2026, 6, 30), "is_current": True},
    )
    for kind, starts_on, ends_on, name_fr, name_ar in HOLIDAYS_2025_2026:
        Holiday.objects.get_or_create(
            school_year=year,
            starts_on=starts_on,
            name_fr=name_fr,
            defaults={"kind": kind, "ends_on": ends_on, "name_ar": name_ar},
        )


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
