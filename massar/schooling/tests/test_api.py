"""The schooling API with the shared cast: classes, pupils of a class, rooms, creating a class,
placing pupils, the school map. Scoped reads, writes for the school only, one error shape."""

import pytest

from massar.curriculum.models import Stream
from massar.schooling import placements
from massar.schooling.models import ClassPlacement, ExpectedIntake, SchoolClass
from massar.schooling.tests.factories import (
    RoomFactory,
    SchoolClassFactory,
    current_year,
    enrol_pupils,
    level,
)
from massar.students.models import Enrolment
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
NOBODY = ["director_a2", "academy_officer_b", "teacher_a1", "parent_a1", "student_a1", "outsider"]


@pytest.fixture
def school(cast):
    room = RoomFactory(establishment=cast.school_a1, code="S01", capacity=40)
    RoomFactory(establishment=cast.school_a2, code="C01")
    first = SchoolClassFactory(
        establishment=cast.school_a1,
        stream=Stream.objects.get(code="TCS"),
        number=1,
        home_room=room,
    )
    pupils = enrol_pupils(cast.school_a1, "TC", 4, stream_code="TCS", repeating=1)
    placements.pupils_place(
        actor=cast.director_a1,
        school_class=first,
        codes=[p.student.code_massar for p in pupils[:2]],
    )
    other = SchoolClassFactory(
        establishment=cast.school_a2, stream=Stream.objects.get(code="1AC-G"), number=1
    )
    return {"room": room, "first": first, "pupils": pupils, "other": other}


@pytest.mark.parametrize("member", READERS)
def test_the_classes_in_scope_are_listed(client, cast, school, member):
    response = client.get("/api/v1/classes", **bearer(getattr(cast, member)))
    assert response.status_code == 200
    body = response.json()
    names = {row["name"] for row in body["results"]}
    assert "TCS-1" in names
    row = next(r for r in body["results"] if r["name"] == "TCS-1")
    assert row == {
        "public_id": str(school["first"].public_id),
        "name": "TCS-1",
        "establishment": "11565V",
        "school_year": "2025-2026",
        "level": "TC",
        "other_levels": [],
        "stream": "TCS",
        "number": 1,
        "capacity": 40,
        "language_option": "",
        "home_room": {"public_id": str(school["room"].public_id), "code": "S01"},
        "pupil_count": 2,
    }


@pytest.mark.parametrize("member", NOBODY)
def test_classes_outside_the_scope_are_not_listed_nor_found(client, cast, school, member):
    headers = bearer(getattr(cast, member))
    names = {row["name"] for row in client.get("/api/v1/classes", **headers).json()["results"]}
    assert "TCS-1" not in names
    first = school["first"].public_id
    assert_error(client.get(f"/api/v1/classes/{first}", **headers), 404, "not_found")
    assert_error(client.get(f"/api/v1/classes/{first}/pupils", **headers), 404, "not_found")


def test_the_list_is_filtered(client, cast, school):
    headers = bearer(cast.national_admin)
    by_school = client.get("/api/v1/classes", {"establishment": "12001c"}, **headers).json()
    assert [row["name"] for row in by_school["results"]] == ["1APIC-1"]
    by_level = client.get("/api/v1/classes", {"level": "TC"}, **headers).json()
    assert [row["name"] for row in by_level["results"]] == ["TCS-1"]
    other_year = client.get("/api/v1/classes", {"year": "2024-2025"}, **headers).json()
    assert other_year["count"] == 0


@pytest.mark.parametrize(
    ("query", "code"), [({"colour": "red"}, "unknown_parameter"), ({"page_size": "0"}, "invalid")]
)
def test_bad_parameters_are_400(client, cast, query, code):
    assert_error(client.get("/api/v1/classes", query, **bearer(cast.director_a1)), 400, code)


def test_the_list_queries_do_not_grow_with_classes(
    client, cast, school, django_assert_max_num_queries
):
    for number in range(2, 12):
        SchoolClassFactory(establishment=cast.school_a1, number=number)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/classes", **bearer(cast.director_a1))
    assert response.json()["count"] == 11


