"""Fixtures of the staff tests: a TCS class of school_a1 and teachers, on top of the cast.

TCS in 2025/2026 (curriculum data): AR 2, FR 4, EN 2, ISL 2, PHILO 2, PE 2, HG 2, MATH 5,
PC 4, SVT 3, INFO 2 — eleven subjects, 30 hours a week. Lycée teachers owe 21 hours.
"""

from __future__ import annotations

import pytest

from massar.curriculum.models import Stream, Subject
from massar.schooling.tests.factories import SchoolClassFactory
from massar.staff.tests.factories import StaffMemberFactory

TCS_HOURS = {
    "AR": 2,
    "FR": 4,
    "EN": 2,
    "ISL": 2,
    "PHILO": 2,
    "PE": 2,
    "HG": 2,
    "MATH": 5,
    "PC": 4,
    "SVT": 3,
    "INFO": 2,
}


def subjects(*codes: str) -> list[Subject]:
    return list(Subject.objects.filter(code__in=codes))


def tcs_class(establishment, number: int = 1, **kwargs):
    stream = Stream.objects.get(code="TCS")
    return SchoolClassFactory(
        establishment=establishment,
        stream=stream,
        number=number,
        name=f"TCS-{number}",
        **kwargs,
    )


@pytest.fixture
def klass(cast):
    """TCS-1 of school_a1 (the lycée of Rabat)."""
    return tcs_class(cast.school_a1)


@pytest.fixture
def math_teacher(cast):
    """A lycée teacher of school_a1 qualified for MATH and PC (quota 21 h)."""
    return StaffMemberFactory(
        main_establishment=cast.school_a1,
        first_name_fr="Souad",
        last_name_fr="Bennani",
        subjects=subjects("MATH", "PC"),
    )


@pytest.fixture
def cast_teacher(cast):
    """The staff file of the cast's teacher_a1 (their login), qualified for FR."""
    return StaffMemberFactory(
        main_establishment=cast.school_a1,
        user=cast.teacher_a1,
        first_name_fr="Karim",
        last_name_fr="Tazi",
        subjects=subjects("FR"),
    )
