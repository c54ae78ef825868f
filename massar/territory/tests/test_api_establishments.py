"""GET /api/v1/establishments and /api/v1/establishments/{code} for the whole cast."""

import pytest

from massar.core.choices import CycleCode
from massar.territory.tests.factories import EstablishmentFactory
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = pytest.mark.django_db

ALL = {"11565V", "11570P", "12001C", "21010B", "21011S"}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("national_admin", ALL),
        ("academy_officer_a", {"11565V", "11570P", "12001C"}),
        ("academy_officer_b", {"21010B", "21011S"}),
        ("directorate_officer_a1", {"11565V", "11570P"}),
        ("directorate_officer_b1", {"21010B", "21011S"}),
        ("director_a1", {"11565V"}),
        ("director_a2", {"12001C"}),
        ("director_b1", {"21010B", "21011S"}),
        ("staff_a1", {"11565V"}),
        ("teacher_a1", {"11565V"}),
        ("parent_a1", {"11565V"}),
        ("student_a1", {"11565V"}),
        ("outsider", set()),
    ],
)
def test_the_list_is_exactly_the_callers_scope(client, cast, member, expected):
    response = client.get("/api/v1/establishments", **bearer(getattr(cast, member)))
    assert codes(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=11565v", {"11565V"}),
        ("q=Moulay", {"11565V"}),
        ("q=المسيرة", {"21010B"}),
        ("academy=02", {"21010B", "21011S"}),
        ("directorate=0402", {"12001C"}),
        ("cycle=primary", {"11570P", "21010B", "21011S"}),
        ("area=rural", {"21010B", "21011S"}),
        ("sector=private", {"11570P"}),
        ("academy=04&cycle=upper_secondary&sector=public", {"11565V"}),
    ],
)
def test_filters(client, cast, query, expected):
    assert (
        codes(client.get(f"/api/v1/establishments?{query}", **bearer(cast.national_admin)))
        == expected
    )


def test_a_filter_cannot_reach_outside_the_scope(client, cast):
    response = client.get("/api/v1/establishments?academy=02", **bearer(cast.academy_officer_a))
    assert codes(response) == set()


def test_the_list_row_shape(client, cast):
    response = client.get("/api/v1/establishments?q=21011S", **bearer(cast.national_admin))
    (row,) = response.json()["results"]
    assert row["central_school"] == "21010B"
    assert row["cycles"] == ["primary"]
    assert row["commune"] == {
        "code": "CAST-BNI",
        "name_ar": "بني درار",
        "name_fr": "Beni Drar",
        "area": "rural",
    }
    assert row["academy"]["code"] == "02"
    assert row["directorate"]["code"] == "0201"
    assert row["sector"] == "public"


def test_pagination(client, cast):
    for _ in range(7):
        EstablishmentFactory(commune=cast.school_a1.commune)
    headers = bearer(cast.national_admin)
    first = client.get("/api/v1/establishments?page_size=5", **headers).json()
    third = client.get("/api/v1/establishments?page_size=5&page=3", **headers).json()
    past = client.get("/api/v1/establishments?page_size=5&page=9", **headers).json()
    assert (first["count"], len(first["results"])) == (12, 5)
    assert len(third["results"]) == 2
    assert past == {"count": 12, "page": 9, "page_size": 5, "results": []}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page=0", "invalid"),
        ("page=-3", "invalid"),
        ("page=abc", "invalid"),
        ("page_size=0", "invalid"),
        ("page_size=500", "invalid"),
        ("cycle=university", "invalid"),
        ("area=desert", "invalid"),
        ("q=" + "x" * 101, "invalid"),
        ("colour=red", "unknown_parameter"),
        ("Academy=04", "unknown_parameter"),
    ],
)
def test_bad_parameters_are_400_in_the_error_shape(client, cast, query, code):
    response = client.get(f"/api/v1/establishments?{query}", **bearer(cast.national_admin))
    error = assert_error(response, 400, code)
    assert error["details"]


def test_list_queries_do_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    headers = bearer(cast.national_admin)
    for _ in range(30):
        EstablishmentFactory(commune=cast.school_a1.commune, cycles=[CycleCode.PRIMARY])
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/establishments?page_size=200", **headers).status_code == 200


def test_detail_of_an_establishment_in_scope(client, cast):
    response = client.get("/api/v1/establishments/21010B", **bearer(cast.director_b1))
    assert response.status_code == 200
    body = response.json()
    assert body["name_fr"] == "École Al Massira"
    assert body["satellites"] == ["21011S"]
    assert body["central_school"] is None


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ("director_a1", "21010B"),
        ("director_b1", "11565V"),
        ("director_a2", "11565V"),
        ("academy_officer_a", "21010B"),
        ("directorate_officer_a1", "12001C"),
        ("teacher_a1", "12001C"),
        ("parent_a1", "21011S"),
        ("student_a1", "11570P"),
        ("outsider", "11565V"),
        ("national_admin", "99999Z"),
        ("national_admin", "nope"),
    ],
)
def test_another_scope_or_a_missing_code_is_the_same_404(client, cast, member, code):
    response = client.get(f"/api/v1/establishments/{code}", **bearer(getattr(cast, member)))
    assert_error(response, 404, "not_found")


def test_detail_queries_are_bounded(client, cast, django_assert_max_num_queries):
    headers = bearer(cast.director_b1)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/establishments/21010B", **headers).status_code == 200


def test_establishments_need_a_token(client, cast):
    assert_error(client.get("/api/v1/establishments"), 401, "unauthenticated")
    assert_error(client.get("/api/v1/establishments/11565V"), 401, "unauthenticated")
