"""The shared cast: users across two academies and several schools, and an outsider.

Academy A is Rabat-Salé-Kénitra (directorates Rabat and Salé), academy B is L'Oriental
(directorate Oujda-Angad). Every access test uses it and includes "the other school".
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

import pytest

from massar.accounts.models import Role, User
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import PASSWORD, UserFactory
from massar.core.choices import Area, CycleCode, Sector
from massar.territory.models import Academy, Directorate, Establishment
from massar.territory.tests.factories import CommuneFactory, EstablishmentFactory


@dataclass
class Cast:
    academy_a: Academy
    academy_b: Academy
    directorate_a1: Directorate
    directorate_a2: Directorate
    directorate_b1: Directorate
    school_a1: Establishment  # lycée, Rabat
    school_a1_private: Establishment  # private primary school, Rabat
    school_a2: Establishment  # collège, Salé
    school_b1: Establishment  # rural primary central school, Oujda-Angad
    satellite_b1: Establishment  # its satellite school
    national_admin: User
    academy_officer_a: User
    academy_officer_b: User
    directorate_officer_a1: User
    directorate_officer_b1: User
    director_a1: User
    director_a2: User
    director_b1: User
    staff_a1: User
    teacher_a1: User
    parent_a1: User
    student_a1: User
    outsider: User

    password: str = PASSWORD

    def everyone(self) -> dict[str, User]:
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}


def ensure_reference_data() -> None:
    """Reload the reference data of the data migrations after a transactional test's flush."""
    if Academy.objects.exists():
        return
    from django.apps import apps

    from massar.assessment import reference as assessment_reference
    from massar.curriculum.data import y2025
    from massar.curriculum.reference import load_curriculum
    from massar.schooling import reference as schooling_reference
    from massar.staff import reference as staff_reference
    from massar.students import reference as students_reference
    from massar.timetable import reference as timetable_reference

    import_module("massar.territory.migrations.0002_reference_data").load(apps, None)
    load_curriculum(apps, y2025)
    students_reference.load(apps)
    schooling_reference.load(apps)
    staff_reference.load(apps)
    timetable_reference.load(apps)
    assessment_reference.load(apps)


def build_cast() -> Cast:
    ensure_reference_data()
    academy_a = Academy.objects.get(code="04")
    academy_b = Academy.objects.get(code="02")
    directorate_a1 = Directorate.objects.get(code="0401")
    directorate_a2 = Directorate.objects.get(code="0402")
    directorate_b1 = Directorate.objects.get(academy=academy_b, code="0201")
    rabat = CommuneFactory(
        code="CAST-RBT", name_fr="Rabat-Agdal", name_ar="الرباط أكدال", directorate=directorate_a1
    )
    sale = CommuneFactory(
        code="CAST-SLE", name_fr="Salé-Tabriquet", name_ar="سلا تابريكت", directorate=directorate_a2
    )
    rural = CommuneFactory(
        code="CAST-BNI",
        name_fr="Beni Drar",
        name_ar="بني درار",
        directorate=directorate_b1,
        area=Area.RURAL,
    )
    school_a1 = EstablishmentFactory(
        code="11565V",
        name_fr="Lycée Moulay Youssef",
        name_ar="ثانوية مولاي يوسف",
        commune=rabat,
        cycles=[CycleCode.UPPER_SECONDARY],
    )
    school_a1_private = EstablishmentFactory(
        code="11570P",
        name_fr="École Les Orangers",
        name_ar="مدرسة البرتقال",
        commune=rabat,
        sector=Sector.PRIVATE,
        cycles=[CycleCode.PRESCHOOL, CycleCode.PRIMARY],
    )
    school_a2 = EstablishmentFactory(
        code="12001C",
        name_fr="Collège Ibn Khaldoun",
        name_ar="الثانوية الإعدادية ابن خلدون",
        commune=sale,
        cycles=[CycleCode.LOWER_SECONDARY],
    )
    school_b1 = EstablishmentFactory(
        code="21010B",
        name_fr="École Al Massira",
        name_ar="مجموعة مدارس المسيرة",
        commune=rural,
        cycles=[CycleCode.PRIMARY],
    )
    satellite_b1 = EstablishmentFactory(
        code="21011S",
        name_fr="Satellite Douar Ouled Ali",
        name_ar="فرعية دوار أولاد علي",
        commune=rural,
        central_school=school_b1,
        cycles=[CycleCode.PRIMARY],
    )

    def person(username: str, role: Role | None = None, **target) -> User:
        user = UserFactory(username=username)
        if role is not None:
            role_assign(user=user, role=role, **target)
        return user

    return Cast(
        academy_a=academy_a,
        academy_b=academy_b,
        directorate_a1=directorate_a1,
        directorate_a2=directorate_a2,
        directorate_b1=directorate_b1,
        school_a1=school_a1,
        school_a1_private=school_a1_private,
        school_a2=school_a2,
        school_b1=school_b1,
        satellite_b1=satellite_b1,
        national_admin=person("cast-admin", Role.NATIONAL_ADMIN),
        academy_officer_a=person("cast-aref-a", Role.ACADEMY_OFFICER, academy=academy_a),
        academy_officer_b=person("cast-aref-b", Role.ACADEMY_OFFICER, academy=academy_b),
        directorate_officer_a1=person(
            "cast-dp-a1", Role.DIRECTORATE_OFFICER, directorate=directorate_a1
        ),
        directorate_officer_b1=person(
            "cast-dp-b1", Role.DIRECTORATE_OFFICER, directorate=directorate_b1
        ),
        director_a1=person("cast-director-a1", Role.DIRECTOR, establishment=school_a1),
        director_a2=person("cast-director-a2", Role.DIRECTOR, establishment=school_a2),
        director_b1=person("cast-director-b1", Role.DIRECTOR, establishment=school_b1),
        staff_a1=person("cast-staff-a1", Role.STAFF, establishment=school_a1),
        teacher_a1=person("cast-teacher-a1", Role.TEACHER, establishment=school_a1),
        parent_a1=person("cast-parent-a1", Role.PARENT, establishment=school_a1),
        student_a1=person("cast-student-a1", Role.STUDENT, establishment=school_a1),
        outsider=person("cast-outsider"),
    )


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (Redis in CI keeps keys between tests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request's language outlives it in a thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
