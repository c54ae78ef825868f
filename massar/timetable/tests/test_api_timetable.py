"""The timetable API with the cast: class, teacher and room timetables, the caller's own, sessions
placed and removed by hand (409 with the conflicts), the conflict report; 404 outside the scope."""

from __future__ import annotations

import json

import pytest

from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import RoomFactory, SchoolClassFactory
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.students.tests.factories import register
from massar.timetable.models import Session
from massar.timetable.services import SessionPlace, grid_set_usual_week, session_create
from massar.timetable.tests.builders import build_school, link_pupil_and_parent, subject
from massar.web.tests.api_helpers import assert_error, bearer

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
    school.place(cast.director_a1, school.math_b, 3, 5)
    return school


def get(client, user, path, **params):
    return client.get(f"/api/v1{path}", params, **bearer(user))


def post(client, user, path, body):
    return client.post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", **bearer(user)
    )


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", [*ADMINISTRATIVE, "teacher_a1", "student_a1", "parent_a1"])
def test_the_class_timetable(client, cast, school, member):
    response = get(client, getattr(cast, member), f"/timetables/classes/{school.class_a.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["establishment"], body["school_year"]) == (
        "TC-1",
        "11565V",
        school.year.code,
    )
    assert body["grid"]["weekdays"] == [1, 2, 3, 4, 5, 6]
    assert body["grid"]["free_half_days"] == [{"weekday": 6, "half": "pm"}]
    assert body["grid"]["periods"][0] == {
        "number": 1,
        "starts_at": "08:00:00",
        "ends_at": "09:00:00",
        "half": "am",
    }
    [session] = body["sessions"]
    assert {key: session[key] for key in session if key != "public_id"} == {
        "weekday": 1,
        "period": 1,
        "length": 2,
        "subject": "الرياضيات",
        "subject_code": "MATH",
        "teacher": "سعاد بناني",
        "room": "S01",
        "school_class": "TC-1",
        "establishment": "11565V",
        "is_locked": False,
        "hidden": False,
    }


@pytest.mark.parametrize("member", OTHERS)
def test_the_class_timetable_is_not_found_outside_the_scope(client, cast, school, member):
    response = get(client, getattr(cast, member), f"/timetables/classes/{school.class_a.public_id}")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_a_pupil_and_parent_do_not_read_another_class(client, cast, school, member):
    response = get(client, getattr(cast, member), f"/timetables/classes/{school.class_b.public_id}")
    assert_error(response, 404, "not_found")


def test_a_malformed_id_is_not_found(client, cast, school):
    for kind in ("classes", "teachers", "rooms"):
        assert_error(get(client, cast.national_admin, f"/timetables/{kind}/nope"), 404, "not_found")


