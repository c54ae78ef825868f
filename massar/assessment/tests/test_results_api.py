"""The results API with the cast: a pupil's published results and report card PDF; who may, and
who gets 404 (the other school's director, the outsider, a pupil reading a classmate).

The router is mounted here on an API of the test's own URLconf with the project's bearer
authentication and error handlers, the way ``massar.web.api`` mounts the apps' routers.
"""

from __future__ import annotations

import pytest
from django.urls import include, path
from ninja import NinjaAPI

from massar.accounts.api_auth import bearer
from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment.api_results import router
from massar.web import api as project_api
from massar.web.tests.api_helpers import assert_error
from massar.web.tests.api_helpers import bearer as token_for

from .builders import class_world
from .test_publication import publish, semester_sheets

results_api = NinjaAPI(title="Massar results (test)", urls_namespace="api-v1", auth=bearer)
for error_class, handler in project_api.api._exception_handlers.items():
    results_api.add_exception_handler(error_class, handler)
results_api.add_router("/", router)

urlpatterns = [
    path("api/v1/", results_api.urls),
    path("", include("massar.web.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

READERS = {
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
    "student_a1",
    "parent_a1",
}


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    semester_sheets(world, 1)
    return world


def get(client, user, url, **params):
    return client.get(url, params, **token_for(user))


def results_url(code: str) -> str:
    return f"/api/v1/students/{code}/results"


def card_url(code: str, period) -> str:
    return f"/api/v1/students/{code}/report-cards/{period}.pdf"


def test_a_pupil_reads_their_published_results(client, cast, world):
    publication = publish(cast, world, 1)
    code = world.enrolments[0].student.code_massar
    year = world.school_class.school_year.code

    response = get(client, cast.student_a1, results_url(code))

    assert response.status_code == 200
    body = response.json()
    assert (body["code_massar"], body["school_year"]) == (code, year)
    (period,) = body["periods"]
    subjects = {line["code"]: line for line in period.pop("subjects")}
    period.pop("published_at")
    assert period == {
        "period": 1,
        "school_year": year,
        "establishment": "11565V",
        "class_name": "TCS-1",
        "version": 1,
        "average": "12.75",
        "out_of": 20,
        "rank": 1,
        "ranked_pupils": publication.reports.get(enrolment=world.enrolments[0]).content[
            "ranked_pupils"
        ],
        "semester_averages": None,
        "council_mention": "",
        "council_remark": "",
        "decision": "",
        "next_stream": None,
        "report_card_url": f"{card_url(code, 1)}?year={year}",
    }
    assert subjects["MATH"] == {
        "code": "MATH",
        "name_ar": "الرياضيات",
        "name_fr": "Mathématiques",
        "coefficient": "4",
        "tests": ["12.00", "14.00"],
        "activities": "16.00",
        "mark": "13.75",
        "semesters": None,
        "class_max": "13.75",
        "class_mean": "12.13",
        "class_min": "10.50",
        "appreciation": "",
    }
    assert list(subjects)[:2] == ["AR", "FR"]


def test_nothing_published_is_an_empty_list_not_live_marks(client, cast, world):
    from massar.assessment.computation import recompute_establishment

    recompute_establishment(cast.school_a1, world.school_class.school_year)
    code = world.enrolments[0].student.code_massar
    response = get(client, cast.parent_a1, results_url(code))
    assert response.status_code == 200
    assert response.json()["periods"] == []
    assert_error(get(client, cast.parent_a1, card_url(code, 1)), 404, "not_found")


def test_who_reads_a_pupil_results_and_report_card(client, cast, world):
    publish(cast, world, 1)
    code = world.enrolments[0].student.code_massar
    for who, user in cast.everyone().items():
        results = get(client, user, results_url(code))
        card = get(client, user, card_url(code, 1))
        if who in READERS:
            assert results.status_code == 200, who
            assert card.status_code == 200, who
            assert card["Content-Type"] == "application/pdf"
            assert card.content.startswith(b"%PDF-")
        else:
            assert_error(results, 404, "not_found")
            assert_error(card, 404, "not_found")


def test_a_pupil_changing_the_code_to_a_classmate_gets_404(client, cast, world):
    publish(cast, world, 1)
    classmate = UserFactory(username="cast-classmate")
    role_assign(user=classmate, role=Role.STUDENT, establishment=cast.school_a1)
    other = world.enrolments[1].student
    other.user = classmate
    other.save(update_fields=["user"])
    mine = world.enrolments[0].student.code_massar

    assert_error(get(client, cast.student_a1, results_url(other.code_massar)), 404, "not_found")
    assert_error(get(client, cast.student_a1, card_url(other.code_massar, 1)), 404, "not_found")
    assert_error(get(client, classmate, results_url(mine)), 404, "not_found")
    assert get(client, classmate, results_url(other.code_massar)).status_code == 200


def test_periods_years_and_parameters(client, cast, world):
    publish(cast, world, 1)
    code = world.enrolments[0].student.code_massar
    year = world.school_class.school_year.code
    for period in (2, 3, 7):
        assert_error(get(client, cast.student_a1, card_url(code, period)), 404, "not_found")
    assert get(client, cast.student_a1, card_url(code, 1), year=year).status_code == 200
    assert_error(
        get(client, cast.student_a1, results_url(code), year="1999-2000"), 404, "not_found"
    )
    assert_error(
        get(client, cast.student_a1, results_url(code), yaer=year), 400, "unknown_parameter"
    )
    assert_error(client.get(results_url(code)), 401, "unauthenticated")


def test_text_that_cannot_be_a_code_or_a_year_is_not_found(client, cast, world):
    code = world.enrolments[0].student.code_massar
    for url, params in (
        ("/api/v1/students/A%00B/results", {}),
        ("/api/v1/students/A%00B/report-cards/1.pdf", {}),
        (results_url(code), {"year": "2025\x002026"}),
        (card_url(code, 1), {"year": "x"}),
        (card_url(code, "99999999999999999999"), {}),
    ):
        assert_error(get(client, cast.director_a1, url, **params), 404, "not_found")
