"""The mark-entry services: a sheet opened with a row per pupil, marks saved all or nothing with
per-row versions (every refusal: out of range, not a mark, three decimals, a pupil of another
class, a column the sheet does not have, a pupil twice, a locked sheet, a stale version, a closed
entry window, someone who may not enter marks), "absent" kept apart from 0, the number of tests,
the director's validation, and change requests on a locked sheet — each with its history."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from massar.accounts.models import Role
from massar.accounts.services import role_assign
from massar.accounts.tests.factories import UserFactory
from massar.assessment import services_marks as marks
from massar.assessment.marks_input import Cell, parse_mark
from massar.assessment.models import (
    ChangeRequest,
    ChangeRequestStatus,
    MarkRow,
    MarkSheet,
    SheetStatus,
)
from massar.assessment.services_marks import RowChange, StaleMarks
from massar.assessment.tests.builders import class_world, fill_sheet, open_entry, other_world
from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.schooling.models import ClassPlacement
from massar.schooling.tests.factories import enrol_pupils

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    world = class_world(cast, pupils=4)
    open_entry(cast.school_a1, world.school_class.school_year)
    return world


@pytest.fixture
def sheet(cast, world):
    return marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )


def code_of(enrolment) -> str:
    return enrolment.student.code_massar


def row_of(sheet, enrolment) -> MarkRow:
    return MarkRow.objects.get(sheet=sheet, enrolment=enrolment)


def teacher_of_subject(cast, world, code: str):
    """A login for the teacher of ``code`` in the world's class (a teacher of the same school)."""
    user = UserFactory(username=f"teacher-{code.lower()}")
    role_assign(user=user, role=Role.TEACHER, establishment=cast.school_a1)
    staff = world.others[code]
    staff.user = user
    staff.save(update_fields=["user"])
    return user


def refusal(call) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value


# --- opening a sheet --------------------------------------------------------------------------


def test_a_sheet_opens_with_a_row_per_pupil_the_rule_s_tests_and_the_class_s_teacher(
    cast, world, sheet
):
    assert sheet.establishment == cast.school_a1
    assert sheet.school_year == world.school_class.school_year
    assert sheet.teacher == world.teacher
    assert sheet.test_count == 2
    assert sheet.status == SheetStatus.OPEN
    assert sorted(sheet.rows.values_list("enrolment_id", flat=True)) == sorted(
        e.pk for e in world.enrolments
    )
    assert set(sheet.rows.values_list("version", flat=True)) == {1}


def test_opening_again_is_idempotent_and_adds_pupils_placed_since(cast, world, sheet):
    newcomer = enrol_pupils(cast.school_a1, "TC", 1, stream_code="TCS")[0]
    ClassPlacement.objects.create(enrolment=newcomer, school_class=world.school_class)
    again = marks.sheet_open(
        actor=cast.staff_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )
    assert again.pk == sheet.pk
    assert MarkSheet.objects.count() == 1
    assert sheet.rows.count() == 5
    assert sheet.rows.filter(enrolment=newcomer).exists()


def test_a_semester_other_than_1_or_2_is_refused(cast, world):
    error = refusal(
        lambda: marks.sheet_open(
            actor=cast.teacher_a1,
            school_class=world.school_class,
            subject=world.subjects["MATH"],
            semester=3,
        )
    )
    assert error.code == "semester"
    assert error.message == gettext("The semester is 1 or 2.")


@pytest.mark.parametrize("member", ["director_a2", "outsider", "student_a1", "parent_a1"])
def test_others_cannot_open_a_sheet(cast, world, member):
    with pytest.raises(NotFound):
        marks.sheet_open(
            actor=getattr(cast, member),
            school_class=world.school_class,
            subject=world.subjects["MATH"],
            semester=1,
        )
    assert not MarkSheet.objects.exists()


def test_the_teacher_of_another_subject_cannot_open_this_subject_s_sheet(cast, world):
    physics = teacher_of_subject(cast, world, "PC")
    with pytest.raises(NotFound):
        marks.sheet_open(
            actor=physics,
            school_class=world.school_class,
            subject=world.subjects["MATH"],
            semester=1,
        )
    assert not MarkSheet.objects.exists()


