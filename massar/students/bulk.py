"""The national bulk load of pupils on PostgreSQL: files, enrolments and their history by COPY.

Loading the country's ~8 million pupils (from the national system, with their codes Massar) row
by row or even by ``bulk_create`` is too slow; ``COPY … FROM STDIN`` (psycopg 3
``cursor.copy``) streams rows in the server's own format. Keys are reserved from the tables'
sequences first (one ``nextval`` per row in a single statement), so the enrolments and the
history rows can name their file without reading anything back.

What the ORM would do is kept: name keys and search text by ``duplicates.set_name_keys`` (the
same function as every other write, so duplicate detection and search find loaded pupils), a new
``public_id`` per file, one "created" history row per file and per enrolment. Input is checked
first (code format, sex, codes twice in the input); the database's constraints check the rest
(a code already in the table, foreign keys) and any failure rolls the whole load back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from .codes import is_valid_code
from .duplicates import set_name_keys
from .models import Enrolment, EnrolmentKind, EnrolmentStatus, Sex, Student

CHUNK_SIZE = 50_000
HISTORY_REASON = "bulk load"


@dataclass(frozen=True, slots=True)
class BulkPupil:
    """One pupil of the national load: the file and its enrolment of the year."""

    code_massar: str
    establishment_id: int
    first_name_ar: str
    last_name_ar: str
    first_name_fr: str
    last_name_fr: str
    sex: str
    birth_date: date
    level_id: int
    stream_id: int
    class_label: str = ""


class _Names:
    """What ``set_name_keys`` reads and writes, without building a model instance."""

    __slots__ = (
        "first_name_ar",
        "first_name_fr",
        "last_name_ar",
        "last_name_fr",
        "name_key_ar",
        "name_key_latin",
        "search_name",
    )

    def __init__(self, pupil: BulkPupil):
        self.first_name_ar = pupil.first_name_ar
        self.last_name_ar = pupil.last_name_ar
        self.first_name_fr = pupil.first_name_fr
        self.last_name_fr = pupil.last_name_fr


class _Table:
    """The COPY statement of a model's table and the constant part of its rows."""

    def __init__(self, model, per_row: set[str], *, skip: frozenset[str] = frozenset()):
        fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.attnames = [f.attname for f in fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        self.constants = {}
        for field in fields:
            if field.attname in per_row:
                continue
            if field.unique or field.primary_key:
                raise RuntimeError(f"{model.__name__}.{field.name} must be given per row")
            if field.default is NOT_PROVIDED and not field.null and not field.blank:
                raise RuntimeError(f"{model.__name__}.{field.name} has no value")
            self.constants[field.attname] = (
                field.get_default() if field.has_default() else (None if field.null else "")
            )

    def row(self, values: dict) -> tuple:
        return tuple(values[name] for name in self.attnames)


def _chunks(items: Iterable[BulkPupil], size: int) -> Iterator[list[BulkPupil]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _reserve_ids(cursor, model, count: int) -> list[int]:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
    sequence = cursor.fetchone()[0]
    cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _check(pupils: list[BulkPupil], seen: set[str]) -> None:
    for pupil in pupils:
        if not is_valid_code(pupil.code_massar):
            raise ValueError(f"malformed code Massar: {pupil.code_massar!r}")
        if pupil.code_massar in seen:
            raise ValueError(f"code Massar given twice: {pupil.code_massar}")
        if pupil.sex not in Sex.values:
            raise ValueError(f"sex must be M or F, not {pupil.sex!r} ({pupil.code_massar})")
        seen.add(pupil.code_massar)


def copy_pupils(
    pupils: Iterable[BulkPupil],
    *,
    school_year,
    kind: str = EnrolmentKind.CONTINUING,
    entered_on: date | None = None,
    history_user=None,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Load ``pupils`` (files + enrolments of ``school_year`` + history) in one transaction.

    Returns the number of pupils loaded. Raises ``ValueError`` for bad input and the database's
    ``IntegrityError`` for a constraint (e.g. a code already in the table); nothing is kept then.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("copy_pupils needs PostgreSQL (COPY FROM STDIN)")
    now = timezone.now()
    entered_on = entered_on or max(timezone.localdate(), school_year.starts_on)
    user_id = history_user.pk if history_user is not None else None
    history = {
        "history_date": now,
        "history_change_reason": HISTORY_REASON,
        "history_type": "+",
        "history_user_id": user_id,
    }
    student_cols = {
        "id",
        "code_massar",
        "public_id",
        "establishment_id",
        "first_name_ar",
        "last_name_ar",
        "first_name_fr",
        "last_name_fr",
        "sex",
        "birth_date",
        "name_key_ar",
        "name_key_latin",
        "search_name",
        "created_at",
        "updated_at",
    }
    enrolment_cols = {
        "id",
        "student_id",
        "school_year_id",
        "establishment_id",
        "level_id",
        "stream_id",
        "class_label",
        "status",
        "kind",
        "entered_on",
        "created_at",
        "updated_at",
    }
    auto_history = frozenset({"history_id"})
    students = _Table(Student, student_cols)
    student_history = _Table(Student.history.model, student_cols | set(history), skip=auto_history)
    enrolments = _Table(Enrolment, enrolment_cols)
    enrolment_history = _Table(
        Enrolment.history.model, enrolment_cols | set(history), skip=auto_history
    )
    enrolment_constants = {
        **enrolments.constants,
        "school_year_id": school_year.pk,
        "status": EnrolmentStatus.REGISTERED,
        "kind": kind,
        "entered_on": entered_on,
        "created_at": now,
        "updated_at": now,
    }
    seen: set[str] = set()
    total = 0
    with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for copy()
        for chunk in _chunks(pupils, chunk_size):
            _check(chunk, seen)
            student_ids = _reserve_ids(cursor, Student, len(chunk))
            enrolment_ids = _reserve_ids(cursor, Enrolment, len(chunk))
            file_rows, enrolment_rows = [], []
            for pupil, student_id, enrolment_id in zip(
                chunk, student_ids, enrolment_ids, strict=True
            ):
                names = _Names(pupil)
                set_name_keys(names)
                file_rows.append(
                    {
                        **students.constants,
                        "id": student_id,
                        "code_massar": pupil.code_massar,
                        "public_id": uuid.uuid4(),
                        "establishment_id": pupil.establishment_id,
                        "first_name_ar": pupil.first_name_ar,
                        "last_name_ar": pupil.last_name_ar,
                        "first_name_fr": pupil.first_name_fr,
                        "last_name_fr": pupil.last_name_fr,
                        "sex": pupil.sex,
                        "birth_date": pupil.birth_date,
                        "name_key_ar": names.name_key_ar,
                        "name_key_latin": names.name_key_latin,
                        "search_name": names.search_name,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                enrolment_rows.append(
                    {
                        **enrolment_constants,
                        "id": enrolment_id,
                        "student_id": student_id,
                        "establishment_id": pupil.establishment_id,
                        "level_id": pupil.level_id,
                        "stream_id": pupil.stream_id,
                        "class_label": pupil.class_label,
                    }
                )
            for table, history_table, rows in (
                (students, student_history, file_rows),
                (enrolments, enrolment_history, enrolment_rows),
            ):
                with cursor.copy(table.sql) as copy:
                    for values in rows:
                        copy.write_row(table.row(values))
                with cursor.copy(history_table.sql) as copy:
                    for values in rows:
                        copy.write_row(history_table.row({**values, **history}))
            total += len(chunk)
        # Foreign keys are checked at commit; check them here, inside the block, so that a bad
        # row rolls back this load only (and raises here, not in the caller's commit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return total
