"""Registration of new pupils: the file, its code Massar, guardians, enrolment, and the checks."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from massar.core.errors import NotFound, PermissionDenied, ValidationFailed
from massar.students.access import access_student_by_code
from massar.students.models import CodeSeries, DuplicateConfirmation, Enrolment, FileRead, Student
from massar.students.services import (
    LikelyDuplicate,
    enrolment_register,
    student_merge,
    student_register,
)
from massar.students.tests.factories import placement, register, student_data

pytestmark = pytest.mark.django_db


def test_a_director_registers_a_new_pupil_with_a_new_code(cast):
    series = CodeSeries.objects.get(is_active=True)
    first_number = series.next_number

    student = register(cast.director_a1, cast.school_a1, class_label="TCS-1")

    assert student.code_massar == f"{series.letter}{first_number:09d}"
    assert student.establishment == cast.school_a1
    enrolment = student.enrolments.get()
    assert (enrolment.level.code, enrolment.status, enrolment.kind) == ("TC", "registered", "new")
    assert enrolment.class_label == "TCS-1"
    guardian = student.guardians.get()
    assert (guardian.relationship, guardian.cin, guardian.is_contact) == (
        "father",
        "AB123456",
        True,
    )
    series.refresh_from_db()
    assert series.next_number == first_number + 1
    assert student.history.count() == 1


def test_codes_are_never_handed_out_twice(cast):
    first = register(cast.director_a1, cast.school_a1)
    second = register(
        cast.director_a1, cast.school_a1, first_name_ar="سلمى", first_name_fr="Salma", sex="F"
    )
    assert first.code_massar != second.code_massar


def test_an_imported_code_is_kept_and_cannot_be_taken_twice(cast):
    student = student_register(
        actor=cast.director_a1,
        data=student_data(),
        placement=placement(cast.school_a1, "TC"),
        code_massar="d166027860",
    )
    assert student.code_massar == "D166027860"
    with pytest.raises(ValidationFailed) as error:
        student_register(
            actor=cast.director_a1,
            data=student_data(
                first_name_fr="Omar", first_name_ar="عمر", birth_date=date(2010, 1, 2)
            ),
            placement=placement(cast.school_a1, "TC"),
            code_massar="D166027860",
        )
    assert error.value.code == "code_taken"


@pytest.mark.parametrize("code", ["D16602786", "d1660278600", "11660278601", "DD66027860"])
def test_a_malformed_code_is_refused(cast, code):
    with pytest.raises(ValidationFailed) as error:
        student_register(
            actor=cast.director_a1,
            data=student_data(),
            placement=placement(cast.school_a1, "TC"),
            code_massar=code,
        )
    assert error.value.code == "code_format"
    assert not Student.objects.exists()


def test_a_birth_date_in_the_future_is_refused_and_nothing_is_written(cast):
    with pytest.raises(ValidationFailed) as error:
        register(cast.director_a1, cast.school_a1, birth_date=timezone.localdate() + timedelta(1))
    assert error.value.code == "birth_date_future"
    assert not Student.objects.exists()
    assert not Enrolment.objects.exists()


def test_an_age_outside_the_level_range_is_refused(cast):
    with pytest.raises(ValidationFailed) as error:
        register(cast.director_a1, cast.school_a1, birth_date=date(2018, 5, 1))  # 7 years old
    assert error.value.code == "age_out_of_range"
    assert "14" in str(error.value.message)


def test_a_level_the_school_does_not_teach_is_refused(cast):
    with pytest.raises(ValidationFailed) as error:
        register(cast.director_a1, cast.school_a1, level_code="1AP", birth_date=date(2019, 6, 1))
    assert error.value.code == "level_not_taught"


def test_a_second_enrolment_in_the_same_year_is_refused(cast):
    student = register(cast.director_a1, cast.school_a1)
    with pytest.raises(ValidationFailed) as error:
        enrolment_register(
            actor=cast.director_a1, student=student, placement=placement(cast.school_a1, "1BAC")
        )
    assert error.value.code == "already_enrolled"
    assert student.enrolments.count() == 1


def test_a_likely_duplicate_blocks_creation_whatever_the_spelling(cast):
    register(cast.director_a1, cast.school_a1)
    with pytest.raises(LikelyDuplicate) as error:
        register(
            cast.director_a2,
            cast.school_a2,
            level_code="3AC",
            first_name_ar="يُوسُف",  # diacritics
            last_name_ar="العلوى",  # alef maqsura
            first_name_fr="Yusuf",
            last_name_fr="El Alaoui",
            guardians=[],
        )
    assert len(error.value.details) == 1
    assert Student.objects.count() == 1


def test_the_same_guardian_cin_and_first_name_is_a_likely_duplicate(cast):
    register(cast.director_a1, cast.school_a1)
    with pytest.raises(LikelyDuplicate):
        register(
            cast.director_a1,
            cast.school_a1,
            last_name_ar="بناني",
            last_name_fr="Bennani",  # a different family name, the same father and birth date
        )


def test_the_confirmation_is_kept_with_its_reason(cast):
    original = register(cast.director_a1, cast.school_a1)
    twin = student_register(
        actor=cast.director_a1,
        data=student_data(),
        placement=placement(cast.school_a1, "TC"),
        duplicate_reason="Twin brothers with the same name, birth certificates checked",
    )
    confirmation = DuplicateConfirmation.objects.get(student=twin)
    assert confirmation.candidate_codes == [original.code_massar]
    assert confirmation.confirmed_by == cast.director_a1


def test_staff_cannot_confirm_a_likely_duplicate(cast):
    register(cast.director_a1, cast.school_a1)
    with pytest.raises(PermissionDenied):
        student_register(
            actor=cast.staff_a1,
            data=student_data(),
            placement=placement(cast.school_a1, "TC"),
            duplicate_reason="I am sure",
        )
    assert Student.objects.count() == 1


@pytest.mark.parametrize("member", ["teacher_a1", "parent_a1", "director_a2", "outsider"])
def test_only_the_school_registers_its_pupils(cast, member):
    with pytest.raises(PermissionDenied):
        register(getattr(cast, member), cast.school_a1)
    assert not Student.objects.exists()


READERS = [
    "national_admin",
    "academy_officer_a",
    "directorate_officer_a1",
    "director_a1",
    "staff_a1",
]
NOT_READERS = [
    "academy_officer_b",
    "directorate_officer_b1",
    "director_a2",
    "director_b1",
    "teacher_a1",
    "parent_a1",
    "student_a1",
    "outsider",
]


@pytest.mark.parametrize("member", READERS)
def test_the_file_is_read_within_scope_and_the_read_is_logged(cast, member):
    student = register(cast.director_a1, cast.school_a1)
    found = access_student_by_code(
        actor=getattr(cast, member), code=student.code_massar.lower(), log_read=True
    )
    assert found == student
    assert FileRead.objects.filter(student=student, user=getattr(cast, member)).count() == 1


@pytest.mark.parametrize("member", NOT_READERS)
def test_the_file_is_not_found_outside_scope(cast, member):
    student = register(cast.director_a1, cast.school_a1)
    with pytest.raises(NotFound):
        access_student_by_code(actor=getattr(cast, member), code=student.code_massar)
    with pytest.raises(NotFound):
        access_student_by_code(actor=getattr(cast, member), code="Z999999999")


def test_a_directorate_officer_merges_duplicates_and_the_old_code_resolves(cast):
    survivor = register(cast.director_a1, cast.school_a1)
    retired = student_register(
        actor=cast.director_a1,
        data=student_data(first_name_fr="Youssef", last_name_fr="Alaoui"),
        placement=placement(cast.school_a1, "TC", class_label="TCS-2"),
        duplicate_reason="Parents say it is another child",
    )
    retired.enrolments.update(status="left", left_on=timezone.localdate())
    student_merge(
        actor=cast.directorate_officer_a1,
        survivor=survivor,
        retired=retired,
        reason="Same child, registered twice",
    )
    assert access_student_by_code(actor=cast.director_a1, code=retired.code_massar) == survivor
    assert survivor.enrolments.count() == 2
    assert Student.objects.filter(merged_into=survivor).get() == retired


def test_merging_two_files_enrolled_the_same_year_is_refused(cast):
    survivor = register(cast.director_a1, cast.school_a1)
    retired = student_register(
        actor=cast.director_a1,
        data=student_data(),
        placement=placement(cast.school_a1, "TC"),
        duplicate_reason="checked",
    )
    with pytest.raises(ValidationFailed) as error:
        student_merge(
            actor=cast.national_admin, survivor=survivor, retired=retired, reason="same child"
        )
    assert error.value.code == "merge_year_clash"
    retired.refresh_from_db()
    assert retired.merged_into is None


def test_a_director_cannot_merge(cast):
    survivor = register(cast.director_a1, cast.school_a1)
    with pytest.raises(PermissionDenied):
        student_merge(actor=cast.director_a1, survivor=survivor, retired=survivor, reason="x")
