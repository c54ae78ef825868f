"""Bulk re-registration of a level of last year into this year: set-based, idempotent."""

from datetime import date

import pytest
from django.urls import reverse

from massar.curriculum.models import Level, Stream
from massar.students.models import Enrolment
from massar.students.services import Placement, student_register
from massar.students.tests.factories import student_data
from massar.territory.models import SchoolYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(db):
    return SchoolYear.objects.create(
        code="2024-2025", starts_on=date(2024, 9, 9), ends_on=date(2025, 6, 30)
    )


def enrol_last_year(cast, last_year, count):
    pupils = []
    for index in range(count):
        pupils.append(
            student_register(
                actor=cast.director_a1,
                data=student_data(birth_date=date(2009, 1, 1 + index), guardians=[]),
                placement=Placement(
                    school_year=last_year,
                    establishment=cast.school_a1,
                    level=Level.objects.get(code="TC"),
                    stream=Stream.objects.get(code="TCS"),
                ),
            )
        )
    return pupils


def form(**overrides):
    data = {
        "establishment": "11565V",
        "from_year": "2024-2025",
        "from_level": "TC",
        "to_level": "1BAC",
        "to_stream": "1BAC-SEX",
    }
    data.update(overrides)
    return data


def test_a_level_is_re_registered_in_one_write_and_a_second_run_adds_nothing(
    client, cast, last_year, django_assert_max_num_queries
):
    pupils = enrol_last_year(cast, last_year, 12)
    client.force_login(cast.director_a1)
    url = reverse("students:reregistration")
    with django_assert_max_num_queries(30):  # not one write per pupil
        response = client.post(url, form())
    assert response.status_code == 200
    assert b'id="reregistration-result"' in response.content
    current = Enrolment.objects.filter(school_year__is_current=True)
    assert current.count() == 12
    assert set(current.values_list("level__code", "kind", "is_repeating")) == {
        ("1BAC", "continuing", False)
    }
    assert {e.student_id for e in current} == {p.pk for p in pupils}
    again = client.post(url, form())
    assert again.status_code == 200
    assert current.count() == 12


def test_repeaters_are_marked(client, cast, last_year):
    enrol_last_year(cast, last_year, 2)
    client.force_login(cast.director_a1)
    client.post(reverse("students:reregistration"), form(to_level="TC", to_stream="TCS"))
    assert set(
        Enrolment.objects.filter(school_year__is_current=True).values_list(
            "is_repeating", flat=True
        )
    ) == {True}


def test_a_stream_of_another_level_is_refused(client, cast, last_year):
    enrol_last_year(cast, last_year, 2)
    client.force_login(cast.director_a1)
    response = client.post(reverse("students:reregistration"), form(to_stream="TCS"))
    assert response.status_code == 400
    assert b'id="reregistration-error"' in response.content
    assert not Enrolment.objects.filter(school_year__is_current=True).exists()


def test_another_school_cannot_re_register_these_pupils(client, cast, last_year):
    enrol_last_year(cast, last_year, 2)
    client.force_login(cast.director_a2)
    response = client.post(reverse("students:reregistration"), form())
    assert response.status_code == 400  # 11565V is not one of their establishments
    assert not Enrolment.objects.filter(school_year__is_current=True).exists()


@pytest.mark.parametrize(
    "member", ["teacher_a1", "parent_a1", "directorate_officer_a1", "outsider"]
)
def test_the_page_is_not_found_for_others(client, cast, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("students:reregistration")).status_code == 404
