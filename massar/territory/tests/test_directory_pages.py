"""The establishment directory pages, for every member of the cast."""

import re

import pytest

from massar.core.choices import CycleCode
from massar.territory.tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

ALL = {"11565V", "11570P", "12001C", "21010B", "21011S"}


def listed_codes(response) -> set[str]:
    return set(re.findall(r"/establishments/([0-9]{5}[A-Z])/", response.content.decode()))


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
def test_the_directory_lists_exactly_the_establishments_in_scope(client, cast, member, expected):
    client.force_login(getattr(cast, member))
    response = client.get("/establishments/")
    assert response.status_code == 200
    assert listed_codes(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=11565v", {"11565V"}),
        ("q=2101", {"21010B", "21011S"}),
        ("q=orangers", {"11570P"}),
        ("q=  Moulay  ", {"11565V"}),
        ("q=المسيرة", {"21010B"}),
        ("q=Moulay", {"11565V"}),
        ("q=ابن خلدون", {"12001C"}),
        ("academy=02", {"21010B", "21011S"}),
        ("directorate=0402", {"12001C"}),
        ("cycle=primary", {"11570P", "21010B", "21011S"}),
        ("area=rural", {"21010B", "21011S"}),
        ("sector=private", {"11570P"}),
        ("academy=04&cycle=upper_secondary", {"11565V"}),
    ],
)
def test_each_filter_narrows_the_list(client, cast, query, expected):
    client.force_login(cast.national_admin)
    assert listed_codes(client.get(f"/establishments/?{query}")) == expected


@pytest.mark.parametrize(
    ("member", "academies", "directorates"),
    [
        ("academy_officer_a", ["04"], ["0401", "0402", "0403", "0404", "0405", "0406", "0407"]),
        ("directorate_officer_b1", ["02"], ["0201"]),
        ("director_a2", ["04"], ["0402"]),
        ("outsider", [], []),
    ],
)
def test_the_filters_offer_only_places_in_scope(client, cast, member, academies, directorates):
    client.force_login(getattr(cast, member))
    form = client.get("/establishments/").context["form"]
    assert [code for code, _name in form.fields["academy"].choices][1:] == academies
    assert [code for code, _name in form.fields["directorate"].choices][1:] == directorates


def test_an_officer_cannot_filter_into_another_academy(client, cast):
    client.force_login(cast.academy_officer_a)
    response = client.get("/establishments/?academy=02")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert listed_codes(response) == {"11565V", "11570P", "12001C"}


@pytest.mark.parametrize(
    "query",
    ["cycle=university", "area=desert", "page=abc", "page=999", "page=-1", "q=" + "x" * 500],
)
def test_invalid_filters_never_break_the_page(client, cast, query):
    client.force_login(cast.national_admin)
    response = client.get(f"/establishments/?{query}")
    assert response.status_code == 200
    assert listed_codes(response)


def test_a_valid_filter_still_applies_next_to_an_invalid_one(client, cast):
    client.force_login(cast.national_admin)
    response = client.get("/establishments/?cycle=university&sector=private")
    assert response.status_code == 200
    assert 'id="filters-invalid"' in response.content.decode()
    assert listed_codes(response) == {"11570P"}


def test_a_page_past_the_end_shows_the_last_page(client, cast):
    for _ in range(30):
        EstablishmentFactory(commune=cast.school_a1.commune)
    client.force_login(cast.directorate_officer_a1)
    response = client.get("/establishments/?page=999")
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(listed_codes(response)) == 7


