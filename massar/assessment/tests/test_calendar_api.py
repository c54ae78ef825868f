"""The test calendar's API with the cast: a class's tests, a teacher's own, a pupil's upcoming
tests (pupil and parents only); a test scheduled, moved and cancelled (409 ``overloaded`` unless
``force``); the one error shape; 404 outside the scope.

The router is mounted here on an API of its own with the site's error handlers, so that these
tests do not depend on where the composition root wires it.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.http import Http404
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from massar.accounts.api_auth import bearer as bearer_auth
from massar.assessment import selectors_calendar
from massar.assessment import services_calendar as services
from massar.assessment.api_calendar import router
from massar.assessment.models import SheetStatus
from massar.assessment.models import Test as CalendarTest
from massar.assessment.rules import rule_for_class
from massar.assessment.tests.builders import class_world, other_world, sheet_for
from massar.core.errors import DomainError
from massar.web import api as site_api
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

_api = NinjaAPI(title="calendar tests", urls_namespace="calendar-tests-api", auth=bearer_auth)
for _error, _handler in (
    (DomainError, site_api.domain_error),
    (NinjaValidationError, site_api.validation_error),
    (AuthenticationError, site_api.authentication_error),
    (Http404, site_api.not_found),
    (HttpError, site_api.http_error),
):
    _api.add_exception_handler(_error, _handler)
_api.add_router("/", router)
urlpatterns = [path("api/v1/", _api.urls)]

TODAY = date(2025, 11, 3)
MONDAY = date(2025, 11, 10)
TUESDAY = date(2025, 11, 11)

READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
    "teacher_a1",
]
OTHERS = ["director_a2", "academy_officer_b", "directorate_officer_b1", "outsider"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(selectors_calendar, "today", lambda: TODAY)


@pytest.fixture
def world(cast):
    world = class_world(cast)
    rule = rule_for_class(world.school_class)
    rule.max_tests_per_day = 2
    rule.max_tests_per_week = 4
    rule.save()
    return world


def schedule(actor, world, code="MATH", **overrides):
    values = {
        "actor": actor,
        "school_class": world.school_class,
        "subject": world.subjects[code],
        "semester": 1,
        "number": 1,
        "scheduled_on": MONDAY,
        "today": TODAY,
    }
    values.update(overrides)
    return services.test_schedule(**values)


def get(client, user, url, **params):
    return client.get(f"/api/v1{url}", params, **bearer(user))


def send(client, method, user, url, body=None):
    return getattr(client, method)(
        f"/api/v1{url}",
        json.dumps(body) if body is not None else None,
        content_type="application/json",
        **bearer(user),
    )


def class_tests_url(world):
    return f"/classes/{world.school_class.public_id}/tests"


def body_of(world, code="MATH", **overrides):
    body = {
        "school_class": str(world.school_class.public_id),
        "subject": code,
        "semester": 1,
        "number": 1,
        "scheduled_on": MONDAY.isoformat(),
    }
    body.update(overrides)
    return body


# --- a class's tests --------------------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_a_classs_tests(client, cast, world, member):
    test = schedule(cast.teacher_a1, world, note="Ch. 1")
    schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY, semester=2)
    response = get(client, getattr(cast, member), class_tests_url(world))
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 50)
    first = body["results"][0]
    assert first == {
        "public_id": str(test.public_id),
        "school_class": {"public_id": str(world.school_class.public_id), "name": "TCS-1"},
        "establishment": "11565V",
        "school_year": "2025-2026",
        "subject": world.subjects["MATH"].name_ar,
        "subject_code": "MATH",
        "semester": 1,
        "number": 1,
        "kind": "test",
        "scheduled_on": "2025-11-10",
        "teacher": world.teacher.display_name,
        "note": "Ch. 1",
        "is_locked": False,
    }


def test_a_classs_tests_by_semester_subject_and_page(client, cast, world):
    schedule(cast.teacher_a1, world)
    schedule(cast.teacher_a1, world, "FR", scheduled_on=TUESDAY)
    schedule(cast.director_a1, world, "PC", semester=2, scheduled_on=TUESDAY)
    user = cast.director_a1
    url = class_tests_url(world)
    assert get(client, user, url, semester=2).json()["count"] == 1
    assert [r["subject_code"] for r in get(client, user, url, subject="fr").json()["results"]] == [
        "FR"
    ]
    page = get(client, user, url, page=2, page_size=2).json()
    assert (page["count"], len(page["results"])) == (3, 1)
    assert_error(get(client, user, url, semestre=1), 400, "unknown_parameter")
    assert_error(get(client, user, url, semester=3), 400, "invalid")


@pytest.mark.parametrize("member", [*OTHERS, "student_a1", "parent_a1"])
def test_a_classs_tests_are_not_found_for_others(client, cast, world, member):
    assert_error(get(client, getattr(cast, member), class_tests_url(world)), 404, "not_found")


def test_a_teacher_does_not_list_a_class_they_do_not_teach(client, cast, world):
    other = other_world(cast)
    url = f"/classes/{other.school_class.public_id}/tests"
    assert_error(get(client, cast.teacher_a1, url), 404, "not_found")
    assert_error(get(client, cast.teacher_a1, "/classes/nope/tests"), 404, "not_found")


def test_a_locked_test_says_so(client, cast, world):
    schedule(cast.teacher_a1, world)
    sheet = sheet_for(world, "MATH", 1)
    sheet.status = SheetStatus.VALIDATED
    sheet.save()
    [result] = get(client, cast.director_a1, class_tests_url(world)).json()["results"]
    assert result["is_locked"] is True


# --- a teacher's own tests --------------------------------------------------------------------


def test_a_teachers_own_tests(client, cast, world):
    schedule(cast.teacher_a1, world, "FR", scheduled_on=TUESDAY)
    schedule(cast.teacher_a1, world)
    schedule(cast.director_a1, world, "PC")
    body = get(client, cast.teacher_a1, "/me/tests").json()
    assert [(r["subject_code"], r["scheduled_on"]) for r in body["results"]] == [
        ("MATH", "2025-11-10"),
        ("FR", "2025-11-11"),
    ]
    assert get(client, cast.teacher_a1, "/me/tests", since="2025-11-11").json()["count"] == 1
    for member in ("director_a1", "student_a1", "outsider"):
        assert get(client, getattr(cast, member), "/me/tests").json()["count"] == 0


# --- scheduling -------------------------------------------------------------------------------


def test_the_teacher_schedules_a_test(client, cast, world):
    response = send(client, "post", cast.teacher_a1, "/tests", body_of(world, note="Ch. 2"))
    assert response.status_code == 201, response.content
    body = response.json()
    test = CalendarTest.objects.get()
    assert body["public_id"] == str(test.public_id)
    assert (body["subject_code"], body["number"], body["note"], body["kind"]) == (
        "MATH",
        1,
        "Ch. 2",
        "test",
    )
    assert test.created_by == cast.teacher_a1


@pytest.mark.parametrize("member", ["director_a1", "staff_a1"])
def test_the_school_schedules_any_subject(client, cast, world, member):
    response = send(client, "post", getattr(cast, member), "/tests", body_of(world, "PC"))
    assert response.status_code == 201
    assert response.json()["teacher"] == world.others["PC"].display_name


@pytest.mark.parametrize(
    "member",
    [*OTHERS, "student_a1", "parent_a1", "academy_officer_a", "directorate_officer_a1"],
)
def test_scheduling_in_a_class_not_theirs_is_not_found(client, cast, world, member):
    response = send(client, "post", getattr(cast, member), "/tests", body_of(world))
    assert_error(response, 404, "not_found")
    assert not CalendarTest.objects.exists()


def test_a_teacher_does_not_schedule_in_a_class_they_do_not_teach(client, cast, world):
    other = other_world(cast)
    body = body_of(world, school_class=str(other.school_class.public_id))
    assert_error(send(client, "post", cast.teacher_a1, "/tests", body), 404, "not_found")


def test_a_teacher_does_not_schedule_a_colleagues_subject(client, cast, world):
    response = send(client, "post", cast.teacher_a1, "/tests", body_of(world, "PC"))
    assert_error(response, 403, "forbidden")


def test_refusals_answer_400_with_their_code(client, cast, world):
    user = cast.teacher_a1
    for overrides, code in [
        ({"subject": "NOPE"}, "unknown_subject"),
        ({"semester": 3}, "invalid_semester"),
        ({"number": 9}, "invalid_number"),
        ({"scheduled_on": "2025-11-09"}, "sunday"),
        ({"scheduled_on": "2025-11-06"}, "holiday"),
        ({"scheduled_on": "2025-10-31"}, "past_date"),
        ({"scheduled_on": "2027-01-04"}, "outside_year"),
    ]:
        response = send(client, "post", user, "/tests", body_of(world, **overrides))
        error = assert_error(response, 400, code)
        assert error["details"]
    assert_error(send(client, "post", user, "/tests", body_of(world, kind="exam")), 400, "invalid")
    assert not CalendarTest.objects.exists()


def test_a_taken_number_is_refused(client, cast, world):
    schedule(cast.teacher_a1, world)
    response = send(client, "post", cast.teacher_a1, "/tests", body_of(world))
    assert_error(response, 400, "number_taken")


def test_an_overloaded_day_answers_409_unless_forced(client, cast, world):
    first = schedule(cast.director_a1, world, "PC")
    second = schedule(cast.director_a1, world, "SVT")
    response = send(client, "post", cast.teacher_a1, "/tests", body_of(world))
    error = assert_error(response, 409, "overloaded")
    assert {d["test"] for d in error["details"]} == {str(first.public_id), str(second.public_id)}
    assert all(d["same_day"] for d in error["details"])
    assert CalendarTest.objects.count() == 2
    response = send(client, "post", cast.teacher_a1, "/tests", body_of(world, force=True))
    assert response.status_code == 201
    assert CalendarTest.objects.count() == 3


# --- moving and cancelling --------------------------------------------------------------------


def test_the_teacher_moves_their_test(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    response = send(
        client,
        "patch",
        cast.teacher_a1,
        f"/tests/{test.public_id}",
        {"scheduled_on": "2025-11-11", "kind": "unified"},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["scheduled_on"], response.json()["kind"]) == ("2025-11-11", "unified")
    test.refresh_from_db()
    assert test.scheduled_on == TUESDAY


def test_moving_onto_an_overloaded_day_answers_409(client, cast, world):
    schedule(cast.director_a1, world, "PC", scheduled_on=TUESDAY)
    schedule(cast.director_a1, world, "SVT", scheduled_on=TUESDAY)
    test = schedule(cast.teacher_a1, world)
    url = f"/tests/{test.public_id}"
    assert_error(
        send(client, "patch", cast.teacher_a1, url, {"scheduled_on": "2025-11-11"}),
        409,
        "overloaded",
    )
    response = send(
        client, "patch", cast.teacher_a1, url, {"scheduled_on": "2025-11-11", "force": True}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "member", [*OTHERS, "student_a1", "parent_a1", "academy_officer_a", "national_admin"]
)
def test_moving_and_cancelling_are_not_found_for_others(client, cast, world, member):
    test = schedule(cast.teacher_a1, world)
    user = getattr(cast, member)
    url = f"/tests/{test.public_id}"
    assert_error(send(client, "patch", user, url, {"scheduled_on": "2025-11-11"}), 404, "not_found")
    assert_error(send(client, "delete", user, url), 404, "not_found")
    assert CalendarTest.objects.filter(pk=test.pk, scheduled_on=MONDAY).exists()


def test_a_teacher_does_not_move_a_colleagues_test(client, cast, world):
    pc = schedule(cast.director_a1, world, "PC")
    url = f"/tests/{pc.public_id}"
    response = send(client, "patch", cast.teacher_a1, url, {"scheduled_on": "2025-11-11"})
    assert_error(response, 404, "not_found")
    assert_error(send(client, "delete", cast.teacher_a1, url), 404, "not_found")


def test_a_test_of_a_validated_sheet_neither_moves_nor_is_cancelled(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    sheet = sheet_for(world, "MATH", 1)
    sheet.status = SheetStatus.VALIDATED
    sheet.save()
    url = f"/tests/{test.public_id}"
    response = send(client, "patch", cast.director_a1, url, {"scheduled_on": "2025-11-11"})
    assert_error(response, 400, "sheet_validated")
    assert_error(send(client, "delete", cast.director_a1, url), 400, "sheet_validated")


def test_the_school_cancels_a_test(client, cast, world):
    test = schedule(cast.teacher_a1, world)
    response = send(client, "delete", cast.staff_a1, f"/tests/{test.public_id}")
    assert response.status_code == 204
    assert not CalendarTest.objects.exists()


# --- a pupil's upcoming tests -----------------------------------------------------------------


@pytest.mark.parametrize("member", ["student_a1", "parent_a1"])
def test_a_pupils_upcoming_tests(client, cast, world, member):
    schedule(cast.teacher_a1, world, scheduled_on=TODAY)
    later = schedule(cast.teacher_a1, world, "FR", scheduled_on=TUESDAY)
    pupil = world.enrolments[0].student
    url = f"/students/{pupil.code_massar}/tests"
    body = get(client, getattr(cast, member), url).json()
    assert [r["subject_code"] for r in body["results"]] == ["MATH", "FR"]
    body = get(client, getattr(cast, member), url, since="2025-11-04").json()
    assert [r["public_id"] for r in body["results"]] == [str(later.public_id)]


def test_a_pupil_does_not_read_a_classmates_tests(client, cast, world):
    classmate = world.enrolments[1].student
    url = f"/students/{classmate.code_massar}/tests"
    assert_error(get(client, cast.student_a1, url), 404, "not_found")
    assert_error(get(client, cast.parent_a1, url), 404, "not_found")


@pytest.mark.parametrize("member", [*READERS, *OTHERS])
def test_a_pupils_tests_are_for_the_family_only(client, cast, world, member):
    pupil = world.enrolments[0].student
    url = f"/students/{pupil.code_massar}/tests"
    assert_error(get(client, getattr(cast, member), url), 404, "not_found")


def test_without_a_token_the_api_answers_401(client, world):
    assert_error(client.get(f"/api/v1{class_tests_url(world)}"), 401, "unauthenticated")


# --- no input answers a server error ----------------------------------------------------------


@pytest.fixture
def _keep_the_test_connection():
    """Calls into the WSGI application fire the request signals, whose handler would close the
    test's connection (see ``massar/web/tests/test_api_schemathesis.py``)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_keep_the_test_connection")
def test_no_generated_request_gets_a_server_error(cast, world):
    import schemathesis

    from massar.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    schedule(cast.teacher_a1, world)
    for operation in operations:
        for user in (cast.director_a1, cast.teacher_a1):
            _fuzz(operation, user)


def _fuzz(operation, user) -> None:
    from hypothesis import HealthCheck, given, settings

    from massar.accounts.tokens import api_token_issue

    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())
    def check(case):
        raw, _token = api_token_issue(user=user)
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {raw}"}
        response = case.call()
        assert response.status_code < 500, (
            f"{operation.method.upper()} {case.formatted_path} {case.query} {case.body!r} "
            f"answered {response.status_code}: {response.text[:300]}"
        )
        if response.status_code >= 400:
            assert set(response.json()["error"]) == {"code", "message", "details"}

    check()