# --- saving marks -----------------------------------------------------------------------------


def test_marks_are_saved_absent_apart_from_zero_with_a_new_version_and_history(cast, world, sheet):
    first, second = world.enrolments[:2]
    result = marks.marks_save(
        actor=cast.teacher_a1,
        sheet=sheet,
        changes=[
            RowChange(first.pk, 1, {"test_1": "12,5", "test_2": "ABS", "activities": "0"}),
            RowChange(second.pk, 1, {"test_1": "غ", "test_2": " 7.25 "}, appreciation=" Bien "),
        ],
    )
    assert result.saved_rows == 2
    assert result.versions == {first.pk: 2, second.pk: 2}
    row = row_of(sheet, first)
    assert (row.test_1, row.absent_1) == (Decimal("12.50"), False)
    assert (row.test_2, row.absent_2) == (None, True)
    assert (row.activities, row.activities_absent) == (Decimal("0.00"), False)
    assert row.version == 2
    assert row.updated_by == cast.teacher_a1
    other = row_of(sheet, second)
    assert (other.test_1, other.absent_1) == (None, True)
    assert other.test_2 == Decimal("7.25")
    assert other.appreciation == "Bien"
    history = list(row.history.order_by("history_date"))
    assert [(h.version, h.test_1, h.absent_2) for h in history] == [(2, Decimal("12.50"), True)]
    assert history[0].history_user == cast.teacher_a1


def test_a_row_saved_unchanged_keeps_its_version_and_writes_no_history(cast, world, sheet):
    first = world.enrolments[0]
    marks.marks_save(actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {})])
    result = marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": ""})]
    )
    assert result.saved_rows == 0
    assert result.versions == {first.pk: 1}
    assert row_of(sheet, first).history.count() == 0


def test_an_empty_cell_clears_a_mark_and_each_save_is_one_more_version(cast, world, sheet):
    first = world.enrolments[0]
    marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "15"})]
    )
    marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 2, {"test_1": "ABS"})]
    )
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(first.pk, 3, {"test_1": ""})]
    )
    row = row_of(sheet, first)
    assert (row.test_1, row.absent_1, row.version) == (None, False, 4)
    assert [(h.version, h.test_1, h.absent_1, h.history_user) for h in row.history.all()] == [
        (4, None, False, cast.staff_a1),
        (3, None, True, cast.teacher_a1),
        (2, Decimal("15.00"), False, cast.teacher_a1),
    ]


@pytest.mark.parametrize(
    ("typed", "message", "params"),
    [
        ("21", "A mark is between 0 and %(scale)s.", {"scale": 20}),
        ("20,01", "A mark is between 0 and %(scale)s.", {"scale": 20}),
        ("-1", "A mark is between 0 and %(scale)s.", {"scale": 20}),
        (
            "douze",
            "“%(text)s” is not a mark: write a number such as 12,5, or ABS for an absent pupil.",
            {"text": "douze"},
        ),
        ("12,555", "A mark has at most two decimals.", {}),
        ("NaN", "A mark must be a number or ABS.", {}),
    ],
)
def test_a_bad_mark_refuses_the_whole_save_naming_the_pupil_and_the_cell(
    cast, world, sheet, typed, message, params
):
    first, second = world.enrolments[:2]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(first.pk, 1, {"test_1": "14"}),
                RowChange(second.pk, 1, {"test_1": "10", "test_2": typed}),
            ],
        )
    )
    assert error.code == "invalid_marks"
    assert error.message == gettext("Some marks are not valid: nothing was saved.")
    expected = gettext(message) % params if params else gettext(message)
    assert error.details == [{"loc": [code_of(second), "test_2"], "msg": expected}]
    # Nothing half-written: the valid row and the valid cell of the bad row are not saved.
    assert set(sheet.rows.values_list("test_1", "test_2", "version")) == {(None, None, 1)}
    assert MarkRow.history.count() == 0