def test_an_htmx_request_gets_only_the_results_fragment(client, cast):
    client.force_login(cast.national_admin)
    response = client.get("/establishments/?q=Moulay", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.strip().startswith('<section id="results"')
    assert listed_codes(response) == {"11565V"}


def test_a_history_restore_by_htmx_gets_the_whole_page(client, cast):
    client.force_login(cast.national_admin)
    response = client.get(
        "/establishments/?q=Moulay",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert response.content.decode().startswith("<!DOCTYPE html>")


def test_the_fragment_and_the_page_are_cached_apart(client, cast):
    client.force_login(cast.national_admin)
    assert "HX-Request" in client.get("/establishments/")["Vary"]


def test_the_search_form_updates_the_results_in_place(client, cast):
    client.force_login(cast.national_admin)
    content = client.get("/establishments/").content.decode()
    assert 'hx-get="/establishments/" hx-target="#results"' in content
    assert (
        'hx-trigger="input changed delay:300ms from:#id_q, change from:select, submit"' in content
    )
    assert 'hx-push-url="true"' in content
    assert '<label for="id_q">' in content
    assert '<section id="results"' in content


def test_the_list_is_paginated(client, cast):
    for _ in range(30):
        EstablishmentFactory(commune=cast.school_a1.commune)
    client.force_login(cast.directorate_officer_a1)
    first = client.get("/establishments/")
    second = client.get("/establishments/?page=2")
    assert len(listed_codes(first)) == 25
    assert len(listed_codes(second)) == 7
    assert not listed_codes(first) & listed_codes(second)


def test_directory_queries_do_not_grow_with_the_number_of_establishments(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.national_admin)
    client.get("/establishments/")
    for _ in range(30):
        EstablishmentFactory(commune=cast.school_a1.commune, cycles=[CycleCode.PRIMARY])
    with django_assert_max_num_queries(10):
        assert client.get("/establishments/").status_code == 200


def test_a_director_sees_their_school_detail(client, cast):
    client.force_login(cast.director_a1)
    response = client.get("/establishments/11565V/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "ثانوية مولاي يوسف" in content
    assert "Lycée Moulay Youssef" in content


def test_the_detail_page_shows_the_establishment_s_facts(client, cast):
    cast.school_a1.address = "Avenue Moulay Youssef, Rabat"
    cast.school_a1.latitude = "34.020882"
    cast.school_a1.longitude = "-6.841650"
    cast.school_a1.save(update_fields=["address", "latitude", "longitude"])
    client.force_login(cast.directorate_officer_a1)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    content = client.get("/establishments/11565V/").content.decode()
    for fact in (
        '<bdi id="establishment-code">11565V</bdi>',
        "ثانوية مولاي يوسف",
        "Lycée Moulay Youssef",
        cast.academy_a.name_fr,
        cast.directorate_a1.name_fr,
        "Rabat-Agdal",
        "Avenue Moulay Youssef, Rabat",
        '<bdi dir="ltr" id="establishment-latitude">34,020882</bdi>',
        '<bdi dir="ltr" id="establishment-longitude">-6,841650</bdi>',
    ):
        assert fact in content, fact


def test_a_central_school_shows_its_satellites_and_the_satellite_its_centre(client, cast):
    client.force_login(cast.director_b1)
    assert "21011S" in client.get("/establishments/21010B/").content.decode()
    assert "21010B" in client.get("/establishments/21011S/").content.decode()


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ("director_a1", "21010B"),
        ("director_b1", "11565V"),
        ("director_a2", "11565V"),
        ("academy_officer_b", "12001C"),
        ("directorate_officer_a1", "12001C"),
        ("teacher_a1", "11570P"),
        ("parent_a1", "12001C"),
        ("outsider", "11565V"),
        ("national_admin", "99999Z"),
        ("national_admin", "not-a-code"),
    ],
)
def test_another_scope_or_a_missing_code_is_the_same_404(client, cast, member, code):
    client.force_login(getattr(cast, member))
    response = client.get(f"/establishments/{code}/")
    assert response.status_code == 404


def test_detail_queries_are_bounded(client, cast, django_assert_max_num_queries):
    client.force_login(cast.director_b1)
    with django_assert_max_num_queries(8):
        assert client.get("/establishments/21010B/").status_code == 200
