"""The national bulk load of pupils on PostgreSQL: files, enrolments and their history by COPY.

Loading the country's ~8 million pupils (from the national system, with their codes Massar) row
by row, or even by ``bulk_create``, is too slow. Here the pupils are streamed once, narrow, into
a temporary staging table with ``COPY … FROM STDIN`` (psycopg 3 ``cursor.copy``); the database
then fills the real tables set-based (``INSERT … SELECT``): the files, their enrolments of the
year, and one "created" history row for each. Keys are reserved from the tables' sequences, so
no row is read back.

What the ORM would do is kept: name keys and search text exactly as ``duplicates.set_name_keys``
computes them (per name part, cached: names repeat), a random ``public_id`` per file, the
models' defaults for the other columns. Input is checked first (code format, sex, codes twice in
the input); the database's constraints check the rest (a code already in the table, foreign
keys, checked before returning) and any failure rolls the whole load back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from massar.core.names import arabic_name_key, latin_name_key

from .codes import is_valid_code
from .duplicates import arabic_full_key, search_text
from .models import Enrolment, EnrolmentKind, EnrolmentStatus, Sex, Student

CHUNK_SIZE = 100_000
HISTORY_REASON = "bulk load"
STAGING = "massar_bulk_pupils"  # a temporary table of the loading session
STAGED_STUDENT_IDS = "SELECT id FROM massar_bulk_pupils"
STAGED_ENROLMENT_IDS = "SELECT enrolment_id FROM massar_bulk_pupils"
_HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user_id")
# Arabic letters and ASCII never compose (NFKC) with the character before them, so the key of
# "first + last" is the key of "first" followed by the key of "last".
_STARTS_CLEANLY = re.compile(r"[\u0621-\u064a\x00-\x7f]")


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


_arabic_part = lru_cache(maxsize=500_000)(arabic_name_key)
_latin_word = lru_cache(maxsize=500_000)(latin_name_key)
_search_word = lru_cache(maxsize=500_000)(search_text)


def name_keys(
    first_name_ar: str, last_name_ar: str, first_name_fr: str, last_name_fr: str
) -> tuple[str, str, str]:
    """``(name_key_ar, name_key_latin, search_name)``, equal to what ``set_name_keys`` sets."""
    if not last_name_ar or _STARTS_CLEANLY.match(last_name_ar):
        key_ar = _arabic_part(first_name_ar) + _arabic_part(last_name_ar)
    else:
        key_ar = arabic_full_key(first_name_ar, last_name_ar)
    key_latin = " ".join(
        key for key in map(_latin_word, f"{first_name_fr} {last_name_fr}".split()) if key
    )
    words = f"{first_name_ar} {last_name_ar} {first_name_fr} {last_name_fr}".split()
    search = " ".join(word for word in map(_search_word, words) if word)[:420]
    return key_ar, key_latin, search


# Staging columns: (name, SQL type); ``id`` and ``enrolment_id`` are reserved keys.
_STAGING_COLUMNS = (
    ("id", "bigint"),
    ("enrolment_id", "bigint"),
    ("code_massar", "varchar(10)"),
    ("establishment_id", "bigint"),
    ("first_name_ar", "varchar(100)"),
    ("last_name_ar", "varchar(100)"),
    ("first_name_fr", "varchar(100)"),
    ("last_name_fr", "varchar(100)"),
    ("sex", "varchar(1)"),
    ("birth_date", "date"),
    ("level_id", "bigint"),
    ("stream_id", "bigint"),
    ("class_label", "varchar(30)"),
    ("name_key_ar", "varchar(200)"),
    ("name_key_latin", "varchar(200)"),
    ("search_name", "varchar(420)"),
)


def _constant(model, field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if field.blank:
        return ""
    raise RuntimeError(f"{model.__name__}.{field.name} has no value for a bulk load")


def _select(model, sources: dict[str, str], constants: dict[str, object]):
    """Target columns, the SELECT list and its parameters for ``INSERT INTO model … SELECT``."""
    quote = connection.ops.quote_name
    targets, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        targets.append(quote(field.column))
        if field.attname in sources:
            expressions.append(sources[field.attname])
        elif field.attname in constants:
            expressions.append("%s")
            params.append(constants[field.attname])
        elif field.unique or field.primary_key:
            raise RuntimeError(f"{model.__name__}.{field.name} must be given per row")
        else:
            expressions.append("%s")
            params.append(_constant(model, field))
    return ", ".join(targets), ", ".join(expressions), params


def _history_statement(model, keys_sql: str, user_id):
    """``INSERT`` of the "created" history rows of the model rows whose keys ``keys_sql`` gives."""
    quote = connection.ops.quote_name
    history = model.history.model
    columns = {f.column for f in model._meta.concrete_fields}
    copied = [f.column for f in history._meta.concrete_fields if f.column in columns]
    extra = {f.column for f in history._meta.concrete_fields} - set(copied) - {"history_id"}
    if extra != set(_HISTORY_FIELDS):
        raise RuntimeError(f"unexpected history columns: {sorted(extra)}")
    names = ", ".join(quote(column) for column in copied)
    targets = ", ".join([names, *(quote(column) for column in _HISTORY_FIELDS)])
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({targets}) "  # noqa: S608
        f"SELECT {names}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({keys_sql})"
    )
    return sql, [timezone.now(), HISTORY_REASON, "+", user_id]


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
    quote = connection.ops.quote_name
    now = timezone.now()
    user_id = history_user.pk if history_user is not None else None
    student_targets, student_select, student_params = _select(
        Student,
        {
            "id": "s.id",
            "code_massar": "s.code_massar",
            "public_id": "gen_random_uuid()",
            "establishment_id": "s.establishment_id",
            "first_name_ar": "s.first_name_ar",
            "last_name_ar": "s.last_name_ar",
            "first_name_fr": "s.first_name_fr",
            "last_name_fr": "s.last_name_fr",
            "sex": "s.sex",
            "birth_date": "s.birth_date",
            "name_key_ar": "s.name_key_ar",
            "name_key_latin": "s.name_key_latin",
            "search_name": "s.search_name",
        },
        {"created_at": now, "updated_at": now},
    )
    enrolment_targets, enrolment_select, enrolment_params = _select(
        Enrolment,
        {
            "id": "s.enrolment_id",
            "student_id": "s.id",
            "establishment_id": "s.establishment_id",
            "level_id": "s.level_id",
            "stream_id": "s.stream_id",
            "class_label": "s.class_label",
        },
        {
            "school_year_id": school_year.pk,
            "status": EnrolmentStatus.REGISTERED,
            "kind": kind,
            "entered_on": entered_on or max(timezone.localdate(), school_year.starts_on),
            "created_at": now,
            "updated_at": now,
        },
    )
    staging = quote(STAGING)
    statements = [
        (
            f"INSERT INTO {quote(Student._meta.db_table)} ({student_targets}) "  # noqa: S608
            f"SELECT {student_select} FROM {staging} s",
            student_params,
        ),
        _history_statement(Student, STAGED_STUDENT_IDS, user_id),
        (
            f"INSERT INTO {quote(Enrolment._meta.db_table)} ({enrolment_targets}) "  # noqa: S608
            f"SELECT {enrolment_select} FROM {staging} s",
            enrolment_params,
        ),
        _history_statement(Enrolment, STAGED_ENROLMENT_IDS, user_id),
    ]
    staging_columns = ", ".join(f"{name} {sql_type}" for name, sql_type in _STAGING_COLUMNS)
    seen: set[str] = set()
    total = 0
    with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for copy()
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({staging_columns}) ON COMMIT DROP")
        for chunk in _chunks(pupils, chunk_size):
            _check(chunk, seen)
            student_ids = _reserve_ids(cursor, Student, len(chunk))
            enrolment_ids = _reserve_ids(cursor, Enrolment, len(chunk))
            with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
                for pupil, student_id, enrolment_id in zip(
                    chunk, student_ids, enrolment_ids, strict=True
                ):
                    copy.write_row(
                        (
                            student_id,
                            enrolment_id,
                            pupil.code_massar,
                            pupil.establishment_id,
                            pupil.first_name_ar,
                            pupil.last_name_ar,
                            pupil.first_name_fr,
                            pupil.last_name_fr,
                            pupil.sex,
                            pupil.birth_date,
                            pupil.level_id,
                            pupil.stream_id,
                            pupil.class_label,
                            *name_keys(
                                pupil.first_name_ar,
                                pupil.last_name_ar,
                                pupil.first_name_fr,
                                pupil.last_name_fr,
                            ),
                        )
                    )
            for sql, params in statements:
                cursor.execute(sql, params)
            cursor.execute(f"TRUNCATE {staging}")
            total += len(chunk)
        cursor.execute(f"DROP TABLE {staging}")
        # Foreign keys are checked at commit; check them here, inside the block, so that a bad
        # row rolls back this load only (and raises here, not in the caller's commit).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return total