def test_one_class_and_its_pupils(client, cast, school):
    headers = bearer(cast.staff_a1)
    first = school["first"].public_id
    assert client.get(f"/api/v1/classes/{first}", **headers).json()["pupil_count"] == 2
    body = client.get(f"/api/v1/classes/{first}/pupils", **headers).json()
    assert body["count"] == 2
    placed = sorted(
        school["pupils"][:2], key=lambda e: e.student.last_name_fr + e.student.first_name_fr
    )
    assert [row["code_massar"] for row in body["results"]] == [
        e.student.code_massar for e in placed
    ]
    row = body["results"][0]
    assert set(row) == {
        "code_massar",
        "first_name_ar",
        "last_name_ar",
        "first_name_fr",
        "last_name_fr",
        "sex",
        "birth_date",
        "level",
        "is_repeating",
        "placed_at",
    }
    assert row["level"] == "TC"


def test_an_unknown_class_id_is_404(client, cast):
    headers = bearer(cast.director_a1)
    assert_error(client.get("/api/v1/classes/not-a-uuid", **headers), 404, "not_found")


@pytest.mark.parametrize("member", READERS)
def test_the_rooms_in_scope_are_listed(client, cast, school, member):
    body = client.get(
        "/api/v1/rooms", {"establishment": "11565V"}, **bearer(getattr(cast, member))
    ).json()
    assert [row["code"] for row in body["results"]] == ["S01"]
    assert body["results"][0]["room_type"] == "classroom"


@pytest.mark.parametrize("member", NOBODY)
def test_rooms_outside_the_scope_are_not_listed(client, cast, school, member):
    body = client.get("/api/v1/rooms", **bearer(getattr(cast, member))).json()
    assert "S01" not in [row["code"] for row in body["results"]]


# --- Writes ------------------------------------------------------------------------------------


def test_a_director_creates_a_class(client, cast, school):
    response = client.post(
        "/api/v1/classes",
        {
            "establishment": "11565V",
            "stream": "tcs",
            "capacity": 38,
            "language_option": "fr",
            "home_room": str(school["room"].public_id),
        },
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["capacity"], body["pupil_count"]) == ("TCSF-1", 38, 0)
    assert body["home_room"]["code"] == "S01"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"capacity": 41}, "room_too_small"),
        ({"capacity": 0}, "class_capacity"),
        ({"number": 1, "home_room": None}, "class_name_taken"),
        ({"other_levels": ["1BAC"]}, "multigrade_not_primary"),
        ({"other_levels": ["ZZZ"]}, "unknown_level"),
        ({"stream": "NOPE"}, "unknown_stream"),
        ({"stream": "1AC-G"}, "level_not_taught"),
    ],
)
def test_bad_class_input_is_400_and_writes_nothing(client, cast, school, overrides, code):
    body = {
        "establishment": "11565V",
        "stream": "TCS",
        "capacity": 40,
        "home_room": str(school["room"].public_id),
        **overrides,
    }
    response = client.post(
        "/api/v1/classes", body, content_type="application/json", **bearer(cast.director_a1)
    )
    assert_error(response, 400, code)
    assert SchoolClass.objects.filter(establishment=cast.school_a1).count() == 1


def test_a_home_room_of_another_school_is_400(client, cast, school):
    other_room = RoomFactory(establishment=cast.school_a2, code="X1")
    response = client.post(
        "/api/v1/classes",
        {
            "establishment": "11565V",
            "stream": "TCS",
            "capacity": 30,
            "home_room": str(other_room.public_id),
        },
        content_type="application/json",
        **bearer(cast.director_a1),
    )
    assert_error(response, 400, "room_elsewhere")


