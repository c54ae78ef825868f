"""The staff API with the shared cast: staff files (personal data for administrative roles
only), teaching assignments (a teacher gets their own), a teacher's classes, shortages."""

import pytest

from massar.staff.models import TeachingAssignment
from massar.staff.tests.conftest import subjects, tcs_class
from massar.staff.tests.factories import StaffMemberFactory, TeachingAssignmentFactory
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "member", ["national_admin", "academy_officer_a", "directorate_officer_a1", "director_a1"]
)
def test_administrative_roles_list_staff_with_personal_data(client, cast, math_teacher, member):
    response = client.get("/api/v1/staff", **bearer(getattr(cast, member)))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["public_id"] == str(math_teacher.public_id)
    assert (row["cin"], row["payroll_number"]) == (math_teacher.cin, math_teacher.payroll_number)
    assert row["main_establishment"] == "11565V"
    assert row["subjects"] == ["MATH", "PC"]
    assert (row["weekly_quota"], row["weekly_hours"]) == (21.0, 0.0)


def test_a_teacher_sees_colleagues_without_personal_data(client, cast, math_teacher, cast_teacher):
    body = client.get("/api/v1/staff", **bearer(cast.teacher_a1)).json()
    assert body["count"] == 2
    assert {row["cin"] for row in body["results"]} == {None}
    assert {row["payroll_number"] for row in body["results"]} == {None}
    one = client.get(f"/api/v1/staff/{math_teacher.public_id}", **bearer(cast.teacher_a1))
    assert one.status_code == 200
    assert one.json()["cin"] is None


@pytest.mark.parametrize("member", ["director_a2", "academy_officer_b", "parent_a1", "outsider"])
def test_others_see_no_staff(client, cast, math_teacher, member):
    headers = bearer(getattr(cast, member))
    assert client.get("/api/v1/staff", **headers).json()["count"] == 0
    assert_error(client.get(f"/api/v1/staff/{math_teacher.public_id}", **headers), 404, "not_found")


def test_one_file_with_personal_data(client, cast, math_teacher):
    response = client.get(f"/api/v1/staff/{math_teacher.public_id}", **bearer(cast.staff_a1))
    assert response.status_code == 200
    assert response.json()["cin"] == math_teacher.cin
    assert_error(client.get("/api/v1/staff/nonsense", **bearer(cast.staff_a1)), 404, "not_found")


def test_staff_filters(client, cast, math_teacher):
    StaffMemberFactory(main_establishment=cast.school_a1, kind="administrative", cycle="")
    headers = bearer(cast.director_a1)
    for query, count in [
        ({}, 2),
        ({"kind": "teacher"}, 1),
        ({"subject": "MATH"}, 1),
        ({"q": "Bennani"}, 2),
        ({"active": "false"}, 0),
        ({"establishment": "12001C"}, 0),
    ]:
        assert client.get("/api/v1/staff", query, **headers).json()["count"] == count, query
    assert_error(
        client.get("/api/v1/staff", {"colour": "red"}, **headers), 400, "unknown_parameter"
    )
    assert_error(client.get("/api/v1/staff", {"kind": "pirate"}, **headers), 400, "invalid")


def test_the_staff_list_queries_do_not_grow(client, cast, django_assert_max_num_queries):
    math = subjects("MATH")
    for _index in range(20):
        StaffMemberFactory(main_establishment=cast.school_a1, subjects=math)
    headers = bearer(cast.director_a1)
    # token, its use, roles, satellites, year, count, rows, subjects, establishments
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/staff", **headers)
    assert response.json()["count"] == 20


@pytest.fixture
def assigned(cast, klass, math_teacher, cast_teacher):
    TeachingAssignmentFactory(
        school_class=klass, subject=subjects("MATH")[0], teacher=math_teacher, weekly_hours=5
    )
    TeachingAssignmentFactory(
        school_class=klass, subject=subjects("FR")[0], teacher=cast_teacher, weekly_hours=4
    )
    return klass


def test_assignments_are_listed_in_scope_and_filtered(client, cast, assigned, math_teacher):
    headers = bearer(cast.directorate_officer_a1)
    body = client.get("/api/v1/teaching-assignments", **headers).json()
    assert body["count"] == 2
    body = client.get(
        "/api/v1/teaching-assignments", {"teacher": str(math_teacher.public_id)}, **headers
    ).json()
    assert [(row["subject"], row["weekly_hours"]) for row in body["results"]] == [("MATH", 5.0)]
    assert body["results"][0]["school_class"] == str(assigned.public_id)
    body = client.get(
        "/api/v1/teaching-assignments", {"school_class": str(assigned.public_id)}, **headers
    ).json()
    assert body["count"] == 2


def test_a_teacher_gets_only_their_own_assignments(client, cast, assigned, math_teacher):
    headers = bearer(cast.teacher_a1)
    body = client.get("/api/v1/teaching-assignments", **headers).json()
    assert [row["subject"] for row in body["results"]] == ["FR"]
    body = client.get(
        "/api/v1/teaching-assignments", {"teacher": str(math_teacher.public_id)}, **headers
    ).json()
    assert body["count"] == 0


