"""Factories and helpers for student files: build through the services, as a school would."""

from __future__ import annotations

from datetime import date

from massar.curriculum.models import Level, Stream
from massar.students.services import GuardianData, Placement, StudentData, student_register
from massar.territory.models import SchoolYear


def current_year() -> SchoolYear:
    return SchoolYear.objects.get(is_current=True)


def placement(establishment, level_code: str, *, stream_code: str | None = None, class_label=""):
    level = Level.objects.get(code=level_code)
    stream = (
        Stream.objects.get(code=stream_code)
        if stream_code
        else Stream.objects.filter(level=level).order_by("-is_general", "code").first()
    )
    return Placement(
        school_year=current_year(),
        establishment=establishment,
        level=level,
        stream=stream,
        class_label=class_label,
    )


def student_data(**overrides) -> StudentData:
    values = {
        "first_name_ar": "يوسف",
        "last_name_ar": "العلوي",
        "first_name_fr": "Youssef",
        "last_name_fr": "Alaoui",
        "sex": "M",
        "birth_date": date(2009, 3, 14),
        "birth_place_ar": "الرباط",
        "birth_place_fr": "Rabat",
        "guardians": [
            GuardianData(
                relationship="father",
                first_name_ar="أحمد",
                last_name_ar="العلوي",
                first_name_fr="Ahmed",
                last_name_fr="Alaoui",
                cin="AB123456",
                phone="0612345678",
                is_contact=True,
            )
        ],
    }
    values.update(overrides)
    return StudentData(**values)


def register(actor, establishment, level_code="TC", **overrides):
    """A registered pupil of ``establishment`` (TC by default, a lycée level)."""
    class_label = overrides.pop("class_label", "")
    return student_register(
        actor=actor,
        data=student_data(**overrides),
        placement=placement(establishment, level_code, class_label=class_label),
    )
