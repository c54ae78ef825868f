"""The students API with the shared cast: search, detail, registration, re-registration."""

import pytest
from django.db.models import F

from massar.students.models import Student
from massar.students.tests.factories import register
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(cast):
    return register(cast.director_a1, cast.school_a1, class_label="TCS-1")


def registration(**overrides):
    body = {
        "first_name_ar": "آمنة",
        "last_name_ar": "الإدريسي",
        "first_name_fr": "Amina",
        "last_name_fr": "Idrissi",
        "sex": "F",
        "birth_date": "2010-02-14",
        "guardians": [{"relationship": "mother", "first_name_fr": "Nadia", "cin": "BE123456"}],
        "placement": {
            "establishment": "11565V",
            "level": "TC",
            "stream": "TCS",
            "class_label": "TCS-3",
        },
    }
    body.update(overrides)
    return body


def test_the_search_lists_the_pupils_in_scope(client, cast, pupil):
    response = client.get("/api/v1/students", **bearer(cast.directorate_officer_a1))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["code_massar"] == pupil.code_massar
    assert row["establishment"] == "11565V"
    assert row["current_enrolment"]["level"] == "TC"
    assert row["current_enrolment"]["class_label"] == "TCS-1"


@pytest.mark.parametrize(
    "member", ["director_a2", "academy_officer_b", "teacher_a1", "parent_a1", "outsider"]
)
def test_the_search_shows_nothing_outside_the_scope(client, cast, pupil, member):
    response = client.get("/api/v1/students", **bearer(getattr(cast, member)))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_search_by_name_in_either_script(client, cast, pupil):
    for term in ["يوسف", "youssef", "ALAOUI", pupil.code_massar]:
        response = client.get("/api/v1/students", {"q": term}, **bearer(cast.director_a1))
        assert response.json()["count"] == 1, term
    response = client.get("/api/v1/students", {"q": "Bennani"}, **bearer(cast.director_a1))
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"colour": "red"}, "unknown_parameter"),
        ({"page": "0"}, "invalid"),
        ({"sex": "X"}, "invalid"),
    ],
)
def test_bad_parameters_are_400(client, cast, query, code):
    assert_error(client.get("/api/v1/students", query, **bearer(cast.director_a1)), 400, code)


def test_the_list_queries_do_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    from datetime import date, timedelta

    for index in range(20):
        register(
            cast.director_a1,
            cast.school_a1,
            birth_date=date(2009, 1, 1) + timedelta(index),
            guardians=[],
        )
    with django_assert_max_num_queries(16):
        response = client.get("/api/v1/students", **bearer(cast.director_a1))
    assert response.json()["count"] == 20


def test_the_detail_has_guardians_and_path(client, cast, pupil):
    response = client.get(f"/api/v1/students/{pupil.code_massar}", **bearer(cast.staff_a1))
    assert response.status_code == 200
    body = response.json()
    assert body["guardians"][0]["cin"] == "AB123456"
    assert [e["level"] for e in body["enrolments"]] == ["TC"]
    assert "health_notes" not in body


@pytest.mark.parametrize(
    "member",
    [
        "director_a2",
        "director_b1",
        "academy_officer_b",
        "teacher_a1",
        "parent_a1",
        "student_a1",
        "outsider",
    ],
)
def test_the_detail_is_404_outside_the_scope(client, cast, pupil, member):
    response = client.get(f"/api/v1/students/{pupil.code_massar}", **bearer(getattr(cast, member)))
    assert_error(response, 404, "not_found")
    missing = client.get("/api/v1/students/Z999999999", **bearer(getattr(cast, member)))
    assert_error(missing, 404, "not_found")


def test_a_director_registers_a_pupil(client, cast):
    response = client.post(
        "/api/v1/students",
        registration(),
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Student.objects.get().code_massar == body["code_massar"]
    assert body["enrolments"][0]["class_label"] == "TCS-3"
    assert body["guardians"][0]["is_contact"] is True


def test_a_likely_duplicate_answers_409_then_a_reason_confirms(client, cast):
    client.post(
        "/api/v1/students",
        registration(),
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    again = client.post(
        "/api/v1/students",
        registration(),
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    error = assert_error(again, 409, "likely_duplicate")
    assert error["details"][0]["code_massar"] == Student.objects.get().code_massar
    confirmed = client.post(
        "/api/v1/students",
        registration(duplicate_reason="Twins"),
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert confirmed.status_code == 201
    assert Student.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"birth_date": "2999-01-01"}, 400, "birth_date_future"),
        ({"birth_date": "2020-01-01"}, 400, "age_out_of_range"),
        ({"birth_date": "14-02-2010"}, 400, "invalid"),
        ({"sex": "X"}, 400, "invalid"),
        ({"code_massar": "123"}, 400, "code_format"),
        (
            {"placement": {"establishment": "11565V", "level": "XX", "stream": "TCS"}},
            400,
            "unknown_level",
        ),
        (
            {"placement": {"establishment": "11565V", "level": "1BAC", "stream": "TCS"}},
            400,
            "stream_level_mismatch",
        ),
        (
            {"placement": {"establishment": "12001C", "level": "TC", "stream": "TCS"}},
            404,
            "not_found",
        ),
        ({"guardians": [{"relationship": "father", "cin": "123"}]}, 400, "invalid"),
    ],
)
def test_bad_registrations_are_refused_and_write_nothing(client, cast, overrides, status, code):
    response = client.post(
        "/api/v1/students",
        registration(**overrides),
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert_error(response, status, code)
    assert not Student.objects.exists()


@pytest.mark.parametrize(
    "member", ["teacher_a1", "parent_a1", "directorate_officer_a1", "director_a2", "outsider"]
)
def test_only_the_school_registers(client, cast, member):
    response = client.post(
        "/api/v1/students",
        registration(),
        content_type="application/json",
        **bearer(getattr(cast, member)),
    )
    assert_error(response, 404, "not_found")
    assert not Student.objects.exists()


def test_a_second_enrolment_in_the_same_year_is_refused(client, cast, pupil):
    response = client.post(
        f"/api/v1/students/{pupil.code_massar}/enrolments",
        {"placement": {"establishment": "11565V", "level": "1BAC", "stream": "1BAC-SEX"}},
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert_error(response, 400, "already_enrolled")
    other = client.post(
        f"/api/v1/students/{pupil.code_massar}/enrolments",
        {"placement": {"establishment": "11565V", "level": "1BAC", "stream": "1BAC-SEX"}},
        content_type="application/json",
        **bearer(cast.director_a2),
    )
    assert_error(other, 404, "not_found")


def test_re_registration_after_leaving(client, cast, pupil):
    pupil.enrolments.update(status="left", left_on=F("entered_on"))
    response = client.post(
        f"/api/v1/students/{pupil.code_massar}/enrolments",
        {
            "placement": {"establishment": "11565V", "level": "TC", "stream": "TCS"},
            "is_repeating": True,
        },
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "continuing"
