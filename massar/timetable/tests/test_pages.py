"""The timetable pages that read, with the cast: who sees which week (the school and the
officers above it, a teacher their own and their classes', a pupil their class's, a parent their
children's), 404 for everyone else; bounded queries; "my timetable" routing; the conflict report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory
from massar.staff.tests.factories import TeachingAssignmentFactory
from massar.timetable.models import Session
from massar.timetable.services import SessionPlace, grid_set_usual_week, session_create
from massar.timetable.tests.builders import build_school, link_pupil_and_parent, subject

pytestmark = pytest.mark.django_db

ADMINISTRATIVE = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
OTHERS = ["director_a2", "academy_officer_b", "directorate_officer_b1", "outsider"]


@pytest.fixture
def school(cast):
    school = build_school(cast)
    link_pupil_and_parent(cast, school)
    school.place(cast.director_a1, school.math_a, 1, 1, length=2, room=school.classroom)
    school.place(cast.director_a1, school.pc_a, 2, 3, room=school.lab)
    school.place(cast.director_a1, school.math_b, 3, 5, room=school.classroom)
    school.place(cast.director_a1, school.french_b, 4, 1)
    return school


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def class_url(school_class):
    return reverse("timetable:class", args=[school_class.public_id])


# --- class timetables -------------------------------------------------------------------------


@pytest.mark.parametrize("member", [*ADMINISTRATIVE, "teacher_a1", "student_a1", "parent_a1"])
def test_the_timetable_of_class_a_is_read_by_its_school_officers_teacher_pupil_and_parent(
    client, cast, school, member
):
    response = get(client, getattr(cast, member), class_url(school.class_a))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="week-grid"' in content
    assert 'id="week-days"' in content
    assert content.count('class="tt-lesson"') == 2 * 2  # two sessions, in the table and the list
    assert "الرياضيات" in content  # the subject in the active language (Arabic)
    assert "سعاد بناني" in content  # the teacher
    assert "Room S01" in content or "S01" in content


@pytest.mark.parametrize("member", [*OTHERS])
def test_the_timetable_of_a_class_is_not_found_outside_its_scope(client, cast, school, member):
    assert get(client, getattr(cast, member), class_url(school.class_a)).status_code == 404


def test_a_teacher_reads_only_the_classes_they_teach(client, cast, school):
    other = SchoolClassFactory(establishment=school.establishment, number=3, name="TC-3")
    TeachingAssignmentFactory(school_class=other, subject=subject("FR"), teacher=school.colleague)
    assert get(client, cast.teacher_a1, class_url(school.class_b)).status_code == 200
    assert get(client, cast.teacher_a1, class_url(other)).status_code == 404


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_a_pupil_and_their_parent_read_only_the_pupils_class(client, cast, school, member):
    assert get(client, getattr(cast, member), class_url(school.class_b)).status_code == 404


def test_a_pupil_without_a_current_placement_reads_no_class(client, cast, school):
    from massar.schooling.models import ClassPlacement

    ClassPlacement.objects.all().delete()
    assert get(client, cast.student_a1, class_url(school.class_a)).status_code == 404
    assert get(client, cast.parent_a1, class_url(school.class_a)).status_code == 404


def test_the_class_week_is_in_french_when_asked(client, cast, school):
    client.force_login(cast.director_a1)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    content = client.get(class_url(school.class_a)).content.decode()
    assert '<html lang="fr" dir="ltr">' in content
    assert "Mathématiques" in content or "Mathematiques" in content
    assert "Souad Bennani" in content
    assert ">lundi<" in content.lower()


def test_the_week_page_runs_a_bounded_number_of_queries(
    client, cast, school, django_assert_max_num_queries
):
    client.force_login(cast.director_a1)
    client.get(class_url(school.class_a))  # warm the session and the caches
    for period in (3, 4):
        school.place(cast.director_a1, school.math_a, 5, period)
    with django_assert_max_num_queries(10):
        response = client.get(class_url(school.class_a))
    assert response.status_code == 200


def test_the_week_page_queries_do_not_grow_with_the_sessions(
    client, cast, school, django_assert_num_queries
):
    client.force_login(cast.student_a1)
    client.get(class_url(school.class_a))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(class_url(school.class_a))
    school.math_a.weekly_hours = 10
    school.math_a.save()
    for weekday in (2, 3, 4, 5):
        school.place(cast.director_a1, school.math_a, weekday, 7)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(class_url(school.class_a))


# --- teacher and room timetables --------------------------------------------------------------


@pytest.mark.parametrize("member", [*ADMINISTRATIVE, "teacher_a1"])
def test_the_teachers_timetable_is_read_by_the_school_and_the_teacher(client, cast, school, member):
    response = get(
        client, getattr(cast, member), reverse("timetable:teacher", args=[school.teacher.public_id])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "TC-1" in content
    assert "TC-2" in content


@pytest.mark.parametrize("member", [*OTHERS, "student_a1", "parent_a1"])
def test_the_teachers_timetable_is_not_found_for_others(client, cast, school, member):
    url = reverse("timetable:teacher", args=[school.teacher.public_id])
    assert get(client, getattr(cast, member), url).status_code == 404


def test_a_teacher_does_not_read_a_colleagues_timetable(client, cast, school):
    url = reverse("timetable:teacher", args=[school.colleague.public_id])
    assert get(client, cast.teacher_a1, url).status_code == 404


def test_a_shared_teachers_sessions_in_another_school_only_say_busy(client, cast, school):
    grid_set_usual_week(
        actor=cast.director_a2, establishment=cast.school_a2, school_year=school.year
    )
    school.teacher.other_establishments.add(cast.school_a2)
    elsewhere = SchoolClassFactory(establishment=cast.school_a2, number=1, name="1APIC-7")
    shared = TeachingAssignmentFactory(
        school_class=elsewhere, subject=subject("MATH"), teacher=school.teacher
    )
    session_create(
        actor=cast.director_a2, assignment=shared, place=SessionPlace(weekday=6, period=1)
    )
    url = reverse("timetable:teacher", args=[school.teacher.public_id])
    seen_by_director = get(client, cast.director_a1, url).content.decode()
    assert "1APIC-7" not in seen_by_director
    assert "tt-lesson--hidden" in seen_by_director
    assert cast.school_a2.name_ar in seen_by_director
    seen_by_teacher = get(client, cast.teacher_a1, url).content.decode()
    assert "1APIC-7" in seen_by_teacher
    # The other school's director sees the teacher (who serves them) and hides school A1's.
    seen_by_other = get(client, cast.director_a2, url).content.decode()
    assert "1APIC-7" in seen_by_other
    assert "TC-1" not in seen_by_other


@pytest.mark.parametrize("member", ADMINISTRATIVE)
def test_the_room_timetable_is_read_by_the_school(client, cast, school, member):
    url = reverse("timetable:room", args=[school.classroom.public_id])
    response = get(client, getattr(cast, member), url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "TC-1" in content
    assert "TC-2" in content


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1", "student_a1", "parent_a1"])
def test_the_room_timetable_is_not_found_for_others(client, cast, school, member):
    url = reverse("timetable:room", args=[school.classroom.public_id])
    assert get(client, getattr(cast, member), url).status_code == 404


def test_an_unknown_id_is_not_found(client, cast, school):
    for name in ("class", "teacher", "room"):
        url = reverse(f"timetable:{name}", args=["00000000-0000-0000-0000-000000000000"])
        assert get(client, cast.national_admin, url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    response = client.get(class_url(school.class_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the establishment's timetable and its conflicts ------------------------------------------


@pytest.mark.parametrize("member", ADMINISTRATIVE)
def test_the_overview_lists_classes_teachers_and_rooms(client, cast, school, member):
    url = reverse("timetable:overview", args=[school.establishment.code])
    response = get(client, getattr(cast, member), url)
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("TC-1", "TC-2", "سعاد بناني", "LAB1", 'id="overview-grid-facts"'):
        assert text in content
    assert ('id="overview-grid"' in content) == (member in ("director_a1", "staff_a1"))


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1", "student_a1", "parent_a1"])
def test_the_overview_and_the_conflicts_are_not_found_for_others(client, cast, school, member):
    for name in ("overview", "conflicts"):
        url = reverse(f"timetable:{name}", args=[school.establishment.code])
        assert get(client, getattr(cast, member), url).status_code == 404


def test_the_conflict_report_lists_every_conflict(
    client, cast, school, django_assert_max_num_queries
):
    room = RoomFactory(establishment=school.establishment, code="S09")
    Session.objects.create(
        establishment=school.establishment,
        school_year=school.year,
        assignment=school.math_b,
        school_class=school.class_b,
        teacher=school.teacher,
        room=room,
        weekday=1,
        period=2,
    )
    client.force_login(cast.directorate_officer_a1)
    url = reverse("timetable:conflicts", args=[school.establishment.code])
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    content = response.content.decode()
    assert 'id="conflicts-hard"' in content
    assert content.count('data-code="teacher_busy"') == 1


def test_the_conflict_report_of_a_clean_timetable(client, cast, school):
    url = reverse("timetable:conflicts", args=[school.establishment.code])
    assert 'id="conflicts-none"' in get(client, cast.director_a1, url).content.decode()


# --- my timetable -----------------------------------------------------------------------------


def test_my_timetable_routes_each_account(client, cast, school):
    mine = reverse("timetable:mine")
    expected = {
        "teacher_a1": reverse("timetable:teacher", args=[school.teacher.public_id]),
        "student_a1": class_url(school.class_a),
        "parent_a1": class_url(school.class_a),
        "director_a1": reverse("timetable:overview", args=[school.establishment.code]),
        "director_a2": reverse("timetable:overview", args=[cast.school_a2.code]),
    }
    for member, target in expected.items():
        response = get(client, getattr(cast, member), mine)
        assert response.status_code == 302, member
        assert response["Location"] == target, member


def test_a_parent_of_two_pupils_chooses_the_child(client, cast, school):
    from massar.schooling.models import ClassPlacement
    from massar.students.tests.factories import register

    sister = register(
        cast.director_a1,
        school.establishment,
        first_name_ar="سلمى",
        first_name_fr="Salma",
        sex="F",
    )
    sister.guardians.update(user=cast.parent_a1)
    ClassPlacement.objects.create(enrolment=sister.enrolments.get(), school_class=school.class_b)
    response = get(client, cast.parent_a1, reverse("timetable:mine"))
    assert response.status_code == 200
    content = response.content.decode()
    assert class_url(school.class_a) in content
    assert class_url(school.class_b) in content
    assert get(client, cast.parent_a1, class_url(school.class_b)).status_code == 200


def test_an_officer_opens_a_school_by_its_code(client, cast, school):
    response = get(client, cast.academy_officer_a, reverse("timetable:mine"))
    assert response.status_code == 200
    assert 'id="mine-school-form"' in response.content.decode()
    response = client.get(reverse("timetable:mine"), {"code": "11565v"})
    assert response["Location"] == reverse("timetable:overview", args=["11565V"])
    response = client.get(reverse("timetable:mine"), {"code": "../../x"})
    assert response.status_code == 200


def test_my_timetable_of_a_teacher_without_a_file_says_so(client, cast):
    response = get(client, cast.teacher_a1, reverse("timetable:mine"))
    assert response.status_code == 200
    assert 'id="mine-nothing"' in response.content.decode()


def test_my_timetable_is_not_found_for_the_outsider(client, cast):
    assert get(client, cast.outsider, reverse("timetable:mine")).status_code == 404