def test_every_bad_cell_is_reported_at_once(cast, world, sheet):
    first, second = world.enrolments[:2]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(first.pk, 1, {"test_1": "25", "activities": "x"}),
                RowChange(second.pk, 1, {"test_2": "1,234"}, appreciation="é" * 121),
            ],
        )
    )
    assert [item["loc"] for item in error.details] == [
        [code_of(first), "test_1"],
        [code_of(first), "activities"],
        [code_of(second), "test_2"],
        [code_of(second), "appreciation"],
    ]
    assert error.details[3]["msg"] == gettext("The appreciation is too long.")


def test_a_pupil_of_another_class_is_refused(cast, world, sheet):
    stranger = other_world(cast).enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(world.enrolments[0].pk, 1, {"test_1": "12"}),
                RowChange(stranger.pk, 1, {"test_1": "12"}),
            ],
        )
    )
    assert error.code == "invalid_marks"
    assert error.details == [
        {"loc": [str(stranger.pk)], "msg": gettext("This pupil is not on the sheet of this class.")}
    ]
    assert not sheet.rows.filter(test_1__isnull=False).exists()


def test_a_column_beyond_the_sheet_s_tests_is_refused(cast, world, sheet):
    first = world.enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[RowChange(first.pk, 1, {"test_1": "12", "test_3": "10"})],
        )
    )
    assert error.code == "invalid_marks"
    assert error.details == [
        {
            "loc": [code_of(first)],
            "msg": gettext("This sheet has %(count)s tests: “%(field)s” is not one of its columns.")
            % {"count": 2, "field": "test_3"},
        }
    ]
    assert row_of(sheet, first).test_1 is None


def test_a_field_that_is_not_a_mark_is_refused(cast, world, sheet):
    first = world.enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[RowChange(first.pk, 1, {"version": "9"})],
        )
    )
    assert error.code == "invalid_marks"
    assert row_of(sheet, first).version == 1


def test_a_pupil_twice_in_one_save_is_refused(cast, world, sheet):
    first = world.enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(first.pk, 1, {"test_1": "12"}),
                RowChange(first.pk, 1, {"test_1": "13"}),
            ],
        )
    )
    assert error.code == "duplicate_row"
    assert error.message == gettext("A pupil appears twice in what was sent.")
    assert row_of(sheet, first).test_1 is None


def test_a_stale_version_refuses_the_whole_save_with_the_current_marks(cast, world, sheet):
    first, second = world.enrolments[:2]
    marks.marks_save(
        actor=cast.staff_a1,
        sheet=sheet,
        changes=[RowChange(first.pk, 1, {"test_1": "9,5", "test_2": "ABS"})],
    )
    with pytest.raises(StaleMarks) as caught:
        marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(first.pk, 1, {"test_1": "11"}),
                RowChange(second.pk, 1, {"test_1": "13"}),
            ],
        )
    error = caught.value
    assert error.status == 409
    assert error.code == "conflict"
    assert error.details == [
        {
            "loc": [code_of(first)],
            "msg": str(StaleMarks.default_message),
            "enrolment_id": first.pk,
            "version": 2,
            "test_1": "9.50",
            "test_2": "ABS",
            "test_3": None,
            "test_4": None,
            "activities": None,
        }
    ]
    # The other person's marks stay, and the fresh row of the same save was not written either.
    assert row_of(sheet, first).test_1 == Decimal("9.50")
    assert row_of(sheet, second).test_1 is None
    assert row_of(sheet, second).version == 1


def test_saving_again_from_the_current_version_keeps_the_editor_s_marks(cast, world, sheet):
    first = world.enrolments[0]
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "9"})]
    )
    with pytest.raises(StaleMarks):
        marks.marks_save(
            actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_2": "11"})]
        )
    marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 2, {"test_2": "11"})]
    )
    row = row_of(sheet, first)
    assert (row.test_1, row.test_2, row.version) == (Decimal("9.00"), Decimal("11.00"), 3)


def test_bad_marks_are_reported_before_a_stale_version(cast, world, sheet):
    first, second = world.enrolments[:2]
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "9"})]
    )
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[
                RowChange(first.pk, 1, {"test_1": "11"}),
                RowChange(second.pk, 1, {"test_1": "99"}),
            ],
        )
    )
    assert error.code == "invalid_marks"
    assert [item["loc"] for item in error.details] == [[code_of(second), "test_1"]]


