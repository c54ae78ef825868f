"""Who sees which timetable, straight on ``access`` with the cast: each lookup answers the object
for the roles allowed and ``NotFound`` for everyone else (missing and forbidden alike)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from massar.accounts.models import RoleAssignment
from massar.accounts.scope import forget_scope
from massar.core.errors import NotFound
from massar.timetable import access
from massar.timetable.tests.builders import build_school, link_pupil_and_parent

pytestmark = pytest.mark.django_db

EVERYONE = [
    "national_admin",
    "academy_officer_a",
    "academy_officer_b",
    "directorate_officer_a1",
    "directorate_officer_b1",
    "director_a1",
    "director_a2",
    "director_b1",
    "staff_a1",
    "teacher_a1",
    "parent_a1",
    "student_a1",
    "outsider",
]
ADMINISTRATIVE_A1 = {
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
}


@pytest.fixture
def school(cast):
    school = build_school(cast)
    link_pupil_and_parent(cast, school)
    return school


def allowed(lookup, cast, **kwargs) -> set[str]:
    found = set()
    for member in EVERYONE:
        try:
            lookup(actor=getattr(cast, member), **kwargs)
        except NotFound:
            continue
        found.add(member)
    return found


def test_who_reads_a_class_timetable(cast, school):
    assert allowed(access.access_class_timetable, cast, public_id=school.class_a.public_id) == (
        ADMINISTRATIVE_A1 | {"teacher_a1", "student_a1", "parent_a1"}
    )
    # Class B: taught by the teacher, not the pupil's class.
    assert allowed(access.access_class_timetable, cast, public_id=school.class_b.public_id) == (
        ADMINISTRATIVE_A1 | {"teacher_a1"}
    )


def test_who_edits_a_class(cast, school):
    assert allowed(access.access_class_for_write, cast, public_id=school.class_a.public_id) == {
        "director_a1",
        "staff_a1",
    }


def test_who_reads_a_teacher_timetable(cast, school):
    assert allowed(access.access_teacher_timetable, cast, public_id=school.teacher.public_id) == (
        ADMINISTRATIVE_A1 | {"teacher_a1"}
    )
    assert (
        allowed(access.access_teacher_timetable, cast, public_id=school.colleague.public_id)
        == ADMINISTRATIVE_A1
    )


def test_who_reads_a_room_timetable(cast, school):
    assert (
        allowed(access.access_room_timetable, cast, public_id=school.classroom.public_id)
        == ADMINISTRATIVE_A1
    )


def test_who_changes_a_session(cast, school):
    session = school.place(cast.director_a1, school.math_a, 1, 1)
    assert allowed(access.access_session_for_write, cast, public_id=session.public_id) == {
        "director_a1",
        "staff_a1",
    }


def test_who_opens_an_establishments_timetable(cast, school):
    assert allowed(access.access_establishment_for_read, cast, code="11565V") == ADMINISTRATIVE_A1
    assert allowed(access.access_establishment_for_write, cast, code="11565v") == {
        "director_a1",
        "staff_a1",
    }


def test_an_ended_role_reads_nothing_more(cast, school):
    yesterday = timezone.localdate() - timedelta(days=1)
    for user in (cast.teacher_a1, cast.student_a1, cast.parent_a1):
        RoleAssignment.objects.filter(user=user).update(
            starts_on=yesterday - timedelta(days=30), ends_on=yesterday
        )
        forget_scope(user)
    assert allowed(access.access_class_timetable, cast, public_id=school.class_a.public_id) == (
        ADMINISTRATIVE_A1
    )
    assert access.own_staff_member(cast.teacher_a1) is None


def test_an_unknown_or_malformed_id_is_not_found(cast, school):
    for public_id in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", None):
        with pytest.raises(NotFound):
            access.access_class_timetable(actor=cast.national_admin, public_id=public_id)


def test_what_my_timetable_offers(cast, school):
    teacher = access.my_timetables(cast.teacher_a1)
    assert (teacher.teacher, teacher.children, teacher.schools) == (school.teacher, [], [])
    pupil = access.my_timetables(cast.student_a1)
    assert [(c.student.first_name_fr, c.school_class) for c in pupil.children] == [
        ("Youssef", school.class_a)
    ]
    parent = access.my_timetables(cast.parent_a1)
    assert [c.school_class for c in parent.children] == [school.class_a]
    director = access.my_timetables(cast.director_a1)
    assert (director.schools, director.reads_schools) == ([cast.school_a1], False)
    assert access.my_timetables(cast.academy_officer_a).reads_schools is True
    assert access.my_timetables(cast.outsider).is_empty
