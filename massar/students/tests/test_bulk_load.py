"""The COPY loader of the national load (``massar.students.bulk``) on PostgreSQL: the binary rows
are those the ORM would write, the rebuild of indexes and constraints keeps every check and the
all-or-nothing, and the name-search indexes can be built after the commit."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.db import DataError, IntegrityError, connection, transaction

from massar.curriculum.models import Level, Stream
from massar.students.bulk import (
    HISTORY_REASON,
    SEARCH_INDEXES,
    BulkPupil,
    copy_pupils,
    rebuild_search_indexes,
)
from massar.students.duplicates import set_name_keys
from massar.students.models import Enrolment, Student
from massar.students.services import student_register
from massar.students.tests.factories import current_year, placement, student_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's bulk path"),
]
TABLES = [
    "students_student",
    "students_historicalstudent",
    "students_enrolment",
    "students_historicalenrolment",
]


def pupils(cast, count: int, **change) -> list[BulkPupil]:
    level = Level.objects.get(code="TC")
    stream = Stream.objects.get(code="TCS")
    return [
        BulkPupil(
            **{
                "code_massar": f"C{index:09d}",
                "establishment_id": cast.school_a1.pk,
                "first_name_ar": "يوسف",
                "last_name_ar": "العلوي",
                "first_name_fr": "Youssef",
                "last_name_fr": f"Alaoui{'y' * index}",
                "sex": "M",
                "birth_date": date(2009, 5, 1) + timedelta(days=index),
                "level_id": level.pk,
                "stream_id": stream.pk,
                "class_label": f"TCS-{index % 3 + 1}",
                **change,
            }
        )
        for index in range(count)
    ]


def structures() -> dict[str, str]:
    """Every index and constraint of the loaded tables, by name: what the rebuild must restore."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[])",
            [TABLES],
        )
        found = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[])",
            [TABLES],
        )
        found.update(cursor.fetchall())
    # A partial index's condition comes back from its definition printed differently (the same
    # test: the status among the active ones); keep what it says.
    partial = found["enrolment_one_active_per_year"]
    head, condition = partial.split(" WHERE ")
    found["enrolment_one_active_per_year"] = (
        head,
        "(status)::text = ANY" in condition,
        [word for word in ("'pre_registered'", "'registered'") if word in condition],
    )
    return found


def test_the_rows_are_those_the_orm_writes(cast):
    year = current_year()
    copy_pupils(
        pupils(cast, 2),
        school_year=year,
        history_user=cast.national_admin,
        entered_on=year.starts_on,
    )
    loaded = Student.objects.get(code_massar="C000000001")
    ordinary = Student()  # the ORM's defaults for everything the load does not give
    skipped = {"id", "code_massar", "public_id", "created_at", "updated_at", "birth_date"}
    skipped |= {"first_name_ar", "last_name_ar", "first_name_fr", "last_name_fr", "sex"}
    skipped |= {"name_key_ar", "name_key_latin", "search_name", "establishment_id"}
    defaults = {
        field.attname: getattr(loaded, field.attname)
        for field in Student._meta.concrete_fields
        if field.attname not in skipped
    }
    assert defaults == {
        field.attname: getattr(ordinary, field.attname)
        for field in Student._meta.concrete_fields
        if field.attname not in skipped
    }
    assert defaults["nationality"] == "MA"
    assert (loaded.sex, loaded.birth_date, loaded.establishment_id) == (
        "M",
        date(2009, 5, 2),
        cast.school_a1.pk,
    )
    expected = Student(first_name_ar="يوسف", last_name_ar="العلوي")
    expected.first_name_fr, expected.last_name_fr = "Youssef", "Alaouiy"
    set_name_keys(expected)
    assert (loaded.name_key_ar, loaded.name_key_latin, loaded.search_name) == (
        expected.name_key_ar,
        expected.name_key_latin,
        expected.search_name,
    )
    public_ids = set(Student.objects.filter(code_massar__startswith="C").values_list("public_id"))
    assert len(public_ids) == 2
    assert loaded.public_id.version == 4
    assert loaded.public_id.variant == uuid.RFC_4122
    assert loaded.created_at == loaded.updated_at
    record = loaded.history.get()
    assert (
        record.history_type,
        record.history_change_reason,
        record.history_user,
        record.history_date,
        record.created_at,
        record.public_id,
        record.first_name_fr,
        record.nationality,
    ) == (
        "+",
        HISTORY_REASON,
        cast.national_admin,
        loaded.created_at,
        loaded.created_at,
        loaded.public_id,
        "Youssef",
        "MA",
    )
    enrolment = loaded.enrolments.get()
    assert (
        enrolment.school_year,
        enrolment.establishment_id,
        enrolment.class_label,
        enrolment.status,
        enrolment.kind,
        enrolment.is_repeating,
        enrolment.entered_on,
        enrolment.left_on,
        enrolment.decision,
        enrolment.annual_average,
    ) == (
        year,
        cast.school_a1.pk,
        "TCS-2",
        "registered",
        "continuing",
        False,
        year.starts_on,
        None,
        "",
        None,
    )
    enrolment_record = enrolment.history.get()
    assert (
        enrolment_record.history_type,
        enrolment_record.student_id,
        enrolment_record.class_label,
        enrolment_record.history_user,
    ) == ("+", loaded.pk, "TCS-2", cast.national_admin)


