"""Reading never writes, and odd input in a code is a 404, never a server error."""

from __future__ import annotations

import pytest

from massar.assessment import access
from massar.assessment import services_marks as marks
from massar.assessment.models import MarkRow, MarkSheet
from massar.assessment.tests.builders import class_world, sheet_for
from massar.core.errors import NotFound
from massar.web.tests.api_helpers import assert_error, bearer


@pytest.fixture
def world(cast):
    return class_world(cast, pupils=3)


def test_an_officer_reading_a_sheet_never_started_gets_404_and_nothing_is_created(
    client, cast, world
):
    url = f"/api/v1/classes/{world.school_class.public_id}/marks/MATH?semester=1"

    response = client.get(url, **bearer(cast.academy_officer_a))

    assert_error(response, 404, "not_found")
    assert not MarkSheet.objects.exists()


def test_an_officer_reads_a_started_sheet_without_adding_rows(cast, world):
    sheet = sheet_for(world, "MATH")
    MarkRow.objects.filter(sheet=sheet, enrolment=world.enrolments[0]).delete()

    found = marks.sheet_open(
        actor=cast.academy_officer_a,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )

    assert found == sheet
    assert sheet.rows.count() == 2


def test_the_teacher_opening_the_sheet_adds_the_missing_row(cast, world):
    sheet = sheet_for(world, "MATH")
    MarkRow.objects.filter(sheet=sheet, enrolment=world.enrolments[0]).delete()

    marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )

    assert sheet.rows.count() == 3


@pytest.mark.parametrize("code", ["11565V\x00", "11565V'--", "x" * 300, ""])
def test_a_code_that_cannot_be_one_is_not_found(cast, code):
    with pytest.raises(NotFound):
        access.access_establishment(actor=cast.director_a1, code=code)
    with pytest.raises(NotFound):
        access.access_subject(code)
    with pytest.raises(NotFound):
        access.access_student_results(actor=cast.director_a1, code=code)


def test_a_nul_byte_in_a_pupil_code_of_the_api_is_a_404(client, cast, world):
    response = client.get("/api/v1/students/Q0%00/results", **bearer(cast.director_a1))

    assert_error(response, 404, "not_found")