def test_a_save_after_the_director_validated_is_refused(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    marks.sheet_validate(actor=cast.director_a1, sheet=sheet)
    first = world.enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "19"})]
        )
    )
    assert error.code == "locked"
    assert error.message == gettext(
        "This sheet was validated and locked by the director: ask for a change instead."
    )
    assert row_of(sheet, first).test_1 == Decimal("10.00")


def test_a_save_outside_the_entry_window_is_refused_naming_the_window(cast, world, sheet):
    first = world.enrolments[0]
    window_closes = timezone.localdate() + timedelta(days=30)
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1,
            sheet=sheet,
            changes=[RowChange(first.pk, 1, {"test_1": "12"})],
            on=window_closes + timedelta(days=1),
        )
    )
    assert error.code == "entry_closed"
    assert "%(semester)s" not in str(error.message)
    assert row_of(sheet, first).test_1 is None


def test_the_national_window_applies_when_the_school_has_none(cast):
    world = class_world(cast, pupils=2)  # no window of the school's own
    sheet = marks.sheet_open(
        actor=cast.teacher_a1,
        school_class=world.school_class,
        subject=world.subjects["MATH"],
        semester=1,
    )
    first = world.enrolments[0]
    error = refusal(
        lambda: marks.marks_save(
            actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "12"})]
        )
    )
    assert error.code == "entry_closed"
    # Inside the national window of 2025/2026 (8 September 2025 to 7 February 2026) it saves.
    marks.marks_save(
        actor=cast.teacher_a1,
        sheet=sheet,
        changes=[RowChange(first.pk, 1, {"test_1": "12"})],
        on=date(2025, 10, 1),
    )
    assert row_of(sheet, first).test_1 == Decimal("12.00")


def test_the_school_s_staff_and_director_save_marks(cast, world, sheet):
    first, second = world.enrolments[:2]
    marks.marks_save(
        actor=cast.staff_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "8"})]
    )
    marks.marks_save(
        actor=cast.director_a1, sheet=sheet, changes=[RowChange(second.pk, 1, {"test_1": "9"})]
    )
    assert row_of(sheet, first).updated_by == cast.staff_a1
    assert row_of(sheet, second).updated_by == cast.director_a1


@pytest.mark.parametrize(
    "member",
    [
        "director_a2",
        "academy_officer_a",
        "directorate_officer_a1",
        "national_admin",
        "outsider",
        "student_a1",
        "parent_a1",
    ],
)
def test_others_cannot_save_marks(cast, world, sheet, member):
    first = world.enrolments[0]
    with pytest.raises(NotFound):
        marks.marks_save(
            actor=getattr(cast, member),
            sheet=sheet,
            changes=[RowChange(first.pk, 1, {"test_1": "12"})],
        )
    assert row_of(sheet, first).test_1 is None


def test_the_teacher_of_another_subject_of_the_class_cannot_save_marks(cast, world, sheet):
    physics = teacher_of_subject(cast, world, "PC")
    first = world.enrolments[0]
    with pytest.raises(NotFound):
        marks.marks_save(
            actor=physics, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_1": "12"})]
        )
    assert row_of(sheet, first).test_1 is None


@given(
    value=st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False)
)
def test_a_mark_written_with_a_decimal_comma_reads_back_as_itself(value):
    """What the sheet page shows ("12,50") is what it reads back when the form is sent."""
    typed = f"{value:.2f}".replace(".", ",")
    assert parse_mark(typed, scale=20) == Cell(value=value.quantize(Decimal("0.01")))


# --- the number of tests ----------------------------------------------------------------------


def test_the_number_of_tests_changes_within_the_rule(cast, world, sheet):
    marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=4)
    sheet.refresh_from_db()
    assert sheet.test_count == 4
    first = world.enrolments[0]
    marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_4": "16"})]
    )
    assert row_of(sheet, first).test_4 == Decimal("16.00")
    assert [h.test_count for h in sheet.history.all()] == [4, 2]