def test_keys_are_still_right_when_the_sequence_is_not_contiguous(cast):
    # As when another session takes keys meanwhile: the keys handed out are listed one by one.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER SEQUENCE students_student_id_seq INCREMENT BY 3; "
            "ALTER SEQUENCE students_enrolment_id_seq INCREMENT BY 2"
        )
    assert copy_pupils(pupils(cast, 4), school_year=current_year()) == 4
    students = list(Student.objects.filter(code_massar__startswith="C").order_by("code_massar"))
    assert [b.pk - a.pk for a, b in pairwise(students)] == [3, 3, 3]
    for student in students:
        assert student.enrolments.get().student_id == student.pk
        assert student.history.get().id == student.pk
    assert Enrolment.history.filter(student_id__in=[s.pk for s in students]).count() == 4


def test_a_rebuilt_load_puts_every_index_and_constraint_back(cast):
    before = structures()
    timings: dict[str, float] = {}
    loaded = copy_pupils(
        pupils(cast, 3), school_year=current_year(), rebuild_indexes=True, timings=timings
    )
    assert loaded == 3
    assert structures() == before
    assert set(timings) == {"detach", "rows", "rebuild", "foreign keys"}
    assert Student.objects.filter(code_massar__startswith="C").count() == 3
    # The rebuilt partial unique index still refuses a second active enrolment of the year.
    enrolment = Enrolment.objects.get(student__code_massar="C000000001")
    enrolment.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_massar": "D166027860"}, IntegrityError),  # the rebuilt unique constraint refuses
        ({"stream_id": 999_999}, IntegrityError),  # the re-added foreign key refuses
        ({"first_name_fr": "x" * 101}, DataError),  # longer than the column
        ({"code_massar": "C12345678٣"}, ValueError),  # an Arabic-Indic digit is not a digit 0-9
        ({"code_massar": "C000000000\n"}, ValueError),
    ],
)
def test_a_rebuilt_load_writes_nothing_when_a_row_is_wrong(cast, change, error):
    student_register(
        actor=cast.director_a2,
        data=student_data(),
        placement=placement(cast.school_a2, "3AC"),
        code_massar="D166027860",
    )
    before = structures()
    rows = pupils(cast, 5)
    rows[3] = pupils(cast, 4, **change)[3]
    with pytest.raises(error):
        copy_pupils(rows, school_year=current_year(), chunk_size=2, rebuild_indexes=True)
    assert list(Student.objects.values_list("code_massar", flat=True)) == ["D166027860"]
    assert Enrolment.objects.count() == 1
    assert Student.history.count() == 1
    assert structures() == before


def test_search_indexes_are_built_after_a_deferred_load(cast):
    before = structures()
    copy_pupils(
        pupils(cast, 3),
        school_year=current_year(),
        rebuild_indexes=True,
        defer_search_indexes=True,
    )
    after = structures()
    assert set(before) - set(after) == set(SEARCH_INDEXES)
    assert {name: after[name] for name in after} == {name: before[name] for name in after}
    # Inside the test's transaction, hence not concurrently (the default needs autocommit).
    assert rebuild_search_indexes(concurrently=False) == list(SEARCH_INDEXES)
    assert structures() == before
    assert rebuild_search_indexes(concurrently=False) == []


def test_an_invalid_search_index_is_built_again(cast):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false "
            "WHERE indexrelid = 'student_search_trgm_idx'::regclass"
        )
    assert rebuild_search_indexes(concurrently=False) == ["student_search_trgm_idx"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'student_search_trgm_idx'::regclass"
        )
        assert cursor.fetchone() == (True,)


def test_search_indexes_are_built_concurrently_only_outside_a_transaction(cast):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        rebuild_search_indexes()


def test_deferring_the_search_indexes_needs_the_rebuild(cast):
    with pytest.raises(ValueError, match="rebuild_indexes"):
        copy_pupils(pupils(cast, 1), school_year=current_year(), defer_search_indexes=True)
    assert not Student.objects.filter(code_massar__startswith="C").exists()