@pytest.mark.parametrize("member", [*ADMINISTRATIVE, "teacher_a1"])
def test_the_teacher_timetable(client, cast, school, member):
    response = get(
        client, getattr(cast, member), f"/timetables/teachers/{school.teacher.public_id}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "سعاد بناني"
    assert [(s["school_class"], s["weekday"], s["period"]) for s in body["sessions"]] == [
        ("TC-1", 1, 1),
        ("TC-2", 3, 5),
    ]


@pytest.mark.parametrize("member", [*OTHERS, "student_a1", "parent_a1"])
def test_the_teacher_timetable_is_not_found_for_others(client, cast, school, member):
    response = get(
        client, getattr(cast, member), f"/timetables/teachers/{school.teacher.public_id}"
    )
    assert_error(response, 404, "not_found")


def test_a_teacher_does_not_read_a_colleague(client, cast, school):
    response = get(client, cast.teacher_a1, f"/timetables/teachers/{school.colleague.public_id}")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("member", ADMINISTRATIVE)
def test_the_room_timetable(client, cast, school, member):
    response = get(client, getattr(cast, member), f"/timetables/rooms/{school.classroom.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["room_type"], body["capacity"]) == ("S01", "classroom", 40)
    assert [s["school_class"] for s in body["sessions"]] == ["TC-1"]


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1", "student_a1", "parent_a1"])
def test_the_room_timetable_is_not_found_for_others(client, cast, school, member):
    response = get(client, getattr(cast, member), f"/timetables/rooms/{school.classroom.public_id}")
    assert_error(response, 404, "not_found")


def test_my_timetable_as_a_teacher(client, cast, school):
    body = get(client, cast.teacher_a1, "/me/timetable").json()
    assert body["teacher"]["public_id"] == str(school.teacher.public_id)
    assert len(body["teacher"]["sessions"]) == 2
    assert body["classes"] == []


def test_my_timetable_as_a_pupil(client, cast, school):
    body = get(client, cast.student_a1, "/me/timetable").json()
    assert body["teacher"] is None
    [entry] = body["classes"]
    assert entry["pupil"]["first_name_fr"] == "Youssef"
    assert entry["timetable"]["name"] == "TC-1"
    assert len(entry["timetable"]["sessions"]) == 1


def test_my_timetable_as_a_parent_has_one_entry_per_child(client, cast, school):
    sister = register(
        cast.director_a1, school.establishment, first_name_ar="سلمى", first_name_fr="Salma", sex="F"
    )
    sister.guardians.update(user=cast.parent_a1)
    ClassPlacement.objects.create(enrolment=sister.enrolments.get(), school_class=school.class_b)
    body = get(client, cast.parent_a1, "/me/timetable").json()
    assert body["teacher"] is None
    assert sorted(
        (e["pupil"]["first_name_fr"], e["timetable"]["name"]) for e in body["classes"]
    ) == [
        ("Salma", "TC-2"),
        ("Youssef", "TC-1"),
    ]


@pytest.mark.parametrize("member", ["director_a1", "outsider"])
def test_my_timetable_of_others_is_empty(client, cast, school, member):
    assert get(client, getattr(cast, member), "/me/timetable").json() == {
        "teacher": None,
        "classes": [],
    }


def test_a_shared_teachers_other_school_is_hidden(client, cast, school):
    grid_set_usual_week(
        actor=cast.director_a2, establishment=cast.school_a2, school_year=school.year
    )
    elsewhere = SchoolClassFactory(establishment=cast.school_a2, number=1, name="1APIC-7")
    shared = TeachingAssignmentFactory(
        school_class=elsewhere, subject=subject("MATH"), teacher=school.teacher
    )
    session_create(
        actor=cast.director_a2, assignment=shared, place=SessionPlace(weekday=6, period=1)
    )
    body = get(client, cast.director_a1, f"/timetables/teachers/{school.teacher.public_id}").json()
    hidden = [s for s in body["sessions"] if s["hidden"]]
    assert hidden == [
        {
            "public_id": None,
            "weekday": 6,
            "period": 1,
            "length": 1,
            "subject": None,
            "subject_code": None,
            "teacher": None,
            "room": None,
            "school_class": None,
            "establishment": cast.school_a2.code,
            "is_locked": False,
            "hidden": True,
        }
    ]


# --- writing ----------------------------------------------------------------------------------


def body_for(assignment, **overrides):
    body = {"assignment": str(assignment.public_id), "weekday": 2, "period": 1}
    body.update(overrides)
    return body


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_a_session_is_placed(client, cast, school, member):
    response = post(
        client,
        getattr(cast, member),
        "/timetables/sessions",
        body_for(school.pc_a, room=str(school.lab.public_id), length=2, is_locked=True),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    session = Session.objects.get(public_id=body["public_id"])
    assert (session.school_class, session.teacher, session.room, session.length) == (
        school.class_a,
        school.colleague,
        school.lab,
        2,
    )
    assert body["subject_code"] == "PC"
    assert body["is_locked"] is True


def test_a_clash_answers_409_with_the_conflicts(client, cast, school):
    response = post(
        client,
        cast.director_a1,
        "/timetables/sessions",
        body_for(school.math_b, weekday=1, period=2, room=str(school.classroom.public_id)),
    )
    error = assert_error(response, 409, "timetable_conflict")
    assert sorted(d["code"] for d in error["details"]) == ["room_busy", "teacher_busy"]
    assert all(d["hard"] for d in error["details"])
    assert all(len(d["sessions"]) == 1 for d in error["details"])
    assert Session.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"weekday": 6, "period": 6}, "timetable_conflict"),  # free half-day
        ({"weekday": 7}, "timetable_conflict"),  # not a teaching day
        ({"period": 9}, "timetable_conflict"),  # not in the grid
        ({"weekday": 8}, "invalid_weekday"),
        ({"length": 0}, "invalid_length"),
        ({"length": 5}, "invalid_length"),
        ({"period": 99999999999999999999}, "invalid_period"),
    ],
)
def test_bad_places_are_refused_and_nothing_is_saved(client, cast, school, changes, code):
    response = post(
        client, cast.director_a1, "/timetables/sessions", body_for(school.pc_a, **changes)
    )
    status = 409 if code == "timetable_conflict" else 400
    error = assert_error(response, status, code)
    assert error["message"]
    assert Session.objects.count() == 2