@pytest.mark.parametrize("count", [0, 5])
def test_a_number_of_tests_outside_the_rule_is_refused(cast, world, sheet, count):
    error = refusal(
        lambda: marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=count)
    )
    assert error.code == "test_count"
    assert error.message == gettext("The number of tests is between 1 and %(max)s.") % {"max": 4}
    sheet.refresh_from_db()
    assert sheet.test_count == 2


@pytest.mark.parametrize("typed", ["12", "ABS"])
def test_a_column_with_marks_or_absences_is_not_removed(cast, world, sheet, typed):
    marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=3)
    first = world.enrolments[0]
    marks.marks_save(
        actor=cast.teacher_a1, sheet=sheet, changes=[RowChange(first.pk, 1, {"test_3": typed})]
    )
    error = refusal(
        lambda: marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=2)
    )
    assert error.code == "column_in_use"
    assert error.message == gettext(
        "Test %(number)s already has marks: clear them before removing the column."
    ) % {"number": 3}
    sheet.refresh_from_db()
    assert sheet.test_count == 3


def test_an_empty_column_is_removed(cast, world, sheet):
    marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=3)
    marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=1)
    sheet.refresh_from_db()
    assert sheet.test_count == 1


def test_the_number_of_tests_of_a_locked_sheet_does_not_change(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    marks.sheet_validate(actor=cast.director_a1, sheet=sheet)
    error = refusal(
        lambda: marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=3)
    )
    assert error.code == "locked"


@pytest.mark.parametrize("member", ["director_a2", "academy_officer_a", "outsider"])
def test_others_cannot_change_the_number_of_tests(cast, world, sheet, member):
    with pytest.raises(NotFound):
        marks.sheet_set_test_count(actor=getattr(cast, member), sheet=sheet, test_count=3)
    sheet.refresh_from_db()
    assert sheet.test_count == 2


def test_the_teacher_of_another_subject_cannot_change_the_number_of_tests(cast, world, sheet):
    physics = teacher_of_subject(cast, world, "PC")
    with pytest.raises(NotFound):
        marks.sheet_set_test_count(actor=physics, sheet=sheet, test_count=3)


# --- validation by the director ---------------------------------------------------------------


def test_the_director_validates_a_full_sheet_which_locks_it(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, "ABS", 0) for e in world.enrolments})
    assert marks.empty_cells(sheet) == 0
    validated = marks.sheet_validate(actor=cast.director_a1, sheet=sheet)
    assert validated.status == SheetStatus.VALIDATED
    assert validated.validated_by == cast.director_a1
    assert validated.validated_at is not None
    sheet.refresh_from_db()
    assert sheet.is_locked
    assert sheet.history.first().status == SheetStatus.VALIDATED
    # Validating again changes nothing.
    again = marks.sheet_validate(actor=cast.director_a1, sheet=sheet)
    assert again.validated_at == validated.validated_at


def test_empty_cells_are_counted_and_refuse_the_validation(cast, world, sheet):
    first, second, *rest = world.enrolments
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in rest})
    fill_sheet(sheet, {first.pk: (None, "ABS", None), second.pk: (14, None, 9)})
    assert marks.empty_cells(sheet) == 3
    error = refusal(lambda: marks.sheet_validate(actor=cast.director_a1, sheet=sheet))
    assert error.code == "incomplete"
    assert error.message == gettext(
        "%(count)s cells are empty: enter a mark or mark the pupil absent before validating."
    ) % {"count": 3}
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN


def test_empty_cells_count_only_the_sheet_s_columns_and_current_pupils(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    assert marks.empty_cells(sheet) == 0
    sheet = marks.sheet_set_test_count(actor=cast.teacher_a1, sheet=sheet, test_count=3)
    assert marks.empty_cells(sheet) == 4
    ClassPlacement.objects.filter(enrolment=world.enrolments[0]).delete()
    assert marks.empty_cells(sheet) == 3


@pytest.mark.parametrize("member", ["staff_a1", "teacher_a1"])
def test_only_the_director_validates(cast, world, sheet, member):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    with pytest.raises(PermissionDenied) as caught:
        marks.sheet_validate(actor=getattr(cast, member), sheet=sheet)
    assert caught.value.message == gettext("Only the director validates mark sheets.")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN


@pytest.mark.parametrize(
    "member", ["director_a2", "academy_officer_a", "outsider", "student_a1", "parent_a1"]
)
def test_others_cannot_validate(cast, world, sheet, member):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    with pytest.raises((NotFound, PermissionDenied)) as caught:
        marks.sheet_validate(actor=getattr(cast, member), sheet=sheet)
    # Someone who cannot see the school learns nothing; an officer who reads it is told no.
    expected = PermissionDenied if member == "academy_officer_a" else NotFound
    assert type(caught.value) is expected
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN


# --- change requests on a locked sheet --------------------------------------------------------


@pytest.fixture
def locked(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    return marks.sheet_validate(actor=cast.director_a1, sheet=sheet)


def ask(cast, sheet, enrolment, *, field="test_1", raw="14,5", reason="Copie mal reportée"):
    return marks.change_request_create(
        actor=cast.teacher_a1,
        sheet=sheet,
        enrolment_id=enrolment.pk,
        field_name=field,
        raw=raw,
        reason=reason,
    )


def test_a_teacher_asks_for_a_correction_of_a_locked_mark(cast, world, locked):
    first = world.enrolments[0]
    request = ask(cast, locked, first)
    assert request.status == ChangeRequestStatus.PENDING
    assert request.establishment == cast.school_a1
    assert (request.old_value, request.old_absent) == (Decimal("10.00"), False)
    assert (request.new_value, request.new_absent) == (Decimal("14.50"), False)
    assert request.reason == "Copie mal reportée"
    assert request.requested_by == cast.teacher_a1
    # Nothing changes until the director decides.
    assert row_of(locked, first).test_1 == Decimal("10.00")


def test_the_director_approves_a_correction_which_changes_the_mark_with_history(
    cast, world, locked
):
    first = world.enrolments[0]
    request = ask(cast, locked, first, field="test_2", raw="ABS", reason="Absent ce jour-là")
    before = row_of(locked, first).version
    decided = marks.change_request_decide(
        actor=cast.director_a1, request=request, approve=True, note="Vu le registre"
    )
    assert decided.status == ChangeRequestStatus.APPROVED
    assert decided.decided_by == cast.director_a1
    assert decided.decided_at is not None
    assert decided.decision_note == "Vu le registre"
    row = row_of(locked, first)
    assert (row.test_2, row.absent_2) == (None, True)
    assert row.version == before + 1
    assert row.updated_by == cast.director_a1
    latest = row.history.first()
    assert (latest.absent_2, latest.history_change_reason) == (True, "Absent ce jour-là")
    locked.refresh_from_db()
    assert locked.is_locked


def test_an_approved_correction_s_history_names_the_director(cast, world, locked):
    request = ask(cast, locked, world.enrolments[0])
    marks.change_request_decide(actor=cast.director_a1, request=request, approve=True)
    assert row_of(locked, world.enrolments[0]).history.first().history_user == cast.director_a1


def test_the_director_refuses_a_correction_which_leaves_the_mark(cast, world, locked):
    first = world.enrolments[0]
    request = ask(cast, locked, first)
    decided = marks.change_request_decide(
        actor=cast.director_a1, request=request, approve=False, note="  Pas justifié  "
    )
    assert decided.status == ChangeRequestStatus.REFUSED
    assert decided.decision_note == "Pas justifié"
    row = row_of(locked, first)
    assert (row.test_1, row.version) == (Decimal("10.00"), 1)
    assert row.history.count() == 1  # the direct fill only
    # Once decided, a new request for the same mark may be made.
    assert ask(cast, locked, first, raw="13").status == ChangeRequestStatus.PENDING


def test_a_request_is_decided_once(cast, world, locked):
    request = ask(cast, locked, world.enrolments[0])
    marks.change_request_decide(actor=cast.director_a1, request=request, approve=False)
    error = refusal(
        lambda: marks.change_request_decide(actor=cast.director_a1, request=request, approve=True)
    )
    assert error.code == "decided"
    assert error.message == gettext("This request was already decided.")
    assert row_of(locked, world.enrolments[0]).test_1 == Decimal("10.00")


@pytest.mark.parametrize("member", ["staff_a1", "teacher_a1", "director_a2", "outsider"])
def test_only_the_director_decides_a_request(cast, world, locked, member):
    request = ask(cast, locked, world.enrolments[0])
    with pytest.raises(NotFound):
        marks.change_request_decide(actor=getattr(cast, member), request=request, approve=True)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING
    assert row_of(locked, world.enrolments[0]).test_1 == Decimal("10.00")


@pytest.mark.parametrize(
    ("changes", "code", "message", "params"),
    [
        ({"reason": "  "}, "reason", "Give the reason for the correction.", {}),
        ({"raw": "10"}, "same", "The corrected mark is the same as the mark.", {}),
        ({"raw": "10,00"}, "same", "The corrected mark is the same as the mark.", {}),
        ({"raw": "21"}, "out_of_range", "A mark is between 0 and %(scale)s.", {"scale": 20}),
        ({"raw": "12,345"}, "too_many_decimals", "A mark has at most two decimals.", {}),
        ({"field": "appreciation"}, "unknown_column", "Choose the mark to correct.", {}),
        (
            {"field": "test_3"},
            "unknown_column",
            "This sheet has %(count)s tests: “%(field)s” is not one of its columns.",
            {"count": 2, "field": "test_3"},
        ),
    ],
)
def test_a_bad_request_is_refused(cast, world, locked, changes, code, message, params):
    error = refusal(lambda: ask(cast, locked, world.enrolments[0], **changes))
    assert error.code == code
    assert error.message == (gettext(message) % params if params else gettext(message))
    assert not ChangeRequest.objects.exists()


def test_a_second_pending_request_for_the_same_mark_is_refused(cast, world, locked):
    ask(cast, locked, world.enrolments[0])
    error = refusal(lambda: ask(cast, locked, world.enrolments[0], raw="15"))
    assert error.code == "pending"
    assert ChangeRequest.objects.count() == 1
    # Another mark of the same pupil may be corrected meanwhile.
    ask(cast, locked, world.enrolments[0], field="activities", raw="13")
    assert ChangeRequest.objects.count() == 2


def test_a_request_for_a_pupil_of_another_class_is_refused(cast, world, locked):
    stranger = other_world(cast).enrolments[0]
    error = refusal(lambda: ask(cast, locked, stranger))
    assert error.code == "unknown_pupil"
    assert not ChangeRequest.objects.exists()


def test_an_open_sheet_is_corrected_directly_not_by_request(cast, world, sheet):
    fill_sheet(sheet, {e.pk: (10, 11, 12) for e in world.enrolments})
    error = refusal(lambda: ask(cast, sheet, world.enrolments[0]))
    assert error.code == "not_locked"
    assert error.message == gettext("This sheet is still open: correct the mark directly.")


@pytest.mark.parametrize("member", ["director_a2", "academy_officer_a", "outsider", "parent_a1"])
def test_others_cannot_ask_for_a_correction(cast, world, locked, member):
    with pytest.raises(NotFound):
        marks.change_request_create(
            actor=getattr(cast, member),
            sheet=locked,
            enrolment_id=world.enrolments[0].pk,
            field_name="test_1",
            raw="14",
            reason="x",
        )
    assert not ChangeRequest.objects.exists()


def test_the_teacher_of_another_subject_cannot_ask_for_a_correction(cast, world, locked):
    physics = teacher_of_subject(cast, world, "PC")
    with pytest.raises(NotFound):
        marks.change_request_create(
            actor=physics,
            sheet=locked,
            enrolment_id=world.enrolments[0].pk,
            field_name="test_1",
            raw="14",
            reason="x",
        )


def test_a_correction_to_an_empty_cell_is_refused(cast, world, locked):
    """A validated sheet has no empty cell; a correction must not make one."""
    with pytest.raises(ValidationFailed):
        ask(cast, locked, world.enrolments[0], raw="")
    assert not ChangeRequest.objects.exists()
