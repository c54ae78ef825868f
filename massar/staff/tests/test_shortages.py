"""Shortages computed by hand: an establishment's (class, subject) pairs without a teacher,
and a directorate's totals per establishment and per subject, in a constant number of queries.

TCS (lycée, quota 21 h): 30 h a week. 1AC (collège, quota 24 h): 33 h a week, COND 0 h.
"""

from decimal import Decimal

import pytest

from massar.core.choices import CycleCode
from massar.schooling.tests.factories import SchoolClassFactory, current_year, general_stream
from massar.staff.shortages import directorate_shortages, establishment_shortages
from massar.staff.tests.conftest import subjects, tcs_class
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def teach(klass, code, teacher, hours):
    TeachingAssignmentFactory(
        school_class=klass, subject=subjects(code)[0], teacher=teacher, weekly_hours=hours
    )


@pytest.fixture
def organised(cast):
    """school_a1: TCS-1 with MATH (5 h) and PC (4 h) taught, TCS-2 with nothing; a collège of
    Rabat with 1AC-1 and nothing; school_a2 (Salé) with a TCS class (another directorate)."""
    teacher = StaffMemberFactory(main_establishment=cast.school_a1)
    first, second = tcs_class(cast.school_a1, 1), tcs_class(cast.school_a1, 2)
    teach(first, "MATH", teacher, 5)
    teach(first, "PC", teacher, 4)
    college = EstablishmentFactory(
        code="11590C", commune=cast.school_a1.commune, cycles=[CycleCode.LOWER_SECONDARY]
    )
    SchoolClassFactory(establishment=college, stream=general_stream("1AC"), number=1)
    tcs_class(cast.school_a2, 1)
    return {"first": first, "second": second, "college": college}


def test_the_shortages_of_an_establishment(cast, organised):
    result = establishment_shortages(establishment=cast.school_a1, school_year=current_year())
    assert len(result.rows) == 9 + 11
    assert result.hours == Decimal("51")  # 30 - 9 in TCS-1, 30 in TCS-2
    assert result.fte == Decimal("2.43")  # 51 / 21
    first = [row for row in result.rows if row.class_name == "TCS-1"]
    assert {row.subject_code for row in first} == {
        "AR",
        "FR",
        "EN",
        "ISL",
        "PHILO",
        "PE",
        "HG",
        "SVT",
        "INFO",
    }
    totals = {total.code: total for total in result.by_subject}
    assert (totals["MATH"].hours, totals["MATH"].classes, totals["MATH"].fte) == (
        Decimal("5"),
        1,
        Decimal("0.24"),  # 5 / 21
    )
    assert (totals["FR"].hours, totals["FR"].classes, totals["FR"].fte) == (
        Decimal("8"),
        2,
        Decimal("0.38"),  # 8 / 21
    )
    assert result.by_subject[0].code == "FR"  # most hours first (FR 8, then PHILO… 4)


def test_a_fully_taught_establishment_has_no_shortage(cast):
    klass = tcs_class(cast.school_a1)
    teacher = StaffMemberFactory(main_establishment=cast.school_a1)
    from massar.staff.tests.conftest import TCS_HOURS

    for code, hours in TCS_HOURS.items():
        teach(klass, code, teacher, hours)
    result = establishment_shortages(establishment=cast.school_a1, school_year=current_year())
    assert (result.rows, result.hours, result.fte) == ([], Decimal("0"), Decimal("0.00"))


def test_the_directorate_adds_up_its_establishments(cast, organised):
    result = directorate_shortages(directorate=cast.directorate_a1, school_year=current_year())
    schools = {school.code: school for school in result.by_establishment}
    assert set(schools) == {"11565V", "11590C"}  # Salé's class is another directorate's
    assert (schools["11565V"].hours, schools["11565V"].classes, schools["11565V"].fte) == (
        Decimal("51"),
        20,
        Decimal("2.43"),
    )
    assert (schools["11590C"].hours, schools["11590C"].classes, schools["11590C"].fte) == (
        Decimal("33"),
        13,  # COND has no hours
        Decimal("1.38"),  # 33 / 24
    )
    assert result.hours == Decimal("84")
    assert result.fte == Decimal("3.80")  # 51/21 + 33/24 = 3.8036
    math = next(total for total in result.by_subject if total.code == "MATH")
    # TCS-2 (5 h of lycée) and 1AC-1 (5 h of collège): 5/21 + 5/24 = 0.4464
    assert (math.hours, math.classes, math.fte) == (Decimal("10"), 2, Decimal("0.45"))
    assert result.by_establishment[0].code == "11565V"


def test_the_directorate_view_runs_the_same_queries_for_more_schools(
    cast, organised, django_assert_num_queries
):
    year = current_year()
    with django_assert_num_queries(2):
        directorate_shortages(directorate=cast.directorate_a1, school_year=year)
    for number in range(5):
        school = EstablishmentFactory(
            code=f"1160{number}L", commune=cast.school_a1.commune, cycles=["upper_secondary"]
        )
        tcs_class(school, 1)
        tcs_class(school, 2)
    with django_assert_num_queries(2):
        result = directorate_shortages(directorate=cast.directorate_a1, school_year=year)
    assert len(result.by_establishment) == 7
    assert result.hours == Decimal("84") + 5 * 60
