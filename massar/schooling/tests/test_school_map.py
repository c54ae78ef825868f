"""The school map against figures computed by hand, for a school and for a directorate, and the
directorate map's queries that do not grow with its establishments."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massar.core.choices import CycleCode
from massar.schooling.models import ClassSizeNorm, ExpectedIntake, RoomType
from massar.schooling.school_map import (
    directorate_school_map,
    establishment_school_map,
    next_year_label,
)
from massar.schooling.tests.factories import (
    RoomFactory,
    SchoolClassFactory,
    current_year,
    enrol_pupils,
    level,
)
from massar.students.models import Enrolment, EnrolmentStatus
from massar.territory.models import Establishment, SchoolYear
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def intake(school, **values):
    for code, value in values.items():
        ExpectedIntake.objects.create(
            establishment=school, school_year=current_year(), level=level(code), new_pupils=value
        )


def lycee(cast):
    """school_a1 this year: TC 50 (30 undecided, 10 pass, 7 repeat, 3 end of schooling, and one
    who left), 1BAC 45 (41 undecided, 4 repeat), 2BAC 30 (28 pass, 2 repeat); 95 new in TC and
    5 in 1BAC expected; 5 classrooms in use, one not in use, one laboratory; two TC classes."""
    school = cast.school_a1
    enrol_pupils(
        school,
        "TC",
        50,
        stream_code="TCS",
        decisions=[""] * 30 + ["pass"] * 10 + ["repeat"] * 7 + ["excluded"] * 3,
    )
    gone = enrol_pupils(school, "TC", 1, stream_code="TCS")[0]
    Enrolment.objects.filter(pk=gone.pk).update(status=EnrolmentStatus.TRANSFERRED_OUT)
    enrol_pupils(school, "1BAC", 45, stream_code="1BAC-SEX", decisions=[""] * 41 + ["repeat"] * 4)
    enrol_pupils(
        school, "2BAC", 30, stream_code="2BAC-PC", decisions=["pass"] * 28 + ["repeat"] * 2
    )
    intake(school, TC=95, **{"1BAC": 5})
    for index in range(5):
        RoomFactory(establishment=school, code=f"S{index}")
    RoomFactory(establishment=school, code="OLD", is_active=False)
    RoomFactory(establishment=school, code="LAB", room_type=RoomType.SCIENCE_LAB)
    SchoolClassFactory(establishment=school, number=1)
    SchoolClassFactory(establishment=school, number=2)
    return school


def rows(plan):
    return {
        row.level.code: (
            row.continuing,
            row.repeating,
            row.new_pupils,
            row.expected,
            row.max_per_class,
            row.classes_needed,
            row.classes_now,
        )
        for row in plan.levels
    }


def test_the_map_of_a_lycee_for_next_year(cast):
    plan = establishment_school_map(establishment=lycee(cast), school_year=current_year())
    assert plan.planned_year == "2026/2027"
    assert rows(plan) == {
        "TC": (0, 7, 95, 102, 40, 3, 2),  # ⌈102 / 40⌉ = 3
        "1BAC": (40, 4, 5, 49, 40, 2, 0),  # 30 undecided + 10 passing go up
        "2BAC": (41, 2, 0, 43, 40, 2, 0),
    }
    assert (plan.expected, plan.classes_needed) == (194, 7)
    assert (plan.classrooms_needed, plan.classrooms_available) == (7, 5)
    assert (plan.classrooms_missing, plan.classrooms_spare) == (2, 0)


def test_the_map_of_a_primary_school_goes_up_from_preschool(cast):
    school = cast.school_a1_private
    enrol_pupils(school, "PS2", 20)
    enrol_pupils(school, "6AP", 12)  # they leave for a collège: counted nowhere
    intake(school, PS1=25, **{"1AP": 10})
    plan = establishment_school_map(establishment=school, school_year=current_year())
    figures = rows(plan)
    assert list(figures) == ["PS1", "PS2", "1AP", "2AP", "3AP", "4AP", "5AP", "6AP"]
    assert figures["PS1"] == (0, 0, 25, 25, 30, 1, 0)
    assert figures["PS2"] == (0, 0, 0, 0, 30, 0, 0)
    assert figures["1AP"] == (20, 0, 10, 30, 40, 1, 0)
    assert figures["6AP"] == (0, 0, 0, 0, 40, 0, 0)
    assert (plan.expected, plan.classes_needed, plan.classrooms_missing) == (55, 2, 2)


def test_the_norm_of_the_year_is_used(cast):
    ClassSizeNorm.objects.filter(
        school_year=current_year(), cycle=CycleCode.UPPER_SECONDARY
    ).update(max_pupils=35)
    plan = establishment_school_map(establishment=lycee(cast), school_year=current_year())
    assert [row.classes_needed for row in plan.levels] == [3, 2, 2]  # 102/35, 49/35, 43/35
    ClassSizeNorm.objects.filter(
        school_year=current_year(), cycle=CycleCode.UPPER_SECONDARY
    ).update(max_pupils=34)
    plan = establishment_school_map(establishment=cast.school_a1, school_year=current_year())
    assert [row.classes_needed for row in plan.levels] == [3, 2, 2]
    ClassSizeNorm.objects.filter(
        school_year=current_year(), cycle=CycleCode.UPPER_SECONDARY
    ).update(max_pupils=20)
    plan = establishment_school_map(establishment=cast.school_a1, school_year=current_year())
    assert [row.classes_needed for row in plan.levels] == [6, 3, 3]


def test_a_year_without_norms_takes_the_nearest_one(cast):
    last_year = SchoolYear.objects.create(
        code="2024-2025", starts_on=date(2024, 9, 9), ends_on=date(2025, 6, 30)
    )
    enrol_pupils(cast.school_a1, "TC", 41, stream_code="TCS", school_year=last_year)
    plan = establishment_school_map(establishment=cast.school_a1, school_year=last_year)
    assert plan.planned_year == "2025/2026"
    assert rows(plan)["1BAC"] == (41, 0, 0, 41, 40, 2, 0)


def test_next_year_label():
    assert next_year_label(SchoolYear(code="2025-2026")) == "2026/2027"


def test_the_directorate_map_adds_up_its_schools(cast):
    lycee(cast)
    enrol_pupils(cast.school_a1_private, "PS2", 20)
    intake(cast.school_a1_private, PS1=25, **{"1AP": 10})
    enrol_pupils(cast.school_a2, "1AC", 500)  # another directorate: not counted
    schools = Establishment.objects.all()
    plan = directorate_school_map(
        directorate=cast.directorate_a1, establishments=schools, school_year=current_year()
    )
    assert [s.establishment.code for s in plan.schools] == ["11565V", "11570P"]
    assert [(s.expected, s.classes_needed, s.classrooms_missing) for s in plan.schools] == [
        (194, 7, 2),
        (55, 2, 2),
    ]
    assert (plan.expected, plan.new_pupils, plan.classes_needed) == (249, 135, 9)
    assert (plan.classrooms_available, plan.classrooms_missing) == (5, 4)


def test_the_directorate_map_only_counts_the_schools_given(cast):
    lycee(cast)
    only_private = Establishment.objects.filter(code="11570P")
    plan = directorate_school_map(
        directorate=cast.directorate_a1, establishments=only_private, school_year=current_year()
    )
    assert [s.establishment.code for s in plan.schools] == ["11570P"]


def test_the_directorate_map_runs_the_same_queries_for_more_schools(cast):
    lycee(cast)
    year = current_year()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            plan = directorate_school_map(
                directorate=cast.directorate_a1,
                establishments=Establishment.objects.all(),
                school_year=year,
            )
        return len(captured), len(plan.schools)

    few = queries()
    for index in range(8):
        school = EstablishmentFactory(
            code=f"1160{index}A",
            commune=cast.school_a1.commune,
            cycles=[CycleCode.LOWER_SECONDARY],
        )
        enrol_pupils(school, "1AC", 3)
        RoomFactory(establishment=school, code="S1")
    many = queries()
    # establishments, levels, norms, cycles taught, enrolments, intakes, classes, rooms
    assert few == (8, 2)
    assert many == (8, 10)