@pytest.mark.parametrize(
    "member", ["directorate_officer_a1", "teacher_a1", "director_a2", "outsider"]
)
def test_only_the_school_creates_its_classes(client, cast, school, member):
    response = client.post(
        "/api/v1/classes",
        {"establishment": "11565V", "stream": "TCS", "capacity": 30},
        content_type="application/json",
        **bearer(getattr(cast, member)),
    )
    assert_error(response, 404, "not_found")
    assert SchoolClass.objects.filter(establishment=cast.school_a1).count() == 1


def test_pupils_are_placed_through_the_api(client, cast, school):
    codes = [p.student.code_massar for p in school["pupils"][1:]]
    response = client.post(
        f"/api/v1/classes/{school['first'].public_id}/placements",
        {"codes": codes},
        content_type="application/json",
        **bearer(cast.staff_a1),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["placed"], body["moved"], body["unchanged"]) == (2, 0, 1)
    assert body["school_class"]["pupil_count"] == 4
    assert set(Enrolment.objects.values_list("class_label", flat=True)) == {"TCS-1"}


def test_placing_over_capacity_or_a_pupil_of_another_school_is_400(client, cast, school):
    url = f"/api/v1/classes/{school['first'].public_id}/placements"
    headers = bearer(cast.director_a1)
    SchoolClass.objects.filter(pk=school["first"].pk).update(capacity=3)
    codes = [p.student.code_massar for p in school["pupils"]]
    full = client.post(url, {"codes": codes}, content_type="application/json", **headers)
    assert_error(full, 400, "class_full")
    stranger = enrol_pupils(cast.school_a2, "1AC", 1)[0].student.code_massar
    other = client.post(url, {"codes": [stranger]}, content_type="application/json", **headers)
    error = assert_error(other, 400, "pupil_not_of_school")
    assert error["details"][0]["loc"] == ["codes", stranger]
    empty = client.post(url, {"codes": []}, content_type="application/json", **headers)
    assert_error(empty, 400, "invalid")
    assert ClassPlacement.objects.count() == 2


@pytest.mark.parametrize("member", ["academy_officer_a", "teacher_a1", "director_a2"])
def test_only_the_school_places_its_pupils(client, cast, school, member):
    response = client.post(
        f"/api/v1/classes/{school['first'].public_id}/placements",
        {"codes": [school["pupils"][3].student.code_massar]},
        content_type="application/json",
        **bearer(getattr(cast, member)),
    )
    assert_error(response, 404, "not_found")
    assert ClassPlacement.objects.count() == 2


# --- School map --------------------------------------------------------------------------------


def test_the_school_map_of_an_establishment(client, cast, school):
    ExpectedIntake.objects.create(
        establishment=cast.school_a1, school_year=current_year(), level=level("TC"), new_pupils=79
    )
    response = client.get(
        "/api/v1/establishments/11565V/school-map", **bearer(cast.directorate_officer_a1)
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["school_year"], body["planned_year"]) == ("2025-2026", "2026/2027")
    tc = next(row for row in body["levels"] if row["level"] == "TC")
    assert tc == {
        "level": "TC",
        "continuing": 0,
        "repeating": 0,
        "new_pupils": 79,
        "expected": 79,
        "max_per_class": 40,
        "classes_needed": 2,
        "classes_now": 1,
    }
    one_bac = next(row for row in body["levels"] if row["level"] == "1BAC")
    assert one_bac["continuing"] == 4  # this year's TC pupils, no decision yet
    assert (body["classrooms_needed"], body["classrooms_available"]) == (3, 1)
    assert body["classrooms_missing"] == 2


def test_the_school_map_is_scoped_and_checks_the_year(client, cast, school):
    url = "/api/v1/establishments/11565V/school-map"
    assert_error(client.get(url, **bearer(cast.director_a2)), 404, "not_found")
    assert_error(client.get(url, **bearer(cast.teacher_a1)), 404, "not_found")
    assert_error(
        client.get(url, {"year": "1999-2000"}, **bearer(cast.director_a1)), 400, "unknown_year"
    )
    assert_error(
        client.get(url, {"colour": "red"}, **bearer(cast.director_a1)), 400, "unknown_parameter"
    )
