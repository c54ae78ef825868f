"""A teacher's own space: the classes they teach this year and each class's pupils. Any other
class is not found, and only the minimum of a pupil's file is shown."""

from datetime import date

import pytest
from django.urls import reverse

from massar.schooling.models import ClassPlacement
from massar.staff.tests.conftest import subjects, tcs_class
from massar.staff.tests.factories import TeachingAssignmentFactory
from massar.students.tests.factories import register

pytestmark = pytest.mark.django_db


def place(cast, klass, **identity):
    student = register(cast.director_a1, klass.establishment, **identity)
    ClassPlacement.objects.create(enrolment=student.enrolments.get(), school_class=klass)
    return student


@pytest.fixture
def taught(cast, klass, cast_teacher):
    TeachingAssignmentFactory(
        school_class=klass, subject=subjects("FR")[0], teacher=cast_teacher, weekly_hours=4
    )
    return klass


def test_a_teacher_sees_their_classes(client, cast, taught, django_assert_max_num_queries):
    place(cast, taught)
    client.force_login(cast.teacher_a1)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:my_classes"))
    assert response.status_code == 200
    [assignment] = response.context["assignments"]
    assert (assignment.school_class, assignment.subject.code) == (taught, "FR")
    assert assignment.pupil_count == 1
    assert reverse("staff:my_class", args=[taught.public_id]) in response.content.decode()


def test_the_class_list_shows_the_pupils_and_nothing_more(
    client, cast, taught, django_assert_max_num_queries
):
    pupils = [
        place(cast, taught),
        place(
            cast,
            taught,
            first_name_ar="سلمى",
            first_name_fr="Salma",
            last_name_ar="بناني",
            last_name_fr="Bennani",
            sex="F",
            birth_date=date(2010, 5, 1),
            guardians=[],
        ),
    ]
    elsewhere = tcs_class(cast.school_a1, 2)
    other = place(cast, elsewhere, first_name_fr="Omar", birth_date=date(2010, 1, 1), guardians=[])
    client.force_login(cast.teacher_a1)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:my_class", args=[taught.public_id]))
    content = response.content.decode()
    for pupil in pupils:
        assert pupil.code_massar in content
    assert other.code_massar not in content
    assert "14/03/2009" not in content
    assert "2009-03-14" not in content
    assert "AB123456" not in content  # no guardian
    assert len(response.context["pupils"]) == 2


@pytest.mark.parametrize("member", ["teacher_a1", "director_a2", "parent_a1", "outsider"])
def test_a_class_not_taught_is_not_found(client, cast, taught, member):
    other = tcs_class(cast.school_a1, 2)
    client.force_login(getattr(cast, member))
    assert client.get(reverse("staff:my_class", args=[other.public_id])).status_code == 404


@pytest.mark.parametrize("member", ["director_a1", "director_a2", "parent_a1", "outsider"])
def test_only_the_teacher_reads_their_class_list(client, cast, taught, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("staff:my_class", args=[taught.public_id])).status_code == 404
    assert client.get(reverse("staff:my_classes")).status_code == 404


def test_an_inactive_file_has_no_classes(client, cast, taught, cast_teacher):
    cast_teacher.is_active = False
    cast_teacher.save()
    client.force_login(cast.teacher_a1)
    assert client.get(reverse("staff:my_classes")).status_code == 404
    assert client.get(reverse("staff:my_class", args=[taught.public_id])).status_code == 404


def test_a_teacher_without_classes_sees_an_empty_page(client, cast, cast_teacher):
    client.force_login(cast.teacher_a1)
    response = client.get(reverse("staff:my_classes"))
    assert response.status_code == 200
    assert b'id="no-class"' in response.content
