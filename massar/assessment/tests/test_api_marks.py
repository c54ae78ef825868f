"""The marks API with the cast: who reads a class's marks in a subject, who saves them (all or
nothing, 400 with the bad cells, 409 with the current rows), and who gets 404.

The router is mounted here on an API of its own with the site's error handlers, so that these
tests do not depend on where the composition root wires it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import path as url_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from massar.accounts.api_auth import bearer as bearer_auth
from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment.api_marks import router as marks_router
from massar.assessment.models import EntryWindow, MarkRow, SheetStatus
from massar.assessment.services_marks import StaleMarks
from massar.assessment.tests.builders import class_world, fill_sheet, open_entry, sheet_for
from massar.core.errors import DomainError
from massar.web import api as site_api
from massar.web.tests.api_helpers import assert_error, bearer

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

_api = NinjaAPI(title="marks tests", urls_namespace="marks-tests-api", auth=bearer_auth)
for _error, _handler in (
    (DomainError, site_api.domain_error),
    (NinjaValidationError, site_api.validation_error),
    (AuthenticationError, site_api.authentication_error),
    (Http404, site_api.not_found),
    (HttpError, site_api.http_error),
):
    _api.add_exception_handler(_error, _handler)
_api.add_router("/", marks_router)
urlpatterns = [url_path("api/v1/", _api.urls)]

READERS = [
    "teacher_a1",
    "director_a1",
    "staff_a1",
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
]
WRITERS = ["teacher_a1", "director_a1", "staff_a1"]
OFFICERS = ["national_admin", "academy_officer_a", "directorate_officer_a1"]
NOBODY = [
    "director_a2",
    "academy_officer_b",
    "directorate_officer_b1",
    "student_a1",
    "parent_a1",
    "outsider",
]


@pytest.fixture
def world(cast):
    world = class_world(cast)
    open_entry(world.establishment, world.school_class.school_year)
    return world


@pytest.fixture
def sheet(world):
    sheet = sheet_for(world, "MATH")
    fill_sheet(sheet, {world.enrolments[0].pk: (12.5, "ABS", 14)})
    return sheet


@pytest.fixture
def physics_teacher(cast, world):
    user = UserFactory(username="pc-teacher")
    role_assign(user=user, role=Role.TEACHER, establishment=cast.school_a1)
    teacher = world.others["PC"]
    teacher.user = user
    teacher.save(update_fields=["user"])
    return user


def path(world, subject: str = "MATH") -> str:
    return f"/api/v1/classes/{world.school_class.public_id}/marks/{subject}"


def get(client, user, world, subject: str = "MATH", **params):
    params.setdefault("semester", 1)
    return client.get(path(world, subject), params, **bearer(user))


def put(client, user, world, rows, subject: str = "MATH", semester=1):
    return client.put(
        f"{path(world, subject)}?semester={semester}",
        json.dumps({"rows": rows}),
        content_type="application/json",
        **bearer(user),
    )


def code(world, index: int) -> str:
    return world.enrolments[index].student.code_massar


def row_of(world, index: int, semester: int = 1) -> MarkRow:
    return MarkRow.objects.get(
        sheet__school_class=world.school_class,
        sheet__subject__code="MATH",
        sheet__semester=semester,
        enrolment=world.enrolments[index],
    )


def snapshot(sheet) -> list[tuple]:
    return list(
        MarkRow.objects.filter(sheet=sheet)
        .order_by("pk")
        .values_list("version", "test_1", "test_2", "absent_1", "absent_2", "activities")
    )


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", READERS)
def test_the_sheet_is_read_by_the_teacher_the_school_and_officers(
    client, cast, world, sheet, member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(35):
        response = get(client, getattr(cast, member), world)
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in body if key not in ("rows", "class_id", "teacher")} == {
        "class_name": "TCS-1",
        "establishment": "11565V",
        "school_year": "2025-2026",
        "subject_code": "MATH",
        "subject": "الرياضيات",
        "semester": 1,
        "status": "open",
        "is_locked": False,
        "entry_open": True,
        "test_count": 2,
        "scale": 20,
    }
    assert body["class_id"] == str(world.school_class.public_id)
    assert body["teacher"] == world.teacher.display_name
    assert len(body["rows"]) == 6
    student = world.enrolments[0].student
    first = next(row for row in body["rows"] if row["code_massar"] == student.code_massar)
    assert first == {
        "code_massar": student.code_massar,
        "last_name_ar": student.last_name_ar,
        "first_name_ar": student.first_name_ar,
        "last_name_fr": student.last_name_fr,
        "first_name_fr": student.first_name_fr,
        "version": 1,
        "test_1": "12.50",
        "test_2": None,
        "test_3": None,
        "test_4": None,
        "absent_1": False,
        "absent_2": True,
        "absent_3": False,
        "absent_4": False,
        "activities": "14.00",
        "activities_absent": False,
        "appreciation": "",
    }


def test_reading_opens_a_sheet_not_yet_used(client, cast, world):
    response = get(client, cast.teacher_a1, world, semester=2)
    assert response.status_code == 200
    body = response.json()
    assert (body["semester"], len(body["rows"])) == (2, 6)
    assert {row["version"] for row in body["rows"]} == {1}


@pytest.mark.parametrize("member", NOBODY)
def test_anyone_else_gets_404(client, cast, world, sheet, member):
    user = getattr(cast, member)
    assert_error(get(client, user, world), 404, "not_found")
    assert_error(put(client, user, world, []), 404, "not_found")


def test_the_teacher_of_another_subject_gets_404(client, world, sheet, physics_teacher):
    assert_error(get(client, physics_teacher, world), 404, "not_found")
    assert_error(put(client, physics_teacher, world, []), 404, "not_found")
    assert get(client, physics_teacher, world, subject="PC").status_code == 200


@pytest.mark.parametrize("subject", ["TECH", "NOPE"])
def test_a_subject_the_class_is_not_taught_is_404(client, cast, world, subject):
    assert_error(get(client, cast.director_a1, world, subject=subject), 404, "not_found")


def test_an_unknown_class_is_404(client, cast, world):
    response = client.get(
        "/api/v1/classes/not-a-uuid/marks/MATH", {"semester": 1}, **bearer(cast.director_a1)
    )
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("semester", [None, 0, 3, "un"])
def test_the_semester_is_required_and_1_or_2(client, cast, world, semester):
    params = {} if semester is None else {"semester": semester}
    response = client.get(path(world), params, **bearer(cast.teacher_a1))
    error = assert_error(response, 400, "invalid")
    assert error["details"][0]["loc"][-1] == "semester"


def test_without_a_token_the_answer_is_401(client, world):
    assert_error(client.get(path(world), {"semester": 1}), 401, "unauthenticated")


# --- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("member", WRITERS)
def test_the_teacher_and_the_school_save_rows(client, cast, world, sheet, member):
    response = put(
        client,
        getattr(cast, member),
        world,
        [
            {"code_massar": code(world, 0), "version": 1, "test_2": "9,75", "appreciation": "Bien"},
            {"code_massar": code(world, 1).lower(), "version": 1, "test_1": 11, "activities": "غ"},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved_rows"] == 2
    rows = {row["code_massar"]: row for row in body["sheet"]["rows"]}
    assert rows[code(world, 0)]["version"] == 2
    assert (rows[code(world, 0)]["test_2"], rows[code(world, 0)]["absent_2"]) == ("9.75", False)
    assert rows[code(world, 1)]["activities_absent"] is True
    first, second = row_of(world, 0), row_of(world, 1)
    assert (first.test_1, first.test_2, first.appreciation) == (
        Decimal("12.50"),
        Decimal("9.75"),
        "Bien",
    )
    assert (second.test_1, second.activities_absent, second.version) == (Decimal("11.00"), True, 2)
    assert second.updated_by == getattr(cast, member)


def test_null_clears_a_cell_and_a_field_left_out_stays(client, cast, world, sheet):
    response = put(
        client,
        cast.teacher_a1,
        world,
        [{"code_massar": code(world, 0), "version": 1, "test_1": None}],
    )
    assert response.status_code == 200
    row = row_of(world, 0)
    assert (row.test_1, row.absent_2, row.activities) == (None, True, Decimal("14.00"))


@pytest.mark.parametrize("member", OFFICERS)
def test_officers_read_but_do_not_save(client, cast, world, sheet, member):
    before = snapshot(sheet)
    response = put(
        client,
        getattr(cast, member),
        world,
        [{"code_massar": code(world, 1), "version": 1, "test_1": 3}],
    )
    assert_error(response, 404, "not_found")
    assert snapshot(sheet) == before


def test_bad_marks_answer_400_with_each_cell_and_save_nothing(client, cast, world, sheet):
    before = snapshot(sheet)
    response = put(
        client,
        cast.teacher_a1,
        world,
        [
            {"code_massar": code(world, 0), "version": 1, "test_1": 21},
            {"code_massar": code(world, 1), "version": 1, "test_1": -1, "test_2": "douze"},
            {"code_massar": code(world, 2), "version": 1, "activities": 12.125},
            {"code_massar": code(world, 3), "version": 1, "test_1": 15},
        ],
    )
    error = assert_error(response, 400, "invalid_marks")
    assert error["message"] == _("Some marks are not valid: nothing was saved.")
    scale = _("A mark is between 0 and %(scale)s.") % {"scale": 20}
    assert error["details"] == [
        {"loc": [code(world, 0), "test_1"], "msg": scale},
        {"loc": [code(world, 1), "test_1"], "msg": scale},
        {
            "loc": [code(world, 1), "test_2"],
            "msg": _(
                "“%(text)s” is not a mark: write a number such as 12,5, or ABS for an absent pupil."
            )
            % {"text": "douze"},
        },
        {"loc": [code(world, 2), "activities"], "msg": _("A mark has at most two decimals.")},
    ]
    assert snapshot(sheet) == before


def test_a_pupil_not_in_the_class_or_twice_answers_400(client, cast, world, sheet):
    before = snapshot(sheet)
    response = put(
        client,
        cast.teacher_a1,
        world,
        [
            {"code_massar": "Z999999999", "version": 1, "test_1": 10},
            {"code_massar": code(world, 1), "version": 1, "test_1": 10},
            {"code_massar": code(world, 1), "version": 1, "test_1": 11},
        ],
    )
    error = assert_error(response, 400, "invalid_marks")
    assert error["details"] == [
        {
            "loc": ["Z999999999"],
            "msg": _("This pupil is not in %(class)s.") % {"class": "TCS-1"},
        },
        {"loc": [code(world, 1)], "msg": _("This pupil appears twice in what was sent.")},
    ]
    assert snapshot(sheet) == before


def test_a_test_the_sheet_does_not_have_answers_400(client, cast, world, sheet):
    response = put(
        client,
        cast.teacher_a1,
        world,
        [{"code_massar": code(world, 1), "version": 1, "test_3": 10}],
    )
    error = assert_error(response, 400, "invalid_marks")
    assert error["details"] == [
        {
            "loc": [code(world, 1)],
            "msg": _("This sheet has %(count)s tests: “%(field)s” is not one of its columns.")
            % {"count": 2, "field": "test_3"},
        }
    ]


@pytest.mark.parametrize(
    "row",
    [
        {"version": 1, "test_1": 10},
        {"code_massar": "X", "version": 0},
        {"code_massar": "X", "version": 1, "test_5": 10},
        {"code_massar": "X", "version": 1, "test_1": True},
        {"code_massar": "X", "version": 1, "test_1": [10]},
    ],
    ids=["no-code", "version-0", "unknown-field", "boolean", "list"],
)
def test_a_malformed_row_answers_400(client, cast, world, sheet, row):
    assert_error(put(client, cast.teacher_a1, world, [row]), 400, "invalid")


def test_a_row_saved_meanwhile_answers_409_with_the_current_rows(client, cast, world, sheet):
    MarkRow.objects.filter(sheet=sheet, enrolment=world.enrolments[0]).update(version=5)
    before = snapshot(sheet)
    response = put(
        client,
        cast.teacher_a1,
        world,
        [
            {"code_massar": code(world, 0), "version": 1, "test_2": 10},
            {"code_massar": code(world, 1), "version": 1, "test_1": 10},
        ],
    )
    error = assert_error(response, 409, "conflict")
    assert error["message"] == str(StaleMarks.default_message)
    assert error["details"] == [
        {
            "loc": [code(world, 0)],
            "msg": str(StaleMarks.default_message),
            "code_massar": code(world, 0),
            "version": 5,
            "test_1": "12.50",
            "test_2": "ABS",
            "test_3": None,
            "test_4": None,
            "activities": "14.00",
        }
    ]
    assert snapshot(sheet) == before


def test_a_locked_sheet_answers_400(client, cast, world, sheet):
    sheet.status = SheetStatus.VALIDATED
    sheet.save(update_fields=["status"])
    response = put(
        client, cast.teacher_a1, world, [{"code_massar": code(world, 1), "version": 1, "test_1": 9}]
    )
    error = assert_error(response, 400, "locked")
    assert error["message"] == _(
        "This sheet was validated and locked by the director: ask for a change instead."
    )
    assert get(client, cast.teacher_a1, world).json()["is_locked"] is True


def test_a_closed_entry_window_answers_400(client, cast, world, sheet):
    EntryWindow.objects.filter(establishment=world.establishment).update(
        opens_on=date(2025, 9, 8), closes_on=date(2025, 9, 9)
    )
    before = snapshot(sheet)
    response = put(
        client, cast.teacher_a1, world, [{"code_massar": code(world, 1), "version": 1, "test_1": 9}]
    )
    assert_error(response, 400, "entry_closed")
    assert get(client, cast.teacher_a1, world).json()["entry_open"] is False
    assert snapshot(sheet) == before


def test_the_schemas_are_documented_with_examples(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/classes/{class_id}/marks/{subject_code}"]
    assert set(operations) == {"get", "put"}
    assert "409" in operations["put"]["responses"]
    components = schema["components"]["schemas"]
    assert components["MarkRowIn"]["properties"]["code_massar"]["examples"] == ["D166027860"]
    assert components["MarksIn"]["examples"][0]["rows"][1]["test_1"] == "ABS"