@pytest.mark.parametrize("member", ["director_a2", "parent_a1", "outsider"])
def test_others_get_no_assignments(client, cast, assigned, member):
    body = client.get("/api/v1/teaching-assignments", **bearer(getattr(cast, member))).json()
    assert body["count"] == 0


def payload(klass, staff, **overrides):
    body = {
        "school_class": str(klass.public_id),
        "subject": "MATH",
        "teacher": str(staff.public_id),
    }
    body.update(overrides)
    return body


def post(client, user, body):
    return client.post(
        "/api/v1/teaching-assignments", body, content_type="application/json", **bearer(user)
    )


def test_a_director_assigns_through_the_api(client, cast, klass, math_teacher):
    response = post(client, cast.director_a1, payload(klass, math_teacher, weekly_hours=4.5))
    assert response.status_code == 201
    body = response.json()
    assert (body["subject"], body["weekly_hours"], body["establishment"]) == ("MATH", 4.5, "11565V")
    assert TeachingAssignment.objects.get().weekly_hours == 4.5


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"subject": "SVT"}, 409, "not_qualified"),
        ({"weekly_hours": 25}, 400, "hours_out_of_range"),
        ({"weekly_hours": 0.25}, 400, "hours_out_of_range"),
        ({"subject": "ALCHEMY"}, 400, "unknown_subject"),
        ({"subject": "SI"}, 400, "not_in_curriculum"),
        ({"teacher": "00000000-0000-0000-0000-000000000000"}, 400, "unknown_teacher"),
        ({"teacher": "not-a-uuid"}, 400, "invalid"),
    ],
)
def test_bad_assignments_are_refused_clearly(
    client, cast, klass, math_teacher, overrides, status, code
):
    error = assert_error(
        post(client, cast.director_a1, payload(klass, math_teacher, **overrides)), status, code
    )
    assert error["message"]
    assert not TeachingAssignment.objects.exists()


def test_over_quota_and_a_second_teacher_are_409(client, cast, klass, math_teacher):
    math_teacher.weekly_quota_override = 3
    math_teacher.save()
    assert_error(post(client, cast.director_a1, payload(klass, math_teacher)), 409, "over_quota")
    assert (
        post(client, cast.director_a1, payload(klass, math_teacher, force=True)).status_code == 201
    )
    other = StaffMemberFactory(main_establishment=cast.school_a1, subjects=subjects("MATH"))
    assert_error(post(client, cast.director_a1, payload(klass, other)), 409, "assignment_exists")


def test_a_teacher_of_another_school_is_not_serving(client, cast, klass):
    from massar.territory.tests.factories import EstablishmentFactory

    neighbour = EstablishmentFactory(code="11580N", commune=cast.school_a1.commune)
    teacher = StaffMemberFactory(main_establishment=neighbour, subjects=subjects("MATH"))
    cast.director_a1.role_assignments.create(role="director", establishment=neighbour)
    assert_error(post(client, cast.director_a1, payload(klass, teacher)), 400, "not_serving")


@pytest.mark.parametrize("member", ["director_a2", "directorate_officer_a1", "teacher_a1"])
def test_a_class_of_another_school_is_404(client, cast, klass, math_teacher, member):
    assert_error(
        post(client, getattr(cast, member), payload(klass, math_teacher)), 404, "not_found"
    )
    assert not TeachingAssignment.objects.exists()


def test_my_classes(client, cast, assigned):
    body = client.get("/api/v1/me/classes", **bearer(cast.teacher_a1)).json()
    assert body["school_year"] == "2025-2026"
    assert body["results"] == [
        {
            "school_class": str(assigned.public_id),
            "class_name": "TCS-1",
            "establishment": "11565V",
            "level": "TC",
            "stream": "TCS",
            "subject": "FR",
            "weekly_hours": 4.0,
            "pupil_count": 0,
        }
    ]
    assert client.get("/api/v1/me/classes", **bearer(cast.director_a1)).json()["results"] == []


def test_shortages_of_an_establishment(client, cast, assigned):
    tcs_class(cast.school_a1, 2)
    body = client.get("/api/v1/establishments/11565V/shortages", **bearer(cast.academy_officer_a))
    assert body.status_code == 200
    body = body.json()
    # TCS-1 misses 30 - 9 = 21 h, TCS-2 30 h: 51 h, 51 / 21 = 2.43 teachers.
    assert (body["hours"], body["full_time_equivalent"]) == (51.0, 2.43)
    assert len(body["rows"]) == 9 + 11
    math = next(row for row in body["by_subject"] if row["subject"] == "MATH")
    assert (math["classes"], math["hours"], math["full_time_equivalent"]) == (1, 5.0, 0.24)


@pytest.mark.parametrize("member", ["director_a2", "academy_officer_b", "teacher_a1", "outsider"])
def test_shortages_of_another_scope_are_404(client, cast, member):
    response = client.get(
        "/api/v1/establishments/11565V/shortages", **bearer(getattr(cast, member))
    )
    assert_error(response, 404, "not_found")