def test_a_wrong_room_type_answers_409(client, cast, school):
    response = post(
        client,
        cast.director_a1,
        "/timetables/sessions",
        body_for(school.pc_a, room=str(school.classroom.public_id)),
    )
    error = assert_error(response, 409, "timetable_conflict")
    assert [d["code"] for d in error["details"]] == ["room_type"]


def test_a_room_of_another_school_is_refused(client, cast, school):
    room = RoomFactory(establishment=cast.school_a2, code="S01")
    response = post(
        client,
        cast.director_a1,
        "/timetables/sessions",
        body_for(school.math_a, room=str(room.public_id)),
    )
    error = assert_error(response, 400, "unknown_room")
    assert error["details"][0]["loc"] == ["body", "room"]
    assert Session.objects.count() == 2


def test_an_assignment_of_another_school_is_refused(client, cast, school):
    elsewhere = SchoolClassFactory(establishment=cast.school_a2, number=1, name="1APIC-1")
    assignment = TeachingAssignmentFactory(
        school_class=elsewhere,
        subject=subject("MATH"),
        teacher=StaffMemberFactory(main_establishment=cast.school_a2),
    )
    response = post(client, cast.director_a1, "/timetables/sessions", body_for(assignment))
    error = assert_error(response, 400, "unknown_assignment")
    assert error["details"][0]["loc"] == ["body", "assignment"]
    assert Session.objects.count() == 2


@pytest.mark.parametrize(
    "member",
    ["academy_officer_a", "directorate_officer_a1", "director_a2", "teacher_a1", "outsider"],
)
def test_only_the_school_places_sessions(client, cast, school, member):
    response = post(client, getattr(cast, member), "/timetables/sessions", body_for(school.pc_a))
    assert_error(response, 400, "unknown_assignment")
    assert Session.objects.count() == 2


def test_a_session_is_removed(client, cast, school):
    session = Session.objects.get(weekday=3)
    response = client.delete(
        f"/api/v1/timetables/sessions/{session.public_id}", **bearer(cast.staff_a1)
    )
    assert response.status_code == 204
    assert not Session.objects.filter(pk=session.pk).exists()


@pytest.mark.parametrize("member", [*OTHERS, "academy_officer_a", "teacher_a1"])
def test_only_the_school_removes_a_session(client, cast, school, member):
    session = Session.objects.get(weekday=3)
    response = client.delete(
        f"/api/v1/timetables/sessions/{session.public_id}", **bearer(getattr(cast, member))
    )
    assert_error(response, 404, "not_found")
    assert Session.objects.filter(pk=session.pk).exists()


# --- conflicts --------------------------------------------------------------------------------


def test_the_conflict_report(client, cast, school):
    Session.objects.create(
        establishment=school.establishment,
        school_year=school.year,
        assignment=school.pc_a,
        school_class=school.class_a,
        teacher=school.colleague,
        room=school.classroom,
        weekday=1,
        period=2,
    )
    response = get(
        client, cast.directorate_officer_a1, "/establishments/11565V/timetable-conflicts"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert sorted(c["code"] for c in body["results"]) == ["class_busy", "room_busy", "room_type"]
    page = get(
        client, cast.director_a1, "/establishments/11565V/timetable-conflicts", page=2, page_size=2
    ).json()
    assert (page["count"], len(page["results"])) == (3, 1)


@pytest.mark.parametrize("member", [*OTHERS, "teacher_a1", "parent_a1"])
def test_the_conflict_report_is_not_found_for_others(client, cast, school, member):
    response = get(client, getattr(cast, member), "/establishments/11565V/timetable-conflicts")
    assert_error(response, 404, "not_found")


def test_the_conflict_report_refuses_unknown_parameters(client, cast, school):
    response = get(client, cast.director_a1, "/establishments/11565V/timetable-conflicts", sort="x")
    assert_error(response, 400, "unknown_parameter")
